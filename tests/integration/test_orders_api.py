"""The buying loop over JSON API v1: cart -> checkout -> sandbox payment -> ship -> confirm."""

from __future__ import annotations

from tests.integration.orders_helpers import ADDRESS_JSON, bearer

PATHS = [
    "/api/v1/cart/items",
    "/api/v1/cart/items/{line_id}",
    "/api/v1/checkout",
    "/api/v1/orders",
    "/api/v1/orders/{order_id}",
    "/api/v1/orders/{order_id}/cancel",
    "/api/v1/orders/{order_id}/confirm",
    "/api/v1/merchant/orders",
    "/api/v1/merchant/orders/{order_id}/ship",
    "/api/v1/merchant/orders/{order_id}/cancel",
]


async def test_the_cart_checkout_and_order_endpoints_are_in_the_openapi_document(api):
    spec = (await api.get("/api/v1/openapi.json")).json()

    assert all(path in spec["paths"] for path in PATHS), sorted(spec["paths"])
    checkout = spec["paths"]["/api/v1/checkout"]["post"]
    assert "Idempotency-Key" in checkout["summary"]
    assert "/checkout" not in spec["paths"] and "/merchant/orders" not in spec["paths"]


async def test_a_shopper_buys_from_two_shops_and_each_merchant_ships_their_own_order(api, factory, container):
    shopper = await factory.user()
    tea_shop, cup_shop = await factory.shop(name="Tea House"), await factory.shop(name="Cup Works")
    tea = await factory.stocked_product(shop=tea_shop, price=45000)
    cup = await factory.stocked_product(shop=cup_shop, price=120000)
    me = await bearer(container, shopper)
    for product in (tea, cup):
        body = {"product_id": product.id, "variant_id": product.variants[0].id, "qty": 1}
        assert (await api.post("/api/v1/cart/items", json=body, headers=me)).status_code == 201

    placed = await api.post(
        "/api/v1/checkout",
        json={"address": ADDRESS_JSON, "notes": {tea_shop.id: "Gift wrap"}},
        headers={**me, "Idempotency-Key": "api-story-0001"},
    )
    assert placed.status_code == 201, placed.text
    out = placed.json()
    assert set(out) >= {"checkout_id", "number", "orders", "payment_id", "payment_url"}
    assert {o["shop"]["name"]: o["total"] for o in out["orders"]} == {"Tea House": 51000, "Cup Works": 120000}
    paid = await api.post(f"/api/v1/sandbox/payments/{out['payment_id']}/succeed", headers=me)
    assert paid.status_code == 200, paid.text

    mine = (await api.get("/api/v1/orders", headers=me)).json()
    assert mine["total"] == 2 and {o["status"] for o in mine["items"]} == {"paid"}
    for shop in (tea_shop, cup_shop):
        merchant = await bearer(container, await factory.owner_of(shop))
        listing = (await api.get("/api/v1/merchant/orders?status=paid", headers=merchant)).json()
        (order,) = listing["items"]
        assert order["shop"]["id"] == shop.id
        shipped = await api.post(
            f"/api/v1/merchant/orders/{order['id']}/ship",
            json={"carrier": "Black Cat", "tracking_number": "TW-0001"},
            headers=merchant,
        )
        assert shipped.json()["status"] == "shipped"
    tea_order = next(o for o in out["orders"] if o["shop"]["id"] == tea_shop.id)
    confirmed = await api.post(f"/api/v1/orders/{tea_order['id']}/confirm", headers=me)
    detail = (await api.get(f"/api/v1/orders/{tea_order['id']}", headers=me)).json()

    assert confirmed.json()["status"] == "completed"
    assert detail["note"] == "Gift wrap" and detail["tracking_number"] == "TW-0001"
    assert [e["action"] for e in detail["timeline"]] == ["place", "pay", "ship", "complete"]
    assert detail["lines"][0]["unit_price"] == 45000 and detail["shipping_fee"] == 6000


async def test_a_bad_status_filter_or_page_is_refused(api, factory, container):
    merchant = await bearer(container, await factory.merchant())

    assert (await api.get("/api/v1/merchant/orders?status=lost", headers=merchant)).status_code == 422
    assert (await api.get("/api/v1/merchant/orders?page=0", headers=merchant)).status_code == 422
    assert (await api.get("/api/v1/orders?page=abc", headers=merchant)).status_code == 422
