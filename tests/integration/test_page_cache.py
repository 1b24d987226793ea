"""Kept pages never show a stale price: a page rendered once for everyone (and served from the cache, `X-Page-Cache:
hit`) switches price at the very second a limited-time discount, a campaign or a flash sale starts and ends, with no
reload of the server; a product edit, a stock move to "sold out", a shop suspension and a promotion pause show on the
next request. The clock is the tests' FrozenClock, moved by hand."""

from __future__ import annotations

import re

from mall.catalog import services as catalog
from mall.catalog.models import ProductDraft, VariantDraft
from mall.flash_sales import services as flash
from mall.promotions import services as promotions
from mall.promotions.records import Control
from mall.web.i18n import money
from tests.integration.flash_helpers import make_sale, reserve
from tests.integration.promo_helpers import campaign, limited
from tests.integration.storefront_world import suspend


def price(minor: int) -> str:
    return money(minor, "TWD")


async def served(web, path: str, **kw):
    """The page as a browser gets it, asked twice: the second answer must come from the cache."""
    first = await web.get(path, **kw)
    again = await web.get(path, **kw)
    assert first.status_code == again.status_code == 200, (path, first.status_code)
    assert again.headers["x-page-cache"] == "hit", path
    return again.text


def card_of(html: str, product_id: str) -> str:
    """A product's card in a listing."""
    start = html.index(f'href="/p/{product_id}"')
    return html[start : html.index("</a>", start)]


def buy_box(html: str) -> str:
    return html[html.index('id="buy-box"') :]


def now_price(html: str) -> str | None:
    """The promotional price a page shows as "now" in a product's buy box or card (None: the normal price)."""
    found = re.search(r'class="promo-price-now">([^<]+)</b>', html)
    return found.group(1) if found else None


async def test_a_kept_product_page_and_listings_switch_price_at_the_second_a_limited_time_discount_starts_and_ends(
    web, container, factory
):
    clock = container.clock
    shop = await factory.shop(slug="alishan-tea")
    tea = await factory.stocked_product(shop=shop, price=20000, stock=10, name="Alishan oolong")
    await limited(container, tea, fixed_price=15000, starts_in=600, lasts=600)
    pages = {
        "product": (f"/p/{tea.id}", buy_box),
        "search": ("/search?q=alishan", lambda html: card_of(html, tea.id)),
        "shop": ("/shops/alishan-tea", lambda html: card_of(html, tea.id)),
    }

    async def prices() -> dict[str, str | None]:
        return {name: now_price(part(await served(web, path))) for name, (path, part) in pages.items()}

    normal = dict.fromkeys(pages)
    on_deal = dict.fromkeys(pages, price(15000))
    assert await prices() == normal  # not yet (kept)
    clock.advance(seconds=599)
    assert await prices() == normal  # a second before the start, still kept
    clock.advance(seconds=1)
    assert await prices() == on_deal  # at the start
    clock.advance(seconds=599)
    assert await prices() == on_deal
    clock.advance(seconds=1)
    assert await prices() == normal  # at the end


async def test_a_kept_product_page_switches_price_at_the_second_a_campaign_starts_and_ends(web, container, factory):
    clock = container.clock
    tea = await factory.stocked_product(price=20000, stock=10)
    double12 = await campaign(container, percent_off=10, starts_in=300, lasts=300, products=[tea])
    path = f"/p/{tea.id}"

    assert now_price(buy_box(await served(web, path))) is None
    clock.advance(seconds=299)
    assert now_price(buy_box(await served(web, path))) is None
    clock.advance(seconds=1)
    assert now_price(buy_box(await served(web, path))) is None  # its second: live once its job says so (as in the cart)
    assert await promotions.step_campaign(container, double12.id) == "started"  # the job, at its second
    assert now_price(buy_box(await served(web, path))) == price(18000)  # 10% off
    clock.advance(seconds=299)
    assert now_price(buy_box(await served(web, path))) == price(18000)
    clock.advance(seconds=1)
    assert now_price(buy_box(await served(web, path))) is None  # over at its second, before its job has run
    assert await promotions.step_campaign(container, double12.id) == "ended"
    assert now_price(buy_box(await served(web, path))) is None


async def test_kept_deals_listings_and_product_pages_follow_a_flash_sale_from_its_start_to_its_end(
    web, container, factory
):
    clock = container.clock
    sale = await make_sale(container, factory, starts_in=120, lasts=60, price=9900)

    def sale_state(html: str) -> str | None:
        found = re.search(rf'data-flash-sale="{sale.id}" data-state="(\w+)"', html)
        return found.group(1) if found else None

    async def seen() -> tuple:
        deals = await served(web, "/deals")
        listing = card_of(await served(web, "/search?q=product"), sale.product_id)
        product = await served(web, f"/p/{sale.product_id}")
        return sale_state(deals), now_price(listing), sale_state(product)

    assert await seen() == ("upcoming", None, "upcoming")
    clock.advance(seconds=119)
    assert await seen() == ("upcoming", None, "upcoming")
    clock.advance(seconds=1)
    assert await seen() == ("running", price(9900), "running")  # the card shows what a shopper pays now
    clock.advance(seconds=59)
    assert await seen() == ("running", price(9900), "running")
    clock.advance(seconds=1)
    assert await seen() == (None, None, None)  # over: off /deals, the listing at the normal price, no banner


async def test_writes_show_on_the_next_request_a_product_edit_a_sell_out_a_promotion_paused_a_shop_suspended(
    web, container, factory
):
    c = container
    shop = await factory.shop(slug="dong-ding")
    tea = await factory.stocked_product(shop=shop, price=20000, stock=2, name="Dong Ding")
    deal = await limited(c, tea, fixed_price=15000)
    product, listing = f"/p/{tea.id}", "/shops/dong-ding"
    assert now_price(buy_box(await served(web, product))) == price(15000)
    assert now_price(card_of(await served(web, listing), tea.id)) == price(15000)

    # a merchant renames the product and raises its price
    draft = ProductDraft(
        name={"en": "Dong Ding, roasted"}, category_id=None, description="", attributes={},
        variants=[VariantDraft(sku=tea.variants[0].sku, price=26000, stock=2, options={})],
    )  # fmt: skip
    await catalog.update_product(
        c.products, c.categories, c.attribute_sets, c.clock, shop_id=shop.id, product_id=tea.id, draft=draft
    )
    page = await served(web, product)
    assert "Dong Ding, roasted" in page and price(26000) in buy_box(page)
    assert "Dong Ding, roasted" in card_of(await served(web, listing), tea.id)

    # the last units are bought: "sold out" on the product page and on the card
    assert await catalog.take_stock(c.products, tea.id, tea.variants[0].id, 2)
    assert "Out of stock" in buy_box(await served(web, product))
    assert "Sold out" in card_of(await served(web, listing), tea.id)

    # the merchant pauses the limited-time discount: the normal price at once
    await promotions.set_control(c, shop_id=shop.id, promotion_id=deal.id, control=Control.PAUSED)
    assert now_price(buy_box(await served(web, product))) is None
    assert now_price(card_of(await served(web, listing), tea.id)) is None

    # the operator suspends the shop: its pages are gone
    await suspend(c, shop)
    assert (await web.get(product)).status_code == 404
    assert (await web.get(listing)).status_code == 404
    assert f"/p/{tea.id}" not in await served(web, "/search?q=dong")


async def test_a_signed_in_shopper_gets_the_kept_page_with_only_their_own_parts(app, container, factory):
    from tests.conftest import Web

    tea = await factory.stocked_product(price=20000, stock=10, name="Shared oolong")
    upcoming = await make_sale(container, factory, starts_in=3600)
    path = f"/p/{tea.id}"
    async with (
        Web(base_url=app.ctx.base_url, timeout=30) as guest,
        Web(base_url=app.ctx.base_url, timeout=30) as ann_tab,
        Web(base_url=app.ctx.base_url, timeout=30) as bob_tab,
    ):
        ann = await factory.user(email="ann@example.test", name="Ann")
        bob = await factory.user(email="bob@example.test", name="Bob")
        await ann_tab.sign_in(ann.email)
        await bob_tab.sign_in(bob.email)
        await ann_tab.form(f"/flash/{upcoming.id}/remind", {"remind": "1"})
        await served(guest, path)  # kept, warm
        await served(guest, "/deals")

        for tab, me, other in ((ann_tab, ann, bob), (bob_tab, bob, ann), (ann_tab, ann, bob)):
            for page in (path, "/deals"):
                answer = await tab.get(page)
                assert answer.headers["x-page-cache"] == "hit"  # the same kept body...
                html = answer.text
                assert me.email in html and other.email not in html  # ...with this shopper's own menu
                tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
                assert tokens == {tab.csrf}  # and only their own CSRF token, in every form
                reminded = "Reminder set" in html
                assert reminded == (page == "/deals" and me is ann)  # only Ann asked to be reminded
        guest_html = (await guest.get(path)).text
        assert ann.email not in guest_html and bob.email not in guest_html and "Sign in" in guest_html


async def test_a_flash_sale_selling_out_shows_on_the_next_request_and_units_coming_back_too(web, container, factory):
    c = container
    sale = await make_sale(c, factory, quantity=2, limit=1, price=9900)
    buyers = [await factory.user() for _ in range(2)]

    def left(html: str) -> str:
        return re.search(rf'data-flash-sale="{sale.id}" data-state="(\w+)"[^>]*data-remaining="(\d+)"', html).groups()

    assert left(await served(web, "/deals")) == ("running", "2")
    assert now_price(card_of(await served(web, "/search?q=product"), sale.product_id)) == price(9900)

    first = await reserve(c, sale, buyers[0].id)
    assert left(await served(web, "/deals")) == ("running", "1")
    await reserve(c, sale, buyers[1].id, ip="10.0.0.2")
    assert left(await served(web, "/deals")) == ("soldout", "0")
    assert now_price(card_of(await served(web, "/search?q=product"), sale.product_id)) is None  # the normal price

    _sale_id, hold_id = first.id.split(".")
    await flash.release_hold(c, sale.id, hold_id, user_id=buyers[0].id)  # a hold let go: its unit is on sale again
    assert left(await served(web, "/deals")) == ("running", "1")
    assert now_price(card_of(await served(web, "/search?q=product"), sale.product_id)) == price(9900)
