"""After-sales security (SECURITY rows 1, 2, 3, 4, 7, 8, 23): another shopper or another shop's merchant cannot see
or act on a case (404, nothing written), shoppers cannot take the operator's decision (403), unknown or mistyped
fields are 422, and the text people type is escaped everywhere."""

from __future__ import annotations

from mall.aftersales import services as aftersales
from mall.aftersales.models import Status
from tests.integration.aftersales_helpers import refunded_amount, request, two_line_order
from tests.integration.orders_helpers import bearer


async def _snapshot(c, case_id):
    return await c.cases.cases.find_one({"_id": case_id})


async def test_another_shopper_and_another_shop_get_404_and_nothing_is_written(api, web, factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w)
    before = await _snapshot(c, case.id)
    stranger = await factory.user()
    other_merchant = await factory.merchant()
    as_stranger, as_other_shop = await bearer(c, stranger), await bearer(c, other_merchant)

    calls = [
        ("get", f"/api/v1/after-sales/{case.id}", None, as_stranger),
        ("post", f"/api/v1/after-sales/{case.id}/escalate", {}, as_stranger),
        ("post", f"/api/v1/after-sales/{case.id}/accept-offer", None, as_stranger),
        (
            "post",
            f"/api/v1/after-sales/{case.id}/return-shipment",
            {"carrier": "Post", "tracking_no": "RR1"},
            as_stranger,
        ),
        ("post", f"/api/v1/after-sales/{case.id}/evidence", {"note": "mine"}, as_stranger),
        ("get", f"/api/v1/after-sales/{case.id}", None, as_other_shop),
        (
            "post",
            f"/api/v1/merchant/after-sales/{case.id}/decision",
            {"action": "accept", "return_address": "Somewhere 1"},
            as_other_shop,
        ),
        ("post", f"/api/v1/merchant/after-sales/{case.id}/received", {"restock": True}, as_other_shop),
        (
            "post",
            f"/api/v1/orders/{w.order.id}/after-sales",
            {"line_id": 1, "kind": "return_and_refund", "reason": "damaged", "qty": 1, "amount": 100},
            as_stranger,
        ),
    ]
    for method, url, body, headers in calls:
        answer = await api.request(method.upper(), url, json=body, headers=headers)
        assert answer.status_code == 404, (url, answer.status_code, answer.text)
    assert await _snapshot(c, case.id) == before
    assert await c.cases.cases.count_documents({}) == 1

    await web.sign_in(other_merchant.email)
    assert (await web.page(f"/merchant/after-sales/{case.id}")).status_code == 404
    answer = await web.form(f"/merchant/after-sales/{case.id}/decision", {"action": "reject", "reason": "No way"})
    assert answer.status_code == 404
    listing = await web.page("/merchant/after-sales")
    assert case.number not in listing.text
    await web.form("/logout")
    await web.sign_in(stranger.email)
    assert (await web.page(f"/account/after-sales/{case.id}")).status_code == 404
    assert (await web.form(f"/account/after-sales/{case.id}/withdraw")).status_code == 404
    assert (await web.page(f"/orders/{w.order.id}/after-sales")).status_code == 404
    assert (await web.page(f"/live/alerts/after-sales/{case.id}")).status_code == 404
    assert await _snapshot(c, case.id) == before


async def test_only_operators_decide_disputes(api, factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w)
    await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id, action="reject",
                                     reason="Used")  # fmt: skip
    await aftersales.escalate(c, user_id=w.shopper.id, case_id=case.id)
    body = {"outcome": "refund_full", "reason": "Because I say so"}
    for who in (w.shopper, w.merchant):
        answer = await api.post(
            f"/api/v1/operator/disputes/{case.id}/decision", json=body, headers=await bearer(c, who)
        )
        assert answer.status_code == 403
    assert (await aftersales.any_case(c, case.id)).status is Status.DISPUTED and await refunded_amount(c, w) == 0
    operator = await factory.operator()
    answer = await api.post(
        f"/api/v1/operator/disputes/{case.id}/decision", json=body, headers=await bearer(c, operator)
    )
    assert answer.status_code == 200 and answer.json()["status"] == "refunded"


async def test_unknown_mistyped_or_oversized_fields_are_422_and_nothing_is_written(api, factory, container):
    c = container
    w = await two_line_order(factory, delivered=True)
    headers = await bearer(c, w.shopper)
    url = f"/api/v1/orders/{w.order.id}/after-sales"
    good = {"line_id": 0, "kind": "return_and_refund", "reason": "damaged", "qty": 1, "amount": 30000}
    for body in (
        {**good, "status": "refunded"},
        {**good, "shop_id": w.shop.id},
        {**good, "qty": "1"},
        {**good, "qty": 1.5},
        {**good, "qty": -1},
        {**good, "amount": {"$gt": 0}},
        {**good, "amount": 30001},
        {**good, "line_id": 9},
        {**good, "reason": "because"},
        {**good, "photo_ids": ["../../etc/passwd"]},
        {**good, "note": "x" * 1001},
    ):
        answer = await api.post(url, json=body, headers=headers)
        assert answer.status_code == 422, (body, answer.text)
    assert await c.cases.cases.count_documents({}) == 0
    created = await api.post(url, json=good, headers=headers)
    assert created.status_code == 201
    out = created.json()
    assert out["status"] == "requested" and out["deadline"] and out["id"]
    bad_decision = await api.post(f"/api/v1/merchant/after-sales/{out['id']}/decision",
                                  json={"action": "accept", "refunded": 1}, headers=await bearer(c, w.merchant))  # fmt: skip
    assert bad_decision.status_code == 422
