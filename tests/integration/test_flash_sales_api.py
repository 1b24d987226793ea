"""Flash-sale API v1: create (merchant, marketer), list, read with remaining, reserve (201/409/429)."""

from datetime import timedelta

from tests.integration.orders_helpers import bearer


def _body(product, *, quantity=3, limit=1, starts_in=0, lasts=3600, now):
    return {
        "product_id": product.id,
        "sku_id": product.variants[0].id,
        "price": 9900,
        "quantity": quantity,
        "per_user_limit": limit,
        "starts_at": (now + timedelta(seconds=starts_in)).isoformat(),
        "ends_at": (now + timedelta(seconds=starts_in + lasts)).isoformat(),
    }


async def test_a_merchant_schedules_a_sale_shoppers_see_it_and_reserve_until_sold_out(api, factory, container):
    shop = await factory.shop()
    product = await factory.product(shop_id=shop.id)
    merchant = await bearer(container, await factory.owner_of(shop))
    now = container.clock.now()
    created = await api.post("/api/v1/merchant/flash-sales", json=_body(product, quantity=2, now=now), headers=merchant)
    assert created.status_code == 201, created.text
    sale_id = created.json()["id"]

    listed = (await api.get("/api/v1/flash-sales")).json()["items"]
    assert [s["id"] for s in listed] == [sale_id] and listed[0]["status"] == "running"
    assert (await api.get(f"/api/v1/flash-sales/{sale_id}")).json()["remaining"] == 2

    answers = []
    for _ in range(3):
        me = await bearer(container, await factory.user())
        answers.append(await api.post(f"/api/v1/flash-sales/{sale_id}/reservations", json={"quantity": 1}, headers=me))
    assert [r.status_code for r in answers] == [201, 201, 409]
    assert answers[0].json()["reservation_id"] and answers[0].json()["expires_at"]
    assert answers[2].json() == {"reason": "sold_out"}
    assert (await api.get(f"/api/v1/flash-sales/{sale_id}")).json()["remaining"] == 0


async def test_merchants_only_sell_their_own_skus_marketers_any(api, factory, container):
    product = await factory.product()
    stranger = await bearer(container, await factory.merchant())
    now = container.clock.now()
    refused = await api.post("/api/v1/merchant/flash-sales", json=_body(product, now=now), headers=stranger)
    assert refused.status_code == 404
    shopper = await bearer(container, await factory.user())
    assert (
        await api.post("/api/v1/marketing/flash-sales", json=_body(product, now=now), headers=shopper)
    ).status_code == 403
    marketer = await bearer(container, await factory.marketer())
    made = await api.post("/api/v1/marketing/flash-sales", json=_body(product, quantity=11, now=now), headers=marketer)
    assert made.status_code == 409  # 10 in stock
    made = await api.post("/api/v1/marketing/flash-sales", json=_body(product, now=now), headers=marketer)
    assert made.status_code == 201
    sale = (await api.get(f"/api/v1/flash-sales/{made.json()['id']}")).json()
    assert sale["featured"] is True and sale["shop_id"] == product.shop_id
    bad = _body(product, now=now) | {"price": "99"}
    assert (await api.post("/api/v1/marketing/flash-sales", json=bad, headers=marketer)).status_code == 422
    naive = _body(product, now=now) | {"starts_at": "2026-11-24T12:00:00"}
    assert (await api.post("/api/v1/marketing/flash-sales", json=naive, headers=marketer)).status_code == 422


async def test_reserving_needs_sign_in_and_answers_reasons(api, factory, container):
    product = await factory.product()
    marketer = await bearer(container, await factory.marketer())
    now = container.clock.now()
    body = _body(product, starts_in=60, limit=1, now=now)
    sale_id = (await api.post("/api/v1/marketing/flash-sales", json=body, headers=marketer)).json()["id"]
    path = f"/api/v1/flash-sales/{sale_id}/reservations"
    assert (await api.post(path, json={"quantity": 1})).status_code == 401
    me = await bearer(container, await factory.user())
    early = await api.post(path, json={"quantity": 1}, headers=me)
    assert (early.status_code, early.json()) == (409, {"reason": "not_started"})
    container.clock.advance(seconds=60)
    assert (await api.post(path, json={"quantity": 1}, headers=me)).status_code == 201
    again = await api.post(path, json={"quantity": 1}, headers=me)
    assert (again.status_code, again.json()) == (409, {"reason": "limit_reached"})
    assert (await api.get("/api/v1/flash-sales/not-an-id")).status_code == 404


async def test_a_bot_hammering_reserve_gets_429_with_retry_after(api, factory, container):
    """SECURITY row 13: per-user (and per-IP) rate limits on the reserve endpoint."""
    product = await factory.product()
    marketer = await bearer(container, await factory.marketer())
    now = container.clock.now()
    sale_id = (await api.post("/api/v1/marketing/flash-sales", json=_body(product, now=now), headers=marketer)).json()[
        "id"
    ]
    path = f"/api/v1/flash-sales/{sale_id}/reservations"
    bot = await bearer(container, await factory.user())
    codes = [(await api.post(path, json={"quantity": 1}, headers=bot)).status_code for _ in range(6)]
    assert codes == [201, 409, 409, 409, 409, 429]
    limited = await api.post(path, json={"quantity": 1}, headers=bot)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    container.settings = container.settings.replace(flash_ip_rate_limit=2, flash_user_rate_limit=100)
    other = await bearer(container, await factory.user())
    assert (await api.post(path, json={"quantity": 1}, headers=other)).status_code == 429
