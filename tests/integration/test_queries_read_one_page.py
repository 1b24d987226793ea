"""Per request, the database hands back one page of documents or a few aggregate groups, never every match:
search (home, search, sorts, facets, shop pages, the API), the order lists of shoppers, merchants and
operators, and the promotion dashboards. Counted by a wrapper around the test database's collections."""

from __future__ import annotations

from mall.catalog.models import AttributeDef, AttrType
from mall.storefront.services import PER_PAGE
from tests.integration.promo_helpers import campaign
from tests.integration.reads import as_user
from tests.integration.storefront_world import picture

MATCHES = 60  # more than two pages of search results
ORDERS = 23  # more than a page of orders (20)
PAID = 25  # orders a dashboard adds up
FACET_GROUPS = 2 + 5 * 2  # shops, and (colour 3 + organic 2) groups of each facet grouping (at most two here)


async def test_search_pages_read_one_page_of_products_however_many_match(web, factory, reads):
    tea_shop, cup_shop = await factory.shop(), await factory.shop()
    await factory.attributes(
        tea_shop.id,
        [
            AttributeDef(key="color", label="Colour", type=AttrType.ENUM, options=["red", "green", "blue"]),
            AttributeDef(key="organic", label="Organic", type=AttrType.BOOLEAN),
        ],
    )
    photo = picture(factory.c)
    for n in range(MATCHES):
        shop = tea_shop if n % 2 else cup_shop
        attributes = {"color": ["red", "green", "blue"][n % 3], "organic": n % 4 == 1} if shop is tea_shop else {}
        await factory.product(
            shop_id=shop.id, name=f"Tea {n}", attributes=attributes, images=[photo] if n % 5 == 0 else [],
            variants=[{"price": 10000 + 100 * n, "stock": 5}],
        )  # fmt: skip
    pages = [
        "/search?q=tea",
        "/search?q=tea&sort=price_asc&page=2",
        "/search?sort=rating",
        "/search?sort=sales&page=3",
        "/search?q=tea&a.color=red&a.organic=true",
        f"/shops/{tea_shop.slug}",
        "/api/v1/products?q=tea&sort=newest",
    ]
    for path in pages:
        reads.clear()
        answer = await web.get(path)
        assert answer.status_code == 200, path
        assert reads.docs["products"] <= PER_PAGE + FACET_GROUPS, (path, reads.docs)
        assert reads.queries["products"] <= 6, (path, reads.queries)

    reads.clear()
    home = await web.get("/")
    assert home.status_code == 200
    assert reads.docs["products"] <= 8 + 2  # the newest eight and one picture per open shop
    assert reads.queries["products"] <= 1 + 2


async def test_order_lists_read_one_page_and_their_shoppers_at_once(app, factory, reads):
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, stock=100)
    shoppers = [await factory.user() for _ in range(6)]
    for n in range(ORDERS):
        await factory.checkout(shoppers[n % len(shoppers)], (tea, 1))
    mine = shoppers[0]
    async with (
        as_user(app, mine) as shopper,
        as_user(app, await factory.owner_of(shop)) as merchant,
        as_user(app, await factory.operator()) as operator,
    ):
        for client, path, most in (
            (shopper, "/orders", 4),  # this shopper's four
            (merchant, "/merchant/orders", 20 + 1),  # and the tabs' counts: one group per status (one here)
            (merchant, "/merchant/orders?status=pending_payment&page=2", 3 + 1),
            (operator, "/operator/orders", 20),
            (operator, "/operator/orders?page=2", 3),
            (operator, "/operator/orders?q=Lin", 20),  # the recipient's name
        ):
            reads.clear()
            answer = await client.page(path)
            assert answer.status_code == 200, path
            assert reads.docs["orders"] <= most, (path, reads.docs)
            assert reads.queries["users"] <= 2, (path, reads.queries)  # the session's user, the page's shoppers


async def test_promotion_dashboards_read_aggregates_not_orders(app, factory, container, reads):
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, price=20000, stock=100, name="Alishan oolong")
    made = await campaign(container, percent_off=10, share=60, products=[tea], lasts=86400)
    buyers = [await factory.user() for _ in range(5)]
    for n in range(PAID):
        await factory.paid_checkout(buyers[n % len(buyers)], (tea, 1 + n % 3))
        container.clock.advance(minutes=20)  # the orders fall into several hours
    async with (
        as_user(app, await factory.marketer()) as marketer,
        as_user(app, await factory.owner_of(shop)) as merchant,
    ):
        reads.clear()
        dashboard = await marketer.page(f"/marketing/campaigns/{made.id}/figures")
        assert dashboard.status_code == 200
        assert f'data-figure="orders">{PAID}<' in dashboard.text
        assert reads.docs["orders"] <= 16, reads.docs  # totals, lines, hours (9), shops and products (one each)

        reads.clear()
        funding = await merchant.page("/merchant/promotions/funding")
        assert funding.status_code == 200
        assert reads.docs["orders"] <= 16, reads.docs
