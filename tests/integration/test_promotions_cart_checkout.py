"""The cart and the checkout priced by the promotions' engine, as the shopper reads them: per shop each promotion and
what it saved, shipping, the shop's total and the grand total (the engine's numbers, to the minor unit); coupon codes
kept in the session with the reason a code does not apply; placing with the codes and the total shown (a total
that moved since is refused and shown again); the orders' pages with their discounts; and the live `deals` message
when a promotion starts."""

from __future__ import annotations

import re

from mall.cart import services as cart
from mall.infra.money import format_money
from mall.orders import services as orders
from mall.promotions import services as promotions
from mall.promotions.models import Scope
from tests.integration.promo_helpers import campaign, coupon, limited, threshold
from tests.integration.test_flash_sales_live import deals_socket
from tests.integration.test_orders_pages import token_of
from tests.integration.test_realtime_hub import next_message


def money(minor: int) -> str:
    return format_money(minor, "TWD", "en")


def shop_part(html: str, shop_id: str, tag: str = "section") -> str:
    return html.split(f'data-shop="{shop_id}"')[1].split(f"</{tag}>")[0]


async def two_shops_on_promotion(container, factory):
    """Tea (NT$200, 10 % off for a limited time, 滿 300 減 30) and cups of another shop (NT$150, in a 10 % campaign),
    and a platform coupon NEWYEAR (NT$50 off)."""
    tea = await factory.stocked_product(price=20000, stock=50, name="Oolong")
    cups = await factory.stocked_product(price=15000, stock=50, name="Cups")
    await limited(container, tea, percent_off=10)
    await threshold(container, tea.shop_id, [{"min_spend": 30000, "save": 3000}])
    await campaign(container, percent_off=10, products=[cups])
    await coupon(container, code="NEWYEAR", value=5000)
    return tea, cups


async def signed_in_with_cart(web, factory, *items):
    shopper = await factory.user()
    await factory.address(shopper)  # Taipei: each shop's flat NT$60
    await factory.cart_with(shopper, *items)
    await web.sign_in(shopper.email)
    return shopper


async def test_the_cart_shows_each_shops_promotions_and_totals_exactly_as_the_engine_prices_them(
    web, container, factory
):
    tea, cups = await two_shops_on_promotion(container, factory)
    shopper = await signed_in_with_cart(web, factory, (tea, 2), (cups, 1))

    added = await web.form("/cart/coupons", {"code": "newyear"}, headers={"HX-Request": "true"})

    assert added.status_code == 200 and added.text.lstrip().startswith('<div id="cart"')
    view = await cart.view(container.carts.for_user(shopper.id), container.products, container.shops)
    quote = await orders.quote_cart(container, view, user_id=shopper.id, region="TPE", codes=["NEWYEAR"])
    priced = quote.priced
    page = (await web.page("/cart")).text
    for shop in priced.shops:
        part = shop_part(page, shop.shop_id)
        assert re.search(rf'class="cart-shop-subtotal">{re.escape(money(shop.subtotal))}<', part)
        assert re.search(rf'class="cart-shop-total">{re.escape(money(shop.total))}<', part)
        for line in shop.lines:
            for allocation in line.allocations:
                assert f"−{money(allocation.amount)}" in part or allocation.kind == "platform_coupon"
    tea_part = shop_part(page, tea.shop_id)
    assert "Limited-time deal" in tea_part and "−NT$40" in tea_part  # 2 × (200 − 180)
    assert "Spend NT$300, save NT$30" in tea_part and "−NT$30" in tea_part
    assert "NT$180" in tea_part and "NT$360" in tea_part  # the line at its limited-time price
    cups_part = shop_part(page, cups.shop_id)
    assert "Joint promotion: 雙12" in cups_part and "−NT$15" in cups_part
    assert "Coupon NEWYEAR" in tea_part and "Coupon NEWYEAR" in cups_part  # its share in each shop
    assert re.search(rf'id="cart-total">{re.escape(money(priced.total))}<', page)
    assert priced.total == 55000 - 4000 - 3000 - 1500 - 5000 + 2 * 6000
    assert 'data-code="NEWYEAR"' in page and "−NT$50" in page.split('data-code="NEWYEAR"')[1]


async def test_a_code_that_does_not_apply_says_why_in_words(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=50)
    await coupon(container, code="BIGSPEND", value=1000, min_spend=100000)
    await coupon(container, code="WALLET", value=1000, claimable=True)
    await coupon(container, code="LATER", value=1000, starts_in=3600)
    await signed_in_with_cart(web, factory, (tea, 1))

    big = await web.form("/cart/coupons", {"code": "BIGSPEND"}, headers={"HX-Request": "true"})
    assert "Coupon BIGSPEND does not apply: Spend NT$800 more to use it." in big.text
    unknown = await web.form("/cart/coupons", {"code": "NOSUCH"}, headers={"HX-Request": "true"})
    assert "Coupon NOSUCH does not apply: There is no coupon with this code." in unknown.text
    wallet = await web.form("/cart/coupons", {"code": "wallet"}, headers={"HX-Request": "true"})
    assert "Claim this coupon first" in wallet.text
    later = await web.form("/cart/coupons", {"code": "LATER"})  # without JavaScript: back to the cart
    assert later.status_code == 303 and later.headers["location"] == "/cart"
    page = (await web.page("/cart")).text
    assert "Coupon LATER does not apply: This coupon cannot be used yet." in page
    assert 'data-code="BIGSPEND"' in page and 'data-code="NOSUCH"' not in page  # unknown codes are not kept
    assert "Spend NT$800 more to use it." in page.split('data-code="BIGSPEND"')[1]
    bad = await web.form("/cart/coupons", {"code": "<b>"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "Enter a coupon code" in bad.text

    removed = await web.form("/cart/coupons/remove", {"code": "BIGSPEND"}, headers={"HX-Request": "true"})
    assert 'data-code="BIGSPEND"' not in removed.text


async def test_a_second_coupon_of_the_same_shop_names_the_one_that_applies(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=50)
    for code in ("SHOPA", "SHOPB"):
        await coupon(container, scope=Scope.SHOP, shop_id=tea.shop_id, code=code, value=1000)
    await signed_in_with_cart(web, factory, (tea, 1))
    await web.form("/cart/coupons", {"code": "SHOPA"})
    page = await web.form("/cart/coupons", {"code": "SHOPB"}, headers={"HX-Request": "true"})
    assert "One coupon per shop: SHOPA applies there instead." in page.text


async def test_the_wallet_picker_in_the_cart_applies_a_claimed_coupon(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=50)
    mine = await coupon(container, code="MINE20", value=2000, claimable=True)
    shopper = await signed_in_with_cart(web, factory, (tea, 1))
    await promotions.claim_coupon(container, mine.id, shopper.id)

    page = (await web.page("/cart")).text
    picker = page.split('class="promo-picker"')[1].split("</ul>")[0]
    assert "NT$20 off" in picker and 'value="MINE20"' in picker and 'href="/account/coupons"' in page

    used = await web.form("/cart/coupons", {"code": "MINE20"}, headers={"HX-Request": "true"})
    assert "Coupon MINE20 applies: you save NT$20." in used.text
    assert 'class="promo-picker"' not in used.text  # chosen: no longer offered


async def test_checkout_places_with_the_codes_and_the_orders_carry_the_discounts_the_page_showed(
    web, container, factory
):
    tea, cups = await two_shops_on_promotion(container, factory)
    await signed_in_with_cart(web, factory, (tea, 2), (cups, 1))
    await web.form("/cart/coupons", {"code": "NEWYEAR"})

    page = await web.page("/checkout")

    text = page.text
    shown = {
        shop_id: shop_part(text, shop_id).split('class="checkout-shop-total">')[1].split("<")[0]
        for shop_id in (tea.shop_id, cups.shop_id)
    }
    assert 'name="coupon" value="NEWYEAR"' in text
    expected = int(text.split('name="expected_total" value="')[1].split('"')[0])
    assert re.search(rf'id="checkout-total">{re.escape(money(expected))}<', text)
    assert "Joint promotion: 雙12" in shop_part(text, cups.shop_id) and "Coupon NEWYEAR" in shop_part(text, tea.shop_id)
    assert 'ws-connect="/ws"' in text  # follows `deals`: totals reload when a promotion starts

    placed = await web.form(
        "/checkout",
        {"checkout_token": token_of(page), "coupon": ["NEWYEAR"], "expected_total": str(expected),
         "address_id": text.split('name="address_id" value="')[1].split('"')[0]},
    )  # fmt: skip

    assert placed.status_code == 303 and placed.headers["location"].startswith("/pay/sandbox/")
    (checkout,) = [c async for c in container.checkouts.checkouts.find({})]
    found = await container.orders.of_checkout(checkout["_id"])
    assert checkout["total"] == expected == sum(o.total for o in found)
    assert {o.shop_id: money(o.total) for o in found} == shown
    assert [use["code"] for use in checkout["coupons"]] == ["NEWYEAR"]
    assert sum(o.discount for o in found) == 4000 + 3000 + 1500 + 5000
    assert "NEWYEAR" not in (await web.page("/cart")).text  # used: the session forgets it

    status = (await web.page(f"/checkouts/{checkout['_id']}")).text
    tea_order = next(o for o in found if o.shop_id == tea.shop_id)
    mine = (await web.page(f"/orders/{tea_order.id}")).text
    assert "Discount" in mine and "Amount paid" in mine and "Limited-time deal" in mine and "Coupon NEWYEAR" in mine
    for line in tea_order.lines:
        assert f"−{money(line.discount)}" in mine and money(line.net) in mine
    assert money(tea_order.total) in mine and "Spend NT$300, save NT$30" in status


async def test_a_total_that_moved_since_the_page_was_shown_is_shown_again_and_nothing_is_placed(
    web, container, factory
):
    tea = await factory.stocked_product(price=20000, stock=50)
    await signed_in_with_cart(web, factory, (tea, 1))
    page = await web.page("/checkout")
    old = int(page.text.split('name="expected_total" value="')[1].split('"')[0])
    await limited(container, tea, fixed_price=15000)  # starts now, while the page is open
    address_id = page.text.split('name="address_id" value="')[1].split('"')[0]

    refused = await web.form(
        "/checkout", {"checkout_token": token_of(page), "expected_total": str(old), "address_id": address_id}
    )

    assert refused.status_code == 409
    assert "A promotion started or ended since you opened this page: check the new total" in refused.text
    assert re.search(r'id="checkout-total">NT\$210<', refused.text)  # 150 + 60 shipping
    assert await container.checkouts.checkouts.count_documents({}) == 0
    again = await web.form(
        "/checkout", {"checkout_token": token_of(refused), "expected_total": "21000", "address_id": address_id}
    )
    assert again.status_code == 303


async def test_a_coupon_used_up_meanwhile_is_explained_and_nothing_is_placed(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=50)
    await coupon(container, code="LASTONE", value=2000, total=1)
    await signed_in_with_cart(web, factory, (tea, 1))
    await web.form("/cart/coupons", {"code": "LASTONE"})
    page = await web.page("/checkout")
    await factory.checkout(await factory.user(), (tea, 1), codes=("LASTONE",))  # someone else takes it

    refused = await web.form(
        "/checkout",
        {"checkout_token": token_of(page), "coupon": "LASTONE", "expected_total": "18000",
         "address_id": page.text.split('name="address_id" value="')[1].split('"')[0]},
    )  # fmt: skip

    assert refused.status_code == 409 and "Some coupons no longer apply, so nothing was placed." in refused.text
    assert "This coupon is all used up." in refused.text
    assert await container.checkouts.checkouts.count_documents({"user_id": {"$ne": None}}) == 1  # only theirs


async def test_a_malformed_code_or_total_in_the_checkout_form_is_refused(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=50)
    await signed_in_with_cart(web, factory, (tea, 1))
    page = await web.page("/checkout")
    address_id = page.text.split('name="address_id" value="')[1].split('"')[0]
    for extra in ({"coupon": "<script>"}, {"expected_total": "-5"}, {"expected_total": "1e9"}):
        answer = await web.form("/checkout", {"checkout_token": token_of(page), "address_id": address_id, **extra})
        assert answer.status_code == 422 and "Your form has expired" in answer.text
    assert await container.checkouts.checkouts.count_documents({}) == 0


async def next_promotion_message(sock) -> dict:
    """The next promo.changed message (an earlier test's delayed flash push may still be on its way)."""
    while True:
        message = await next_message(sock)
        if message["kind"] == "promo.changed":
            return message


async def test_a_promotion_that_starts_tells_every_open_page_to_reload_its_price_regions(app, container, factory):
    tea = await factory.stocked_product(price=20000, stock=50)
    sock = await deals_socket(app)
    try:
        await limited(container, tea, percent_off=10)  # starts now: announced at once
        shop_message = await next_promotion_message(sock)
        live = await campaign(container, percent_off=10, products=[tea])
        entered, started = await next_promotion_message(sock), await next_promotion_message(sock)
    finally:
        await sock.close()

    assert shop_message["channel"] == "deals"
    assert shop_message["data"] == {
        "refresh": [f"#buy-box[data-shop='{tea.shop_id}']", "#cart", "#checkout-totals", "#campaign-page",
                    "#home-campaigns"],
        "spread_ms": 800,
    }  # fmt: skip
    assert shop_message["html"] == ""  # no price, no name: each page fetches its own
    for message in (entered, started):  # the operator's approval, then the start
        assert message["data"]["refresh"] == [
            "#buy-box", "#promo-banner", "#cart", "#checkout-totals", "#campaign-page", "#home-campaigns"
        ]  # fmt: skip
        assert message["html"] == "" and set(message["data"]) == {"refresh", "spread_ms"}
    assert live.status == "live"


async def test_the_shop_sees_its_orders_discounts_and_a_refund_for_a_coupon_gone_is_explained(web, container, factory):
    from tests.integration.flash_helpers import pay_late

    tea = await factory.stocked_product(price=20000, stock=10)
    await coupon(container, code="LATE", total=1, per_user=1, value=2000)
    slow, quick = await factory.user(), await factory.user()
    placed = await factory.checkout(slow, (tea, 1), codes=("LATE",))
    container.clock.advance(minutes=31)
    await orders.expire_checkout(container, placed.checkout.id)
    paid = await factory.paid_checkout(quick, (tea, 1), codes=("LATE",))
    await pay_late(container, placed.checkout.id)

    await web.sign_in(slow.email)
    (refunded,) = placed.orders
    shown = (await web.page(f"/orders/{refunded.id}")).text
    assert "its coupon had been used up meanwhile: refunded." in shown

    merchant = await factory.owner_of(await container.shops.get(tea.shop_id))
    await web.sign_in(merchant.email)
    (order,) = paid.orders
    page = (await web.page(f"/merchant/orders/{order.id}")).text
    assert "Coupon LATE" in page and "−NT$20" in page and "NT$180" in page  # the line paid 200 − 20
    assert re.search(r'class="order-total">NT\$240<', page)  # 180 + 60 shipping


async def test_each_promotion_is_one_clear_line_and_waived_shipping_is_shown_once(web, container, factory):
    # given a tea shop's 滿減 named as merchants do (restating its tiers), which also ships free
    tea = await factory.stocked_product(price=30000, stock=50, name="Oolong")  # two: NT$600, under free_over
    tiers = [{"min_spend": 50000, "save": 5000}, {"min_spend": 100000, "save": 12000}]
    made = await threshold(container, tea.shop_id, tiers, free_shipping=True)
    await container.db["shop_promotions"].update_one(
        {"_id": made.id}, {"$set": {"name": "滿 500 減 50 / 滿 1000 減 120"}}
    )
    await signed_in_with_cart(web, factory, (tea, 2))

    cart_page, checkout_page = (await web.page("/cart")).text, (await web.page("/checkout")).text

    for part in (shop_part(cart_page, tea.shop_id), shop_part(checkout_page, tea.shop_id)):
        # then the promotion reads once, by its rule: 滿 NT$500 減 NT$50 · free shipping, −NT$50
        rows = re.findall(r'<dt class="promo-row[^"]*">(.*?)</dt>', part, re.S)
        assert rows == [f"Spend {money(50000)}, save {money(5000)} · free shipping"]
        assert "滿 500 減 50" not in part and part.count(f"−{money(5000)}") == 1
        # and shipping is one line: the NT$60 struck through, then Free (no "−NT$60" beside "NT$60")
        assert f"−{money(6000)}" not in part and part.count("Shipping") == 1
        assert re.search(rf"<s [^>]*>.*{re.escape(money(6000))}</s> Free", part)
