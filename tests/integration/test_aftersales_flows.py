"""After-sales through the real services, with the controllable clock (no sleeps): every path a case can take,
each deadline acting by itself, the money and the stock that move, and the order that waits for its cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mall.aftersales import services as aftersales
from mall.aftersales.models import Actor, Kind, Reason, Status
from mall.orders import services as orders
from mall.orders.models import OrderStatus
from tests.integration.aftersales_helpers import refunded_amount, request, ship, two_line_order


def actions(case):
    return [(s.actor, s.action) for s in case.timeline]


async def test_before_shipping_a_whole_order_refund_includes_shipping_and_cancels_the_order(factory, container):
    c = container
    w = await two_line_order(factory)
    heard = []

    async def listen(name, payload):
        heard.append(payload)

    c.events.subscribe("order.refunded", listen)
    first = await request(c, w, line=1, kind=Kind.REFUND_ONLY, reason=Reason.NO_REASON, qty=2)
    assert first.amount == 40000 and first.shipping == 0 and first.pre_ship
    first = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=first.id, actor_id=w.merchant.id,
                                             action="accept")  # fmt: skip
    assert first.status is Status.REFUNDED and first.refunded == 40000
    order = await c.orders.get(w.order.id)
    assert order.status is OrderStatus.PAID and order.refunded == 40000
    quote = await aftersales.quote(c, order, 0)
    assert quote.shipping == 6000 and quote.max_amount == 96000  # the last units bring shipping along

    last = await request(c, w, line=0, kind=Kind.REFUND_ONLY, reason=Reason.NO_REASON, qty=3)
    assert last.amount == 96000 and last.shipping == 6000
    last = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=last.id, actor_id=w.merchant.id,
                                            action="accept")  # fmt: skip
    order = await c.orders.get(w.order.id)
    assert last.status is Status.REFUNDED and last.refunded_shipping == 6000
    assert order.status is OrderStatus.CANCELLED and order.timeline[-1].code == "refunded_in_full"
    assert order.refunded == order.total == await refunded_amount(c, w) == 136000
    assert (await factory.variant_stock(w.tea), await factory.variant_stock(w.cup)) == (10, 10)  # never left
    assert [(p["amount"], p["full"], p["lines"]) for p in heard] == [(40000, False, [1]), (96000, False, [0])]
    per_line = await aftersales.refunded_per_line(c, w.order.id)
    assert per_line == {0: 90000, 1: 40000}
    assert [r.shipping for r in await aftersales.refunds_of_order(c, w.order.id)] == [0, 6000]


async def test_before_shipping_no_answer_in_time_refunds_by_itself_and_the_timeline_says_so(factory, container):
    c = container
    w = await two_line_order(factory)
    case = await request(c, w, kind=Kind.REFUND_ONLY, reason=Reason.NO_REASON)
    assert case.due_at == c.clock.now() + timedelta(hours=c.settings.refund_unshipped_hours)
    c.clock.advance(hours=23, minutes=59)
    assert await aftersales.act_on_deadline(c, case.id, case.version) is False
    c.clock.advance(minutes=1)
    assert await aftersales.act_on_deadline(c, case.id, case.version) is True
    case = await aftersales.any_case(c, case.id)
    assert case.status is Status.REFUNDED and case.refunded == 30000
    assert actions(case)[1:] == [("system", "accept"), ("system", "refund")] and case.timeline[1].code == "no_answer"
    assert await aftersales.act_on_deadline(c, case.id, case.version) is False  # once


async def test_before_shipping_the_shop_may_ship_instead(factory, container):
    c = container
    w = await two_line_order(factory)
    case = await request(c, w, kind=Kind.REFUND_ONLY, reason=Reason.NO_REASON)
    await ship(c, w)
    case = await aftersales.any_case(c, case.id)
    assert case.status is Status.CLOSED and actions(case)[-1] == ("system", "shipped_instead")
    assert await refunded_amount(c, w) == 0


async def test_a_return_accepted_shipped_back_and_received_refunds_and_restocks_once(factory, container):
    c = container
    w = await two_line_order(factory, delivered=True)
    case = await request(c, w, qty=2, reason=Reason.NO_REASON)
    assert case.amount == 60000 and case.due_at == c.clock.now() + timedelta(hours=48)
    with pytest.raises(aftersales.Refused):
        await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                         action="accept", return_address="")  # fmt: skip
    case = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                            action="accept", return_address="Tea shop, 1 Road, Taipei")  # fmt: skip
    assert case.status is Status.AWAITING_RETURN and case.due_at == c.clock.now() + timedelta(days=7)
    case = await aftersales.ship_back(c, user_id=w.shopper.id, case_id=case.id, carrier="Post", tracking_no="RR123")
    assert case.status is Status.RETURN_SHIPPED
    before = await factory.variant_stock(w.tea)
    case = await aftersales.merchant_received(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                              restock=True)  # fmt: skip
    assert case.status is Status.REFUNDED and case.refunded == 60000 and case.restocked == 2
    assert await factory.variant_stock(w.tea) == before + 2
    await aftersales.run_refund(c, case)  # a repeat changes nothing
    assert await factory.variant_stock(w.tea) == before + 2 and await refunded_amount(c, w) == 60000
    assert (await c.orders.get(w.order.id)).line_refunded(0) == (2, 60000)


async def test_a_return_not_shipped_back_in_time_closes_by_itself(factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w)
    case = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                            action="accept", return_address="Tea shop, 1 Road")  # fmt: skip
    c.clock.advance(days=7)
    assert await aftersales.act_on_deadline(c, case.id, case.version)
    case = await aftersales.any_case(c, case.id)
    assert case.status is Status.CLOSED and actions(case)[-1] == ("system", "expire")
    assert await refunded_amount(c, w) == 0


async def test_a_return_the_shop_does_not_confirm_counts_as_received_without_restocking(factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w)
    c.clock.advance(hours=48)  # the shop never answered: accepted by itself (no address: the page shows the shop's)
    assert await aftersales.act_on_deadline(c, case.id, case.version)
    case = await aftersales.any_case(c, case.id)
    assert case.status is Status.AWAITING_RETURN and case.timeline[-1].code == "no_answer"
    case = await aftersales.ship_back(c, user_id=w.shopper.id, case_id=case.id, carrier="Post", tracking_no="RR1234")
    stock = await factory.variant_stock(w.tea)
    c.clock.advance(days=10)
    assert await aftersales.act_on_deadline(c, case.id, case.version)
    case = await aftersales.any_case(c, case.id)
    assert case.status is Status.REFUNDED and case.restocked == 0 and await factory.variant_stock(w.tea) == stock
    assert case.timeline[-2].code == "not_confirmed"


async def test_an_offer_accepted_refunds_the_offer(factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w, kind=Kind.REFUND_ONLY, reason=Reason.MISSING_PARTS)
    for bad in (0, case.amount, case.amount + 1):
        with pytest.raises(aftersales.Refused):
            await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                             action="offer", amount=bad)  # fmt: skip
    case = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                            action="offer", amount=12000)  # fmt: skip
    case = await aftersales.accept_offer(c, user_id=w.shopper.id, case_id=case.id)
    assert case.status is Status.REFUNDED and case.refunded == 12000 and await refunded_amount(c, w) == 12000


async def test_an_offer_unanswered_is_accepted_by_itself(factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w, kind=Kind.REFUND_ONLY, reason=Reason.NOT_RECEIVED)
    case = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                            action="offer", amount=5000)  # fmt: skip
    c.clock.advance(hours=48)
    await aftersales.sweep(c)  # the job was lost: the sweep does it
    case = await aftersales.any_case(c, case.id)
    assert case.status is Status.REFUNDED and case.refunded == 5000 and case.timeline[-2].code == "offer_unanswered"


async def test_declined_then_escalated_then_the_operator_decides_a_partial_refund(factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    operator = await factory.operator()
    case = await request(c, w)
    case = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                            action="offer", amount=10000)  # fmt: skip
    case = await aftersales.decline_offer(c, user_id=w.shopper.id, case_id=case.id)
    assert case.status is Status.DECLINED
    case = await aftersales.escalate(c, user_id=w.shopper.id, case_id=case.id, note="It was shattered")
    assert case.status is Status.DISPUTED and case.due_at is None
    await aftersales.add_evidence(c, case_id=case.id, actor=Actor.SHOPPER, actor_id=w.shopper.id,
                                  note="Photo of the box", photo_ids=[], user_id=w.shopper.id)  # fmt: skip
    with pytest.raises(aftersales.Refused):
        await aftersales.operator_decide(c, case_id=case.id, operator_id=operator.id, outcome="refund_partial",
                                         amount=case.amount + 1, reason="Too much")  # fmt: skip
    case = await aftersales.operator_decide(c, case_id=case.id, operator_id=operator.id, outcome="refund_partial",
                                            amount=20000, reason="Half the value")  # fmt: skip
    assert case.status is Status.REFUNDED and case.refunded == 20000 and case.outcome_reason == "Half the value"
    lost = await aftersales.disputes_lost(c, w.shop.id, c.clock.now() - timedelta(days=30))
    rate = await aftersales.refund_rate(c, w.shop.id, c.clock.now() - timedelta(days=30))
    assert (lost.orders, lost.decided, lost.lost, lost.per_100_orders) == (1, 1, 1, 100.0)
    assert (rate.orders, rate.refunded_orders, rate.cases) == (1, 1, 1)


async def test_a_rejection_not_escalated_in_time_closes_and_no_refund_decisions_close(factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    operator = await factory.operator()
    case = await request(c, w)
    with pytest.raises(aftersales.Refused):
        await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                         action="reject", reason="")  # fmt: skip
    case = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                            action="reject", reason="Used item")  # fmt: skip
    c.clock.advance(days=7)
    assert await aftersales.act_on_deadline(c, case.id, case.version)
    assert (await aftersales.any_case(c, case.id)).status is Status.CLOSED

    other = await request(c, w, line=1)
    other = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=other.id, actor_id=w.merchant.id,
                                             action="reject", reason="Used item")  # fmt: skip
    other = await aftersales.escalate(c, user_id=w.shopper.id, case_id=other.id)
    other = await aftersales.operator_decide(c, case_id=other.id, operator_id=operator.id, outcome="no_refund",
                                             reason="Photos show use")  # fmt: skip
    assert other.status is Status.CLOSED and await refunded_amount(c, w) == 0


async def test_what_may_be_asked_is_checked(factory, container):
    c = container
    w = await two_line_order(factory, delivered=True)
    for kw, code in (
        ({"amount": 30001}, "amount"),
        ({"qty": 4}, "qty"),
        ({"qty": 0}, "qty"),
        ({"line": 2}, "no_such_line"),
        ({"kind": Kind.REFUND_ONLY, "reason": Reason.DAMAGED}, "reason_not_allowed"),
        ({"reason": Reason.NOT_RECEIVED}, "reason_not_allowed"),
    ):
        with pytest.raises(aftersales.Refused) as info:
            await request(c, w, **{"amount": kw.pop("amount", 1000), **kw})
        assert info.value.code == code, kw
    with pytest.raises(aftersales.Refused) as info:
        await request(c, w, photo_ids=["0" * 32 + ".webp"])  # not an upload of theirs
    assert info.value.code == "photos"
    await request(c, w, reason=Reason.NO_REASON)
    with pytest.raises(aftersales.Refused) as info:
        await request(c, w)
    assert info.value.code == "line_busy"
    c.clock.advance(days=7, seconds=1)
    with pytest.raises(aftersales.Refused) as info:
        await request(c, w, line=1, reason=Reason.NO_REASON)  # 七天無理由 is over
    assert info.value.code == "no_reason_not_allowed"


async def test_a_food_shop_offers_no_return_without_reason(factory, container):
    c = container
    w = await two_line_order(factory, category="food", delivered=True)
    quote = await aftersales.quote(c, w.order, 0)
    assert Reason.NO_REASON not in quote.reasons[Kind.RETURN_AND_REFUND]
    with pytest.raises(aftersales.Refused) as info:
        await request(c, w, reason=Reason.NO_REASON)
    assert info.value.code == "no_reason_not_allowed"
    await request(c, w, reason=Reason.DAMAGED)


async def test_the_order_waits_for_its_open_case_before_completing(factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w)
    c.clock.advance(days=c.settings.auto_complete_days)
    assert await orders.auto_complete_order(c, w.order.id) is False
    with pytest.raises(orders.AfterSalesOpen):
        await orders.confirm_receipt(c, user_id=w.shopper.id, order_id=w.order.id)
    case = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                            action="reject", reason="Not damaged")  # fmt: skip
    await aftersales.withdraw(c, user_id=w.shopper.id, case_id=case.id)
    assert (await c.orders.get(w.order.id)).status is OrderStatus.COMPLETED  # at once: it was due


async def test_a_cancel_after_a_partial_refund_refunds_only_the_rest_and_closes_open_cases(factory, container):
    c = container
    w = await two_line_order(factory)
    first = await request(c, w, line=1, kind=Kind.REFUND_ONLY, reason=Reason.NO_REASON, qty=1)
    await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=first.id, actor_id=w.merchant.id, action="accept")
    waiting = await request(c, w, line=0, kind=Kind.REFUND_ONLY, reason=Reason.NO_REASON, qty=1)
    await orders.cancel_by_shopper(c, user_id=w.shopper.id, order_id=w.order.id)
    order = await c.orders.get(w.order.id)
    assert order.status is OrderStatus.CANCELLED and order.refund_due == 136000 - 20000
    assert await refunded_amount(c, w) == 136000
    waiting = await aftersales.any_case(c, waiting.id)
    assert waiting.status is Status.CLOSED and actions(waiting)[-1] == ("system", "order_cancelled")


async def test_a_deadline_job_for_an_older_state_does_nothing(factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    case = await request(c, w)
    old = case.version
    case = await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                            action="reject", reason="Not damaged")  # fmt: skip
    c.clock.advance(days=30)
    assert await aftersales.act_on_deadline(c, case.id, old) is False
    assert (await aftersales.any_case(c, case.id)).status is Status.REJECTED
