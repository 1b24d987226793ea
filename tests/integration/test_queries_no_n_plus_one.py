"""No loop asks the database once per item: the checkout's shipping templates, the wallet's coupon counts, the
reminders of an opening sale, a category's products re-indexed, the health score's order figures; and looking
at a cart writes nothing unless a price moved. Counted by the wrapper around the test database's collections."""

from __future__ import annotations

from mall.catalog import services as catalog
from mall.flash_sales import services as flash
from mall.orders import services as orders
from mall.orders.models import OrderStatus, ship_by, shipped_late
from mall.promotions import services as promotions
from tests.integration.flash_helpers import make_sale
from tests.integration.promo_helpers import coupon
from tests.integration.reads import as_user


async def test_the_checkout_reads_every_shops_shipping_template_at_once(app, factory, container, reads):
    shopper = await factory.user()
    products = [await factory.stocked_product(price=10000 + n, stock=5) for n in range(4)]
    for product in products:
        await orders.save_template(
            container.shipping, container.clock, shop_id=product.shop_id, flat_fee=6000, free_over=None,
            region_fees={"KIN": 20000},
        )  # fmt: skip
    await factory.cart_with(shopper, *((p, 1) for p in products))
    async with as_user(app, shopper) as web:
        reads.clear()
        page = await web.page("/checkout")
    assert page.status_code == 200
    assert reads.queries["shipping_templates"] == 1
    assert reads.docs["shipping_templates"] == len(products)


async def test_the_wallet_reads_the_shoppers_counts_of_all_its_coupons_at_once(app, factory, container, reads):
    shopper = await factory.user()
    for n in range(6):
        found = await coupon(container, code=f"WALLET{n}", claimable=True, per_user=2)
        await promotions.claim_coupon(container, found.id, shopper.id)
    tea = await factory.stocked_product(price=20000, stock=5)
    await factory.checkout(shopper, (tea, 1), codes=("WALLET3",))
    async with as_user(app, shopper) as web:
        reads.clear()
        page = await web.page("/account/coupons")
    assert page.status_code == 200 and "WALLET3" in page.text
    assert reads.queries["coupon_uses"] == 1 and reads.docs["coupon_uses"] == 1
    assert reads.queries["coupons"] == 1


async def test_looking_at_a_cart_writes_nothing_until_a_price_moves(app, factory, container, reads):
    shopper = await factory.user()
    tea = await factory.stocked_product(price=20000, stock=5)
    await factory.cart_with(shopper, (tea, 1))
    async with as_user(app, shopper) as web:
        reads.clear()
        for _ in range(3):
            assert (await web.page("/cart")).status_code == 200
        assert reads.writes["carts"] == 0
        await container.products.products.update_one({"_id": tea.id}, {"$set": {"variants.0.price": 18000}})
        first = await web.page("/cart")
        second = await web.page("/cart")
    assert reads.writes["carts"] == 1  # the new price is remembered as seen, once
    assert "Price changed from" in first.text and "Price changed from" not in second.text


async def test_an_opening_sale_hands_out_its_reminders_in_batches(container, factory, reads):
    heard = []

    async def listen(_name, payload):
        heard.append(payload.get("user_id"))

    container.events.subscribe("flash.reminder", listen)
    sale = await make_sale(container, factory, quantity=5, starts_in=60, lasts=600)
    for n in range(40):
        await flash.remind(container, sale.id, f"user-{n}")
    container.clock.advance(seconds=60)
    reads.clear()

    assert await flash.open_sale(container, sale.id) is True

    assert sorted(heard) == sorted(f"user-{n}" for n in range(40))
    assert reads.writes["flash_reminders"] <= 2 and reads.queries["flash_reminders"] <= 4
    assert await flash.open_sale(container, sale.id) is False and len(heard) == 40  # each handed out once


async def test_renaming_a_category_rewrites_its_products_terms_in_one_round_trip(container, factory, reads):
    tea = await factory.category(slug="tea", name={"en": "Tea", "zh_Hant": "茶"})
    made = [await factory.product(name=f"Leaf {n}", category=tea) for n in range(30)]
    reads.clear()

    await catalog.rename_category(
        container.categories, container.products, tea.id, name={"en": "Oolong", "zh_Hant": "烏龍"}
    )

    assert reads.writes["products"] == 1
    stored = await container.products.products.find_one({"_id": made[7].id})
    assert "oolong" in stored["terms"] and "烏龍" in stored["terms"] and "tea" not in stored["terms"]


async def test_the_health_scores_order_figures_are_counted_without_reading_orders(container, factory, reads):
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, stock=100)
    owner = await factory.owner_of(shop)
    hours = container.settings.ship_by_hours
    since = container.clock.now()
    placed = [await factory.paid_checkout(await factory.user(), (tea, 1)) for _ in range(7)]
    ids = [p.orders[0].id for p in placed]
    await orders.ship_order(
        container, shop_id=shop.id, order_id=ids[0], actor_id=owner.id, carrier="HCT", tracking_number="1"
    )
    await orders.cancel_by_merchant(container, shop_id=shop.id, order_id=ids[1], actor_id=owner.id, reason="No stock")
    await orders.cancel_by_shopper(container, user_id=placed[2].orders[0].user_id, order_id=ids[2])
    container.clock.advance(hours=hours, seconds=1)  # the rest are now past their deadline
    await orders.ship_order(
        container, shop_id=shop.id, order_id=ids[3], actor_id=owner.id, carrier="HCT", tracking_number="2"
    )
    await factory.paid_checkout(await factory.user(), (tea, 1))  # paid just now: not due yet

    reads.clear()
    found = await orders.fulfilment_figures(container, shop_id=shop.id, since=since)
    assert reads.docs["orders"] <= 1  # one group: the late shipments; the rest are counts

    now, paid = container.clock.now(), [o async for o in container.orders.orders.find({"shop_id": shop.id})]
    everything = [await container.orders.get(doc["_id"]) for doc in paid]
    live = [o for o in everything if o.status is not OrderStatus.CANCELLED]
    due = [o for o in live if o.shipped_at is not None or now > ship_by(o, hours)]
    by_shop = [o for o in everything if o.status is OrderStatus.CANCELLED and any(
        e.action == "cancel" and e.actor == "merchant" for e in o.timeline)]  # fmt: skip
    expected = (len(everything), len(by_shop), len(due), sum(shipped_late(o, hours, now) for o in due))
    assert (found.paid, found.cancelled_by_shop, found.due, found.late) == expected == (8, 1, 5, 4)
