"""Flash-sale API v1: create (merchant, marketer), edit and cancel before the start, list, read with
remaining, reserve (201/409/429)."""

from datetime import timedelta

from mall.flash_sales import services as flash
from tests.integration.orders_helpers import bearer


def _body(product, *, quantity=3, limit=1, starts_in=0, lasts=3600, now, price=9900):
    return {
        "product_id": product.id,
        "sku_id": product.variants[0].id,
        "price": price,
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
    assert created.json()["status"] == "running"
    sale_id = created.json()["id"]

    listed = (await api.get("/api/v1/flash-sales")).json()["items"]
    assert [(s["id"], s["status"], s["remaining"]) for s in listed] == [(sale_id, "running", 2)]
    assert (await api.get(f"/api/v1/flash-sales/{sale_id}")).json()["remaining"] == 2

    answers = []
    for _ in range(3):
        me = await bearer(container, await factory.user())
        answers.append(await api.post(f"/api/v1/flash-sales/{sale_id}/reservations", json={"quantity": 1}, headers=me))
    assert [r.status_code for r in answers] == [201, 201, 409]
    assert answers[0].json()["reservation_id"].startswith(sale_id + ".") and answers[0].json()["expires_at"]
    assert answers[2].json() == {"reason": "sold_out"}
    assert (await api.get(f"/api/v1/flash-sales/{sale_id}")).json()["remaining"] == 0


async def test_merchants_only_sell_their_own_skus_marketers_any_after_approval(api, factory, container):
    """SECURITY rows 1 and 2: another shop's SKU is a 404; a shopper on the marketing route is a 403."""
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
    assert made.status_code == 201 and made.json()["status"] == "pending_approval"  # no stock moved yet
    sale_id = made.json()["id"]
    assert (await api.get(f"/api/v1/flash-sales/{sale_id}")).status_code == 404  # not public until approved
    assert (await api.get("/api/v1/flash-sales")).json()["items"] == []
    shrunk = await api.patch(f"/api/v1/marketing/flash-sales/{sale_id}", json={"quantity": 4}, headers=marketer)
    assert shrunk.status_code == 200 and shrunk.json()["quantity"] == 4
    await flash.approve_sale(container, sale_id, operator_id="op")
    sale = (await api.get(f"/api/v1/flash-sales/{sale_id}")).json()
    assert sale["featured"] is True and sale["shop_id"] == product.shop_id and sale["remaining"] == 4


async def test_bad_input_is_refused_with_422(api, factory, container):
    """SECURITY rows 3, 4 and 7: typed, closed bodies."""
    shop = await factory.shop()
    product = await factory.product(shop_id=shop.id)
    merchant = await bearer(container, await factory.owner_of(shop))
    now = container.clock.now()
    path = "/api/v1/merchant/flash-sales"
    for bad in (
        _body(product, now=now) | {"price": "99"},
        _body(product, now=now) | {"quantity": 0},
        _body(product, now=now) | {"quantity": 2.5},
        _body(product, now=now) | {"per_user_limit": -1},
        _body(product, now=now) | {"starts_at": "2026-11-24T12:00:00"},  # no time zone
        _body(product, now=now) | {"shop_id": "0" * 24},  # mass assignment
        _body(product, now=now) | {"product_id": {"$ne": ""}},
        _body(product, now=now, price=45000),  # not a discount
    ):
        assert (await api.post(path, json=bad, headers=merchant)).status_code == 422, bad
    assert await container.flash_sales.sales.count_documents({}) == 0
    assert (await container.products.get(product.id)).variants[0].stock == 10


async def test_a_merchant_edits_and_cancels_before_the_start_but_not_another_shops_sale(api, factory, container):
    shop = await factory.shop()
    product = await factory.product(shop_id=shop.id, variants=[{"stock": 10}])
    merchant = await bearer(container, await factory.owner_of(shop))
    now = container.clock.now()
    made = await api.post(
        "/api/v1/merchant/flash-sales", json=_body(product, quantity=4, starts_in=600, now=now), headers=merchant
    )
    sale_id = made.json()["id"]
    stranger = await bearer(container, await factory.merchant())
    path = f"/api/v1/merchant/flash-sales/{sale_id}"
    assert (await api.patch(path, json={"quantity": 1}, headers=stranger)).status_code == 404
    assert (await api.post(path + "/cancel", headers=stranger)).status_code == 404
    edited = await api.patch(path, json={"quantity": 6, "price": 8000}, headers=merchant)
    assert edited.status_code == 200 and (edited.json()["quantity"], edited.json()["price"]) == (6, 8000)
    assert (await container.products.get(product.id)).variants[0].stock == 4
    assert (await api.patch(path, json={"quantity": 11}, headers=merchant)).status_code == 409  # not enough stock
    assert (await api.patch(path, json={"status": "ended"}, headers=merchant)).status_code == 422
    cancelled = await api.post(path + "/cancel", headers=merchant)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (await container.products.get(product.id)).variants[0].stock == 10
    assert (await api.post(path + "/cancel", headers=merchant)).status_code == 409


async def test_reserving_needs_sign_in_and_answers_reasons(api, factory, container):
    shop = await factory.shop()
    product = await factory.product(shop_id=shop.id)
    merchant = await bearer(container, await factory.owner_of(shop))
    now = container.clock.now()
    body = _body(product, starts_in=60, limit=1, now=now)
    sale_id = (await api.post("/api/v1/merchant/flash-sales", json=body, headers=merchant)).json()["id"]
    path = f"/api/v1/flash-sales/{sale_id}/reservations"
    assert (await api.post(path, json={"quantity": 1})).status_code == 401
    me = await bearer(container, await factory.user())
    early = await api.post(path, json={"quantity": 1}, headers=me)
    assert (early.status_code, early.json()) == (409, {"reason": "not_started"})
    container.clock.advance(seconds=60)
    assert (await api.post(path, json={"quantity": 1}, headers=me)).status_code == 201
    again = await api.post(path, json={"quantity": 1}, headers=me)
    assert (again.status_code, again.json()) == (409, {"reason": "limit_reached"})
    for bad in ({"quantity": 0}, {"quantity": "1"}, {"quantity": 1, "price": 1}):
        assert (await api.post(path, json=bad, headers=me)).status_code == 422
    assert (await api.get("/api/v1/flash-sales/not-an-id")).status_code == 404
    assert (await api.post(f"/api/v1/flash-sales/{'f' * 24}/reservations", json={}, headers=me)).status_code == 404


async def test_a_bot_hammering_reserve_gets_429_with_retry_after(api, factory, container):
    """SECURITY row 13: per-user (and per-IP) rate limits on the reserve endpoint."""
    shop = await factory.shop()
    product = await factory.product(shop_id=shop.id)
    merchant = await bearer(container, await factory.owner_of(shop))
    now = container.clock.now()
    made = await api.post("/api/v1/merchant/flash-sales", json=_body(product, now=now), headers=merchant)
    path = f"/api/v1/flash-sales/{made.json()['id']}/reservations"
    bot = await bearer(container, await factory.user())
    codes = [(await api.post(path, json={"quantity": 1}, headers=bot)).status_code for _ in range(6)]
    assert codes == [201, 409, 409, 409, 409, 429]
    limited = await api.post(path, json={"quantity": 1}, headers=bot)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    container.settings = container.settings.replace(flash_ip_rate_limit=2, flash_user_rate_limit=100)
    other = await bearer(container, await factory.user())
    assert (await api.post(path, json={"quantity": 1}, headers=other)).status_code == 429


async def test_a_merchant_cannot_change_or_cancel_a_featured_sale_of_its_shop(api, web, factory, container):
    """Featured sales are the marketers' (SECURITY row 2): the shop's owner gets a 403, nothing moves."""
    shop = await factory.shop()
    product = await factory.product(shop_id=shop.id, variants=[{"stock": 10}])
    marketer = await bearer(container, await factory.marketer())
    now = container.clock.now()
    made = await api.post(
        "/api/v1/marketing/flash-sales", json=_body(product, quantity=4, starts_in=600, now=now), headers=marketer
    )
    sale_id = made.json()["id"]
    owner = await factory.owner_of(shop)
    merchant = await bearer(container, owner)
    path = f"/api/v1/merchant/flash-sales/{sale_id}"
    assert (await api.patch(path, json={"quantity": 1}, headers=merchant)).status_code == 403
    assert (await api.post(path + "/cancel", headers=merchant)).status_code == 403
    assert (await flash.get_sale(container, sale_id)).quantity == 4
    await web.sign_in(owner.email)
    page = await web.page(f"/merchant/flash-sales/{sale_id}")
    assert "run by the platform" in page.text and f"/merchant/flash-sales/{sale_id}/cancel" not in page.text
    assert (
        await api.patch(f"/api/v1/marketing/flash-sales/{sale_id}", json={"quantity": 3}, headers=marketer)
    ).status_code == 200
