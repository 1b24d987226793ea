"""A page whose session has ended (expired, or signed out elsewhere) never fails silently: htmx is sent to
sign in and back, a form post too, and what was typed into the checkout form survives the round trip."""

from __future__ import annotations

import re

from tests.factories import PASSWORD
from tests.integration.orders_helpers import ADDRESS_JSON


async def _end_session(web, container) -> None:
    """What fourteen idle days do: the server forgets the session (the browser keeps its old cookie and page)."""
    await container.sessions.delete(web.cookies["mall_session"])


def _htmx(web, page: str) -> dict:
    return {"HX-Request": "true", "HX-Current-URL": f"{web.base_url}{page}", "X-CSRF-Token": web.csrf}


async def test_a_cart_quantity_change_after_the_session_ended_leads_to_sign_in_and_back(web, factory, container):
    shopper = await factory.user()
    await factory.cart_with(shopper, (await factory.stocked_product(), 1))
    await web.sign_in(shopper.email)
    cart = await web.page("/cart")
    line_id = re.search(r'action="/cart/items/([0-9a-f]+)"', cart.text).group(1)
    await _end_session(web, container)

    changed = await web.post(f"/cart/items/{line_id}", data={"qty": "3"}, headers=_htmx(web, "/cart"))

    assert changed.headers["HX-Redirect"] == "/login?next=/cart"  # htmx loads the sign-in page, not silence
    login = await web.page("/login?next=/cart")
    assert "Your session has ended" in login.text
    back = await web.form("/login", {"email": shopper.email, "password": PASSWORD, "next": "/cart"})
    assert back.headers["location"] == "/cart"
    assert f'id="line-{line_id}"' in (await web.page("/cart")).text  # the cart lines are all there


async def test_place_order_after_the_session_ended_keeps_what_was_typed(web, factory, container, app):
    shopper = await factory.user()
    product = await factory.stocked_product()
    await factory.cart_with(shopper, (product, 1))
    await web.sign_in(shopper.email)
    checkout = await web.page("/checkout")
    token = re.search(r'name="checkout_token" value="([^"]+)"', checkout.text).group(1)
    await _end_session(web, container)
    typed = {
        "checkout_token": token,
        "address_id": "new",
        **{**ADDRESS_JSON, "name": "林美 Lin Mei", "line": "No. 7, Lane 3, Yongkang St."},
        f"note_{product.shop_id}": "Leave it at the door, please",
    }

    placed = await web.form(
        "/checkout", typed, headers={"Origin": app.ctx.base_url, "Referer": f"{app.ctx.base_url}/checkout"}
    )

    assert placed.status_code == 303 and placed.headers["location"] == "/login?next=/checkout"
    assert await container.checkouts.checkouts.count_documents({}) == 0
    await web.page(placed.headers["location"])
    back = await web.form("/login", {"email": shopper.email, "password": PASSWORD, "next": "/checkout"})
    assert back.headers["location"] == "/checkout"
    again = (await web.page("/checkout")).text
    assert 'value="林美 Lin Mei"' in again and 'value="No. 7, Lane 3, Yongkang St."' in again
    assert "Leave it at the door, please</textarea>" in again
    assert "Leave it at the door" not in (await web.page("/checkout")).text  # the draft is used once


async def test_a_post_without_this_sites_origin_keeps_no_draft(web, factory, container):
    shopper = await factory.user()
    await factory.cart_with(shopper, (await factory.stocked_product(), 1))
    await web.sign_in(shopper.email)
    await web.page("/checkout")
    await _end_session(web, container)
    placed = await web.form("/checkout", {"address_id": "new", **ADDRESS_JSON, "name": "Planted Name"})
    assert placed.headers["location"] == "/login?next=/"  # no Origin, no Referer: sent to sign in, nothing kept
    await web.page("/login")
    await web.form("/login", {"email": shopper.email, "password": PASSWORD})
    assert "Planted Name" not in (await web.page("/checkout")).text


async def test_a_guests_stale_htmx_request_reloads_the_page(web, factory, container):
    guest_cart = await web.page("/cart")
    assert guest_cart.status_code == 200 and web.csrf and not web.csrf.startswith("u.")
    await _end_session(web, container)
    response = await web.post("/cart/coupons", data={"code": "WELCOME50"}, headers=_htmx(web, "/cart"))
    assert response.headers["HX-Refresh"] == "true"
    assert "This page had expired" in (await web.page("/cart")).text


async def test_a_guest_pressing_a_signed_in_button_is_sent_to_sign_in_and_back(web, factory):
    await web.page("/cart")
    htmx = await web.post("/account/addresses", data={"name": "x"}, headers=_htmx(web, "/cart?x=1"))
    assert htmx.headers["HX-Redirect"] == "/login?next=/cart%3Fx%3D1"
    plain = await web.get("/account/addresses?from=menu")
    assert plain.headers["location"] == "/login?next=/account/addresses%3Ffrom%3Dmenu"
