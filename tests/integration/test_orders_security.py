"""SECURITY rows 1, 3, 4 and 14 for the buying loop: another shop's order is a 404 and stays as it was;
prices, totals, shops and statuses sent by a client are refused; bad quantities are refused;
one checkout per idempotency key."""

from __future__ import annotations

import pytest

from mall.orders.models import OrderStatus
from tests.integration.orders_helpers import ADDRESS_JSON, bearer, paid_order

BAD_QUANTITIES = [0, -1, 10**9, 1.5, "2"]


async def test_merchant_a_cannot_read_or_ship_merchant_bs_order_on_the_pages(web, factory, container):
    _shopper, _merchant_b, _product, order_b = await paid_order(factory)
    merchant_a = await factory.merchant()
    await web.sign_in(merchant_a.email)

    assert (await web.page(f"/merchant/orders/{order_b.id}")).status_code == 404
    assert (await web.page(f"/merchant/orders/{order_b.id}/packing-slip")).status_code == 404
    shipped = await web.form(f"/merchant/orders/{order_b.id}/ship", {"carrier": "Post", "tracking_number": "RR123"})
    cancelled = await web.form(f"/merchant/orders/{order_b.id}/cancel", {"reason": "not mine"})
    listing = await web.page("/merchant/orders")

    assert shipped.status_code == 404 and cancelled.status_code == 404
    assert order_b.number not in listing.text
    unchanged = await container.orders.get(order_b.id)
    assert unchanged.status is OrderStatus.PAID and unchanged.timeline == order_b.timeline


async def test_merchant_a_cannot_read_or_ship_merchant_bs_order_through_the_api(api, factory, container):
    _shopper, _merchant_b, _product, order_b = await paid_order(factory)
    headers = await bearer(container, await factory.merchant())

    read = await api.get(f"/api/v1/merchant/orders/{order_b.id}", headers=headers)
    ship = await api.post(
        f"/api/v1/merchant/orders/{order_b.id}/ship",
        json={"carrier": "Post", "tracking_number": "RR123"},
        headers=headers,
    )
    cancel = await api.post(
        f"/api/v1/merchant/orders/{order_b.id}/cancel", json={"reason": "not mine"}, headers=headers
    )
    listing = await api.get("/api/v1/merchant/orders", headers=headers)

    assert (read.status_code, ship.status_code, cancel.status_code) == (404, 404, 404)
    assert listing.json()["items"] == []
    assert (await container.orders.get(order_b.id)).status is OrderStatus.PAID


async def test_a_shopper_cannot_see_or_cancel_someone_elses_order(api, web, factory, container):
    _owner, _merchant, _product, order = await paid_order(factory)
    stranger = await factory.user()
    headers = await bearer(container, stranger)
    await web.sign_in(stranger.email)

    assert (await api.get(f"/api/v1/orders/{order.id}", headers=headers)).status_code == 404
    assert (await api.post(f"/api/v1/orders/{order.id}/cancel", json={}, headers=headers)).status_code == 404
    assert (await web.page(f"/orders/{order.id}")).status_code == 404
    assert (await web.page(f"/checkouts/{order.checkout_id}")).status_code == 404
    assert (await web.form(f"/orders/{order.id}/cancel")).status_code == 404
    assert (await container.orders.get(order.id)).status is OrderStatus.PAID


async def test_shoppers_and_merchants_are_kept_out_of_the_operator_order_search(web, factory):
    _shopper, merchant, _product, _order = await paid_order(factory)
    await web.sign_in(merchant.email)

    assert (await web.page("/operator/orders")).status_code == 403


@pytest.mark.parametrize(
    "extra",
    [{"total": 1}, {"price": 1}, {"shop_id": "0" * 24}, {"status": "paid"}, {"orders": [{"total": 1}]}],
    ids=["total", "price", "shop_id", "status", "orders"],
)
async def test_prices_totals_shops_and_statuses_in_a_checkout_body_are_refused(api, factory, container, extra):
    shopper = await factory.user()
    await factory.cart_with(shopper, (await factory.stocked_product(), 1))
    headers = {**await bearer(container, shopper), "Idempotency-Key": "mass-assign-01"}

    response = await api.post("/api/v1/checkout", json={"address": ADDRESS_JSON, **extra}, headers=headers)

    assert response.status_code == 422
    assert await container.checkouts.checkouts.count_documents({}) == 0


async def test_a_price_inside_the_address_or_the_cart_item_is_refused(api, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product()
    headers = {**await bearer(container, shopper), "Idempotency-Key": "mass-assign-02"}
    item = {"product_id": tea.id, "variant_id": tea.variants[0].id, "qty": 1}

    add = await api.post("/api/v1/cart/items", json={**item, "price": 1}, headers=headers)
    await api.post("/api/v1/cart/items", json=item, headers=headers)
    place = await api.post("/api/v1/checkout", json={"address": {**ADDRESS_JSON, "shipping_fee": 0}}, headers=headers)

    assert add.status_code == 422 and place.status_code == 422
    assert (await api.get("/api/v1/cart/items", headers=headers)).json()["items"][0]["unit_price"] == 45000


async def test_an_extra_field_in_the_checkout_form_is_refused(web, factory, container):
    shopper = await factory.user()
    await factory.cart_with(shopper, (await factory.stocked_product(), 1))
    await web.sign_in(shopper.email)
    page = await web.page("/checkout")
    token = page.text.split('name="checkout_token" value="')[1].split('"')[0]

    response = await web.form("/checkout", {"checkout_token": token, "address_id": "new", **ADDRESS_JSON, "total": "1"})

    assert response.status_code == 422
    assert await container.checkouts.checkouts.count_documents({}) == 0


@pytest.mark.parametrize("qty", BAD_QUANTITIES, ids=repr)
async def test_bad_quantities_are_refused_when_adding(api, factory, container, qty):
    shopper = await factory.user()
    tea = await factory.stocked_product()
    body = {"product_id": tea.id, "variant_id": tea.variants[0].id, "qty": qty}

    response = await api.post("/api/v1/cart/items", json=body, headers=await bearer(container, shopper))

    assert response.status_code == 422
    assert "qty" in response.json()["error"]["fields"]
    assert await container.carts.for_user(shopper.id).lines() == []


@pytest.mark.parametrize("qty", BAD_QUANTITIES, ids=repr)
async def test_bad_quantities_are_refused_when_changing(api, factory, container, qty):
    shopper = await factory.user()
    store = await factory.cart_with(shopper, (await factory.stocked_product(), 2))
    (line,) = await store.lines()

    response = await api.patch(
        f"/api/v1/cart/items/{line.id}", json={"qty": qty}, headers=await bearer(container, shopper)
    )

    assert response.status_code == 422
    assert [x.qty for x in await store.lines()] == [2]


@pytest.mark.parametrize("qty", ["0", "-1", "1000000000", "1.5", "two"])
async def test_bad_quantities_are_refused_in_the_cart_form(web, factory, container, qty):
    tea = await factory.stocked_product()
    await web.page("/cart")

    response = await web.form("/cart/items", {"product_id": tea.id, "variant_id": tea.variants[0].id, "qty": qty})

    assert response.status_code == 303  # back to the product page with the message
    assert (await web.page("/cart")).text.count("cart-line ") == 0


async def test_the_same_idempotency_key_with_another_body_is_a_422_and_changes_nothing(api, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    await factory.cart_with(shopper, (tea, 1))
    headers = {**await bearer(container, shopper), "Idempotency-Key": "same-key-0001"}
    first = await api.post("/api/v1/checkout", json={"address": ADDRESS_JSON}, headers=headers)
    await factory.cart_with(shopper, (tea, 1))

    other = await api.post("/api/v1/checkout", json={"address": {**ADDRESS_JSON, "region": "KHH"}}, headers=headers)
    missing = await api.post(
        "/api/v1/checkout", json={"address": ADDRESS_JSON}, headers=await bearer(container, shopper)
    )

    assert first.status_code == 201
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["error"]["fields"]
    assert missing.status_code == 422
    assert await container.checkouts.checkouts.count_documents({}) == 1
    assert await factory.variant_stock(tea) == 4


async def test_a_double_submitted_checkout_form_places_one_checkout(web, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    await factory.cart_with(shopper, (tea, 2))
    await web.sign_in(shopper.email)
    page = await web.page("/checkout")
    token = page.text.split('name="checkout_token" value="')[1].split('"')[0]
    form = {"checkout_token": token, "address_id": "new", "save_address": "1", **ADDRESS_JSON}

    first = await web.form("/checkout", form)
    second = await web.form("/checkout", form)

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert await container.checkouts.checkouts.count_documents({}) == 1
    assert await factory.variant_stock(tea) == 3
    assert len(await container.addresses.list_for(shopper.id)) == 1  # saved once


async def test_checkout_without_the_csrf_token_is_refused(web, factory, container):
    shopper = await factory.user()
    await factory.cart_with(shopper, (await factory.stocked_product(), 1))
    await web.sign_in(shopper.email)

    response = await web.post("/checkout", data={"checkout_token": "x" * 20, "address_id": "new", **ADDRESS_JSON})

    assert response.status_code == 403
    assert await container.checkouts.checkouts.count_documents({}) == 0
