"""Many shoppers at once over the real HTTP API: never oversold (SECURITY row 6),
one checkout per Idempotency-Key under a burst of retries (SECURITY row 14)."""

from __future__ import annotations

import asyncio

from tests.integration.orders_helpers import ADDRESS_JSON, bearer


async def test_fifty_shoppers_racing_for_five_units_exactly_five_win(api, factory, container):
    tea = await factory.stocked_product(stock=50)
    shoppers = [await factory.user() for _ in range(50)]
    for shopper in shoppers:
        await factory.cart_with(shopper, (tea, 1))
    await container.products.products.update_one({"_id": tea.id}, {"$set": {"variants.0.stock": 5}})
    headers = [{**await bearer(container, s), "Idempotency-Key": f"race-{i:04d}"} for i, s in enumerate(shoppers)]

    async def check_out(h):
        return await api.post("/api/v1/checkout", json={"address": ADDRESS_JSON}, headers=h)

    responses = await asyncio.gather(*(check_out(h) for h in headers))

    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 5, codes
    assert codes.count(409) == 45, codes
    assert await factory.variant_stock(tea) == 0
    placed = await container.checkouts.checkouts.count_documents({"status": "pending_payment"})
    assert placed == 5
    assert await container.orders.orders.count_documents({}) == 5
    short = [r.json()["error"]["message"] for r in responses if r.status_code == 409]
    assert all(tea.name["en"] in message for message in short)


async def test_ten_retries_with_one_key_make_one_checkout(api, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=20)
    await factory.cart_with(shopper, (tea, 3))
    headers = {**await bearer(container, shopper), "Idempotency-Key": "double-click-0001"}

    responses = await asyncio.gather(
        *(api.post("/api/v1/checkout", json={"address": ADDRESS_JSON}, headers=headers) for _ in range(10))
    )

    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["checkout_id"] for r in responses}) == 1
    assert await container.checkouts.checkouts.count_documents({}) == 1
    assert await container.orders.orders.count_documents({}) == 1
    assert await factory.variant_stock(tea) == 17
