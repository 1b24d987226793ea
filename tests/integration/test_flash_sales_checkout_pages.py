"""Checking out a flash-sale reservation on the checkout page (/checkout?reservation=<id>): the one line at
the sale price, the hold's deadline, placing it -> the payment page; a reservation that is gone, or
someone else's, is refused kindly and nothing is placed. And every new page escapes what shops type."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from mall.flash_sales import services as flash
from mall.orders import services as orders
from mall.orders.routes.shopper import _parse_checkout_form
from mall.web.forms import Invalid
from tests.integration.flash_helpers import make_sale, pay_late, reserve
from tests.integration.orders_helpers import ADDRESS_JSON
from tests.integration.test_orders_pages import token_of


async def reserved_by_web(web, container, factory, *, qty=1, **sale):
    """A signed-in shopper presses Buy on a sale: (shopper, sale, reservation id)."""
    sale = await make_sale(container, factory, **sale)
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    await web.page(f"/flash/{sale.id}")
    bought = await web.form(f"/flash/{sale.id}/reserve", {"qty": str(qty)})
    assert bought.status_code == 303, bought.text[:300]
    return shopper, sale, bought.headers["location"].split("reservation=")[1]


async def test_the_reservation_checkout_shows_the_one_line_at_the_sale_price_and_its_deadline(web, factory, container):
    _shopper, sale, reservation = await reserved_by_web(web, container, factory, qty=2, limit=2, price=9900)
    hold = await flash.hold(container, reservation)

    page = await web.page(f"/checkout?reservation={reservation}")

    text = page.text
    assert page.status_code == 200 and f'name="reservation" value="{reservation}"' in text
    assert "2 × NT$99" in text and "Flash sale price" in text and "NT$450" in text
    assert "NT$198" in text  # the subtotal, at the sale price
    until = hold.expires_at.astimezone(ZoneInfo(container.settings.timezone)).strftime("%H:%M:%S")
    assert f"Reserved for you until {until}" in text and "00:05:00" in text
    assert f'href="/flash/{sale.id}"' in text and "Change quantities in the cart" not in text
    assert "[name=reservation]" in text  # the shipping recalculation keeps the reservation
    totals = await web.page(f"/checkout?reservation={reservation}&region=KMN", headers={"HX-Request": "true"})
    assert totals.status_code == 200 and totals.text.startswith('<div id="checkout-totals"')


async def test_placing_it_leads_to_the_payment_page_at_the_sale_price(web, factory, container):
    shopper, sale, reservation = await reserved_by_web(web, container, factory, price=9900)
    page = await web.page(f"/checkout?reservation={reservation}")

    placed = await web.form(
        "/checkout",
        {
            "checkout_token": token_of(page),
            "reservation": reservation,
            "address_id": "new",
            "save_address": "1",
            **ADDRESS_JSON,
            f"note_{sale.shop_id}": "Gift wrap, please",
        },
    )

    assert placed.status_code == 303 and placed.headers["location"].startswith("/pay/sandbox/")
    (checkout,) = [c async for c in container.checkouts.checkouts.find({})]
    assert checkout["user_id"] == shopper.id and checkout["items"][0]["unit_price"] == 9900
    assert checkout["items"][0]["flash_sale_id"] == sale.id
    (order,) = await container.orders.of_checkout(checkout["_id"])
    assert order.note == "Gift wrap, please" and order.subtotal == 9900
    assert (await flash.hold(container, reservation)).claimed_by == checkout["_id"]
    assert len(await orders.list_addresses(container.addresses, shopper.id)) == 1  # "save it" was ticked
    again = await web.form("/checkout", {"checkout_token": token_of(page), "reservation": reservation, "address_id": "new", **ADDRESS_JSON, f"note_{sale.shop_id}": "Gift wrap, please"})  # fmt: skip
    assert again.headers["location"] == placed.headers["location"]  # a double click: the same checkout
    assert await container.checkouts.checkouts.count_documents({}) == 1


async def test_the_reservation_form_is_checked_like_the_cart_form(web, factory, container):
    _shopper, _sale, reservation = await reserved_by_web(web, container, factory)
    page = await web.page(f"/checkout?reservation={reservation}")
    base = {"checkout_token": token_of(page), "reservation": reservation, "address_id": "new", **ADDRESS_JSON}
    extra = await web.form("/checkout", {**base, "price": "1"})
    assert extra.status_code == 422 and "fields it should not have" in extra.text
    bad = await web.form("/checkout", {**base, "phone": "call me"})
    assert bad.status_code == 422 and f'name="reservation" value="{reservation}"' in bad.text
    assert await container.checkouts.checkouts.count_documents({}) == 0


def test_only_the_checkout_of_a_reservation_accepts_a_reservation_field():
    form = {"csrf_token": "t", "checkout_token": "k" * 24, "address_id": "a" * 24, "reservation": "x"}
    request = SimpleNamespace(form=form)
    with pytest.raises(Invalid):
        _parse_checkout_form(request)
    assert _parse_checkout_form(request, reservation=True) == ("a" * 24, {}, "k" * 24)


async def test_someone_elses_or_an_expired_reservation_is_refused_kindly_and_nothing_is_placed(web, factory, container):
    _owner, sale, reservation = await reserved_by_web(web, container, factory)
    thief = await factory.user()
    await web.sign_in(thief.email)
    page = await web.page(f"/checkout?reservation={reservation}")
    assert page.status_code == 409 and "Your reservation expired or was used" in page.text
    assert f'href="/flash/{sale.id}"' in page.text
    posted = await web.form(
        "/checkout", {"checkout_token": "k" * 24, "reservation": reservation, "address_id": "new", **ADDRESS_JSON}
    )
    assert posted.status_code == 409 and "Your reservation expired or was used" in posted.text
    for junk in ("nope", f"{sale.id}.{'0' * 24}", "%24ne"):
        assert (await web.get(f"/checkout?reservation={junk}")).status_code == 409
    assert await container.checkouts.checkouts.count_documents({}) == 0

    _mine, _sale2, expiring = await reserved_by_web(web, container, factory)
    page = await web.page(f"/checkout?reservation={expiring}")
    container.clock.advance(seconds=container.settings.flash_hold_seconds + 1)
    late = await web.form(
        "/checkout", {"checkout_token": token_of(page), "reservation": expiring, "address_id": "new", **ADDRESS_JSON}
    )
    assert late.status_code == 409 and "Your reservation expired or was used" in late.text
    assert await container.checkouts.checkouts.count_documents({}) == 0


async def test_the_cart_checkout_is_unchanged_by_a_pending_reservation(web, factory, container):
    _shopper, _sale, _reservation = await reserved_by_web(web, container, factory)
    empty = await web.get("/checkout")
    assert empty.status_code == 302 and empty.headers["location"] == "/cart"  # the reservation is not in the cart


async def test_shop_and_product_names_are_escaped_on_every_flash_page(web, factory, container):
    """SECURITY row 8: what a merchant typed is text, never markup."""
    evil = "<script>alert(1)</script>"
    shop = await factory.shop(name=f"{evil} Shop")
    product = await factory.product(shop_id=shop.id, name={"en": f"{evil} Tea", "zh_Hant": f"{evil} 茶"})
    now = container.clock.now()
    sale = await flash.create_sale(
        container, actor_id="m", product_id=product.id, variant_id=product.variants[0].id, price=9900, quantity=5,
        per_user_limit=1, starts_at=now + timedelta(seconds=60), ends_at=now + timedelta(hours=1), shop_id=shop.id,
    )  # fmt: skip
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    await flash.remind(container, sale.id, shopper.id)
    pages = ["/deals", f"/flash/{sale.id}", "/", f"/p/{product.id}", "/deals/strip"]
    container.clock.advance(seconds=60)
    await flash.open_sale(container, sale.id)  # the reminder: a notification and a toast
    answer = await reserve(container, sale, shopper.id)
    pages += [f"/checkout?reservation={answer.id}", "/notifications", f"/live/alerts/flash/{sale.id}"]
    for path in pages:
        page = await web.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, path


async def test_a_hold_left_at_its_checkout_is_found_again_from_the_header_the_cart_and_the_sale(
    web, factory, container
):
    # given a shopper who pressed Buy, then left the checkout without placing it
    _shopper, sale, reservation = await reserved_by_web(web, container, factory, price=9900)
    hold = await flash.hold(container, reservation)
    until = hold.expires_at.astimezone(ZoneInfo(container.settings.timezone)).strftime("%H:%M:%S")
    back = f'href="/checkout?reservation={reservation}"'

    home, cart, sale_page = [(await web.page(path)).text for path in ("/", "/cart", f"/flash/{sale.id}")]

    # then every one of them says until when it is reserved, and leads back to its checkout
    for page in (home, cart, sale_page):
        assert f"Reserved for you until {until}" in page and back in page and "data-hold" in page
    assert 'class="held-bar"' in home and "/static/js/flash.js" in home  # the header's notice ticks
    # and Buy again explains the limit by the hold, with the way back to it
    again = await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"}, headers={"HX-Request": "true"})
    assert again.status_code == 409 and "You already reserved" in again.text and back in again.text

    # when the checkout is placed, the notice leads to paying it; once paid, it is gone
    page = await web.page(f"/checkout?reservation={reservation}")
    placed = await web.form("/checkout", {"checkout_token": token_of(page), "reservation": reservation, "address_id": "new", **ADDRESS_JSON})  # fmt: skip
    (checkout,) = [c async for c in container.checkouts.checkouts.find({})]
    assert placed.status_code == 303 and f'href="/checkouts/{checkout["_id"]}"' in (await web.page("/")).text
    await pay_late(container, checkout["_id"])
    assert "Reserved for you" not in (await web.page("/")).text
    bought = await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"}, headers={"HX-Request": "true"})
    assert "You reached the limit of 1 per person" in bought.text and "You already reserved" not in bought.text


async def test_a_hold_given_back_or_expired_leaves_no_notice(web, factory, container):
    _shopper, _sale, reservation = await reserved_by_web(web, container, factory, price=9900)
    page = await web.page(f"/checkout?reservation={reservation}")
    await web.form("/checkout", {"checkout_token": token_of(page), "reservation": reservation, "address_id": "new", **ADDRESS_JSON})  # fmt: skip
    (checkout,) = [c async for c in container.checkouts.checkouts.find({})]

    await web.form(f"/checkouts/{checkout['_id']}/cancel", {})

    assert "Reserved for you" not in (await web.page("/")).text
    await reserved_by_web(web, container, factory, price=9900)
    assert "Reserved for you" in (await web.page("/")).text
    container.clock.advance(seconds=container.settings.flash_hold_seconds + 1)
    assert "Reserved for you" not in (await web.page("/")).text
