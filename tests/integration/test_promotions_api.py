"""Promotions API v1: what runs, claiming and the wallet, the cart priced by the engine, checkout with
coupon codes; marketers' and merchants' creations; who may do what (SECURITY rows 1-5, 7)."""

import asyncio
from datetime import timedelta

from tests.integration.orders_helpers import ADDRESS_JSON, bearer
from tests.integration.promo_helpers import campaign, coupon, threshold


def times(c, starts_in=0, lasts=3600):
    now = c.clock.now()
    return {
        "starts_at": (now + timedelta(seconds=starts_in)).isoformat(),
        "ends_at": (now + timedelta(seconds=starts_in + lasts)).isoformat(),
    }


async def test_a_marketer_makes_a_platform_coupon_a_shopper_claims_it_and_the_cart_price_uses_it(
    api, factory, container
):
    marketer = await bearer(container, await factory.marketer())
    body = {"scope": "platform", "code": "newyear", "name": "New year", "kind": "fixed", "value": 5000,
            "min_spend": 30000, "total": 100, "per_user": 1, "claimable": True, **times(container)}  # fmt: skip
    made = await api.post("/api/v1/marketing/coupons", json=body, headers=marketer)
    assert made.status_code == 201 and made.json()["code"] == "NEWYEAR"
    coupon_id = made.json()["id"]
    listed = (await api.get("/api/v1/promotions")).json()["items"]
    assert [(i["id"], i["kind"]) for i in listed] == [(coupon_id, "platform_coupon")]

    shopper = await factory.user()
    me = await bearer(container, shopper)
    tea = await factory.stocked_product(price=20000, stock=10)
    await factory.cart_with(shopper, (tea, 2))
    unclaimed = await api.post("/api/v1/cart/price", json={"coupon_codes": ["NEWYEAR"]}, headers=me)
    assert unclaimed.json()["problems"] == [{"code": "NEWYEAR", "reason": "not_claimed", "short_by": 0}]

    claims = await asyncio.gather(*(api.post(f"/api/v1/coupons/{coupon_id}/claim", headers=me) for _ in range(10)))
    assert sorted(r.status_code for r in claims) == [201] + [409] * 9  # once per shopper, however many tries
    wallet = (await api.get("/api/v1/me/coupons", headers=me)).json()["items"]
    assert [(w["code"], w["uses_left"]) for w in wallet] == [("NEWYEAR", 1)]

    priced = (await api.post("/api/v1/cart/price", json={"coupon_codes": ["newyear"]}, headers=me)).json()
    assert priced["problems"] == [] and priced["discount"] == 5000
    (shop,) = priced["shops"]
    assert sum(a["amount"] for line in shop["lines"] for a in line["allocations"]) == 5000
    assert priced["total"] == 40000 - 5000 + shop["shipping_fee"] - shop["shipping_discount"]

    headers = {**me, "Idempotency-Key": "promo-checkout-1"}
    stale = await api.post(
        "/api/v1/checkout",
        json={"address": ADDRESS_JSON, "coupon_codes": ["NEWYEAR"], "expected_total": priced["total"] + 1},
        headers=headers,
    )
    assert stale.status_code == 409 and stale.json()["error"]["details"] == {"total": priced["total"]}
    placed = await api.post(
        "/api/v1/checkout",
        json={"address": ADDRESS_JSON, "coupon_codes": ["NEWYEAR"], "expected_total": priced["total"]},
        headers={**me, "Idempotency-Key": "promo-checkout-2"},
    )
    assert placed.status_code == 201 and placed.json()["total"] == priced["total"]
    assert (await api.get("/api/v1/me/coupons", headers=me)).json()["items"][0]["uses_left"] == 0


async def test_checkout_refuses_codes_that_do_not_apply_with_the_reasons(api, factory, container):
    await coupon(container, code="BIG", value=1000, min_spend=10**6)
    shopper = await factory.user()
    me = await bearer(container, shopper)
    await factory.cart_with(shopper, (await factory.stocked_product(price=20000, stock=10), 1))
    answer = await api.post(
        "/api/v1/checkout", json={"address": ADDRESS_JSON, "coupon_codes": ["BIG", "NOPE"]},
        headers={**me, "Idempotency-Key": "promo-checkout-3"},
    )  # fmt: skip
    assert answer.status_code == 409
    reasons = {p["code"]: p["reason"] for p in answer.json()["error"]["details"]["coupons"]}
    assert reasons == {"BIG": "min_spend_not_reached", "NOPE": "unknown"}


async def test_merchants_make_their_own_promotions_and_enter_campaigns_only_with_their_products(
    api, factory, container
):
    shop = await factory.shop()
    mine = await factory.stocked_product(shop=shop, price=20000, stock=10)
    theirs = await factory.stocked_product(price=20000, stock=10)
    merchant = await bearer(container, await factory.owner_of(shop))
    deal = {"kind": "limited_time", "name": "週末限時", "product_ids": [mine.id], "percent_off": 20, **times(container)}
    assert (await api.post("/api/v1/merchant/promotions", json=deal, headers=merchant)).status_code == 201
    stolen = {**deal, "product_ids": [theirs.id]}
    assert (await api.post("/api/v1/merchant/promotions", json=stolen, headers=merchant)).status_code == 422
    tiers = {
        "kind": "spend_threshold",
        "name": "滿額",
        "tiers": [{"min_spend": 30000, "save": 3000}],
        **times(container),
    }
    assert (await api.post("/api/v1/merchant/promotions", json=tiers, headers=merchant)).status_code == 201
    shop_coupon = {"scope": "shop", "name": "Shop", "kind": "percent", "value": 10, "cap": 2000, "total": 5,
                   "per_user": 1, **times(container)}  # fmt: skip
    made = await api.post("/api/v1/merchant/coupons", json=shop_coupon, headers=merchant)
    assert made.status_code == 201 and len(made.json()["code"]) == 8
    platform = {**shop_coupon, "scope": "platform"}
    assert (await api.post("/api/v1/merchant/coupons", json=platform, headers=merchant)).status_code == 422

    running = await campaign(container, percent_off=10)
    path = f"/api/v1/merchant/campaigns/{running.id}/entries"
    assert (await api.post(path, json={"product_ids": [theirs.id]}, headers=merchant)).status_code == 422
    entered = await api.post(path, json={"product_ids": [mine.id]}, headers=merchant)
    assert entered.status_code == 201 and entered.json()["entries"][0]["status"] == "pending"
    entry_id = entered.json()["entries"][0]["id"]
    decision = f"/api/v1/operator/campaign-entries/{entry_id}/decision"
    assert (await api.post(decision, json={"approve": True}, headers=merchant)).status_code == 403
    operator = await bearer(container, await factory.operator())
    decided = await api.post(decision, json={"approve": True}, headers=operator)
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert (await api.post(decision, json={"approve": False, "reason": "late"}, headers=operator)).status_code == 409


async def test_roles_bad_input_and_injection_are_refused_and_nothing_is_written(api, factory, container):
    shopper = await bearer(container, await factory.user())
    merchant = await bearer(container, await factory.merchant())
    marketer = await bearer(container, await factory.marketer())
    good = {"name": "Camp", "percent_off": 10, "platform_share_percent": 50, **times(container)}
    assert (await api.post("/api/v1/marketing/campaigns", json=good, headers=shopper)).status_code == 403
    assert (await api.post("/api/v1/marketing/campaigns", json=good, headers=merchant)).status_code == 403
    assert (await api.post("/api/v1/marketing/campaigns", json=good)).status_code == 401
    for bad in (
        {**good, "percent_off": 0},
        {**good, "percent_off": 10.5},
        {**good, "percent_off": "10"},
        {**good, "platform_share_percent": 101},
        {**good, "status": "live"},  # mass assignment
        {**good, "name": {"$ne": ""}},  # operator injection
        {**good, "starts_at": "2026-11-24T12:00:00"},  # no zone
        {**good, "tiers": [{"min_spend": 30000, "save": 3000}]},  # tiers and a percentage
        {**good, "tiers": [{"min_spend": 30000, "save": 40000}], "percent_off": None},  # saves more than it needs
    ):
        assert (await api.post("/api/v1/marketing/campaigns", json=bad, headers=marketer)).status_code == 422, bad
    assert await container.promotions.campaigns.count_documents({}) == 0
    made = await api.post("/api/v1/marketing/campaigns", json={**good, "schedule": True}, headers=marketer)
    assert made.status_code == 201 and made.json()["status"] == "live"
    action = f"/api/v1/marketing/campaigns/{made.json()['id']}/actions"
    assert (await api.post(action, json={"action": "pause"}, headers=marketer)).json()["status"] == "paused"
    assert (await api.post(action, json={"action": "explode"}, headers=marketer)).status_code == 422
    bad_price = await api.post("/api/v1/cart/price", json={"coupon_codes": [{"$gt": ""}]}, headers=shopper)
    assert bad_price.status_code == 422
    padded = await api.post("/api/v1/cart/price", json={"coupon_codes": ["\f" + "A" * 32]}, headers=shopper)
    assert padded.status_code == 422  # 33 characters sent where the document allows 32 (found by Schemathesis)
    assert (await api.post("/api/v1/cart/price", json={"coupon_codes": ["A" * 32]}, headers=shopper)).status_code == 200


async def test_a_threshold_and_a_campaign_explain_themselves_in_the_cart_price(api, factory, container):
    tea = await factory.stocked_product(price=20000, stock=10)
    await threshold(container, tea.shop_id, [{"min_spend": 30000, "save": 3000}, {"min_spend": 50000, "save": 6000}])
    made = await campaign(container, percent_off=10, share=100, products=[tea])
    shopper = await factory.user()
    await factory.cart_with(shopper, (tea, 3))  # NT$600: 滿 500 減 60, then 10 % off what is left
    priced = (await api.post("/api/v1/cart/price", json={}, headers=await bearer(container, shopper))).json()
    kinds = {a["kind"]: a for a in priced["applied"]}
    assert kinds["spend_threshold"]["amount"] == 6000
    assert kinds["spend_threshold"]["detail"] == {"name": "滿額折", "min_spend": 50000, "save": 6000}
    assert kinds["campaign"]["amount"] == (60000 - 6000) // 10 and kinds["campaign"]["promotion_id"] == made.id
    figures = await api.get(f"/api/v1/marketing/promotions/{made.id}/figures",
                            headers=await bearer(container, await factory.marketer()))  # fmt: skip
    assert figures.json()["orders"] == 0  # nothing paid yet
