"""Exactly one refund per case (SECURITY row 23): the merchant's accept pressed twice at once and the auto-accept
job firing at the same moment move the case once and refund once; repeating the refund step changes nothing."""

from __future__ import annotations

import asyncio

from mall.aftersales import services as aftersales
from mall.aftersales.models import Kind, Reason, Status
from mall.payments import services as payments
from tests.integration.aftersales_helpers import refunded_amount, request, two_line_order
from tests.integration.orders_helpers import bearer


async def test_accept_twice_at_once_and_the_auto_accept_job_refund_once(factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w, kind=Kind.REFUND_ONLY, reason=Reason.MISSING_PARTS, qty=2)
    c.clock.advance(hours=c.settings.merchant_respond_hours)  # the deadline is now: the job fires too

    async def accept():
        return await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                                action="accept")  # fmt: skip

    results = await asyncio.gather(
        accept(), accept(), aftersales.act_on_deadline(c, case.id, case.version), aftersales.sweep(c),
        return_exceptions=True,
    )  # fmt: skip
    wins = [r for r in results[:2] if not isinstance(r, Exception)]
    assert all(isinstance(r, aftersales.IllegalTransition) for r in results[:2] if isinstance(r, Exception))
    assert len(wins) <= 1, results

    done = await aftersales.any_case(c, case.id)
    assert done.status is Status.REFUNDED and done.refunded == 60000
    assert await refunded_amount(c, w) == 60000
    checkout = await c.checkouts.get(w.order.checkout_id)
    assert len(await payments.refunds_for(c.payments, checkout.payment_id)) == 1
    order = await c.orders.get(w.order.id)
    assert order.refunded == 60000 and len(order.refunds) == 1
    assert [s.action for s in done.timeline].count("refund") == 1
    assert [s.action for s in done.timeline].count("accept") == 1  # one winner: a click or the deadline


async def test_two_accepts_over_http_at_once_refund_once(api, factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w, kind=Kind.REFUND_ONLY, reason=Reason.NOT_RECEIVED)
    headers = await bearer(c, w.merchant)
    url = f"/api/v1/merchant/after-sales/{case.id}/decision"
    answers = await asyncio.gather(*(api.post(url, json={"action": "accept"}, headers=headers) for _ in range(5)))
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409, 409]
    assert await refunded_amount(c, w) == 30000
    assert (await aftersales.any_case(c, case.id)).status is Status.REFUNDED
