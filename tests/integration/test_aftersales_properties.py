"""Hypothesis: over any sequence of requests, offers, rejections, returns, decisions, deadlines, shipping and
cancellations on one order, refunds per line and per order never exceed what was paid, the payment refunded exactly
what the order records, and stock comes back only for units that came back (or, cancelled before shipping, never
left). Runs on a private event loop with its own containers (not the session loop)."""

import asyncio
import os
from datetime import UTC, datetime

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mall.aftersales import services as aftersales
from mall.aftersales.models import Kind, Reason, Status
from mall.bootstrap import build
from mall.infra import mongo
from mall.infra import redis as redis_infra
from mall.infra.clock import FrozenClock
from mall.orders import services as orders
from mall.orders.models import OrderStatus
from mall.payments import services as payments
from tests.factories import Factory
from tests.integration.aftersales_helpers import ship, two_line_order

LINE = st.integers(0, 1)
FRACTION = st.integers(1, 100)
OPS = st.one_of(
    st.tuples(st.just("request"), LINE, FRACTION, FRACTION, st.booleans()),
    st.tuples(st.just("merchant"), st.sampled_from(["accept", "offer", "reject"]), FRACTION),
    st.tuples(st.just("shopper"), st.sampled_from(["accept_offer", "decline", "escalate", "ship_back", "withdraw"])),
    st.tuples(st.just("received"), st.booleans()),
    st.tuples(st.just("operator"), st.sampled_from(["refund_full", "refund_partial", "no_refund"]), FRACTION),
    st.tuples(st.just("cancel")),
    st.tuples(st.just("ship")),
    st.tuples(st.just("time"), st.sampled_from([1, 25, 49, 24 * 8, 24 * 11])),
)
IGNORED = (aftersales.Refused, aftersales.IllegalTransition, orders.IllegalTransition, orders.NotFound,
           orders.Busy, aftersales.CaseNotFound)  # fmt: skip


def test_refunds_never_exceed_what_was_paid_and_stock_returns_only_what_came_back(settings, embedded_redis):
    loop = asyncio.new_event_loop()

    @hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(OPS, min_size=1, max_size=14))
    def run(ops):
        loop.run_until_complete(_story(settings, embedded_redis, ops))

    try:
        run()
    finally:
        loop.close()


async def _story(settings, embedded_redis, ops):
    _client, db = mongo.connect("", f"test_{os.urandom(4).hex()}", interleave=settings.mongo_interleave)
    redis = redis_infra.client(embedded_redis.url)
    c = build(settings, db, redis, embedded_redis.url, clock=FrozenClock(datetime(2026, 11, 24, 12, tzinfo=UTC)))
    await c.ensure_indexes()
    try:
        factory = Factory(c)
        w = await two_line_order(factory)
        came_back: dict[int, int] = {0: 0, 1: 0}
        for op in ops:
            try:
                await _apply(c, w, op, came_back)
            except IGNORED:
                pass
            await _check(c, factory, w, came_back)
    finally:
        await redis.aclose()


async def _latest(c, w):
    cases = await aftersales.cases_of_order(c, w.order.id)
    return cases[-1] if cases else None


async def _apply(c, w, op, came_back):
    kind = op[0]
    case = await _latest(c, w)
    if kind == "request":
        _k, line, qty_pct, amount_pct, refund_only = op
        order = await c.orders.get(w.order.id)
        quote = await aftersales.quote(c, order, line)
        if not quote.units_left:
            return
        qty = max(1, quote.units_left * qty_pct // 100)
        amount = max(1, quote.max_for(qty, order) * amount_pct // 100)
        shipped = order.status is not OrderStatus.PAID
        chosen = Kind.REFUND_ONLY if refund_only or not shipped else Kind.RETURN_AND_REFUND
        reason = Reason.MISSING_PARTS if shipped and chosen is Kind.REFUND_ONLY else Reason.DAMAGED
        await aftersales.request_case(c, user_id=w.shopper.id, order_id=w.order.id, line_id=line, kind=chosen,
                                      reason=reason, qty=qty, amount=amount)  # fmt: skip
    elif kind == "merchant" and case:
        amount = max(1, case.amount * op[2] // 100)
        await aftersales.merchant_decide(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id, action=op[1],
                                         amount=amount, reason="Because", return_address="Shop, 1 Road")  # fmt: skip
    elif kind == "shopper" and case:
        uid = w.shopper.id
        if op[1] == "accept_offer":
            await aftersales.accept_offer(c, user_id=uid, case_id=case.id)
        elif op[1] == "decline":
            await aftersales.decline_offer(c, user_id=uid, case_id=case.id)
        elif op[1] == "escalate":
            await aftersales.escalate(c, user_id=uid, case_id=case.id)
        elif op[1] == "ship_back":
            await aftersales.ship_back(c, user_id=uid, case_id=case.id, carrier="Post", tracking_no="RR123")
        else:
            await aftersales.withdraw(c, user_id=uid, case_id=case.id)
    elif kind == "received" and case:
        moved = await aftersales.merchant_received(c, shop_id=w.shop.id, case_id=case.id, actor_id=w.merchant.id,
                                                   restock=op[1])  # fmt: skip
        if op[1]:
            came_back[moved.line] += moved.qty
    elif kind == "operator" and case:
        amount = max(1, case.amount * op[2] // 100)
        await aftersales.operator_decide(c, case_id=case.id, operator_id=w.merchant.id, outcome=op[1],
                                         reason="Decided", amount=amount)  # fmt: skip
    elif kind == "cancel":
        await orders.cancel_by_shopper(c, user_id=w.shopper.id, order_id=w.order.id)
    elif kind == "ship":
        await ship(c, w)
    elif kind == "time":
        c.clock.advance(hours=op[1])
        await aftersales.sweep(c)


async def _check(c, factory, w, came_back):
    order = await c.orders.get(w.order.id)
    for n, line in enumerate(order.lines):
        units, amount = order.line_refunded(n)
        assert units <= line.qty and amount <= line.net, (n, units, amount)
    assert order.shipping_refunded <= order.shipping_paid
    cancel_refund = order.refund_due if order.refund_id else 0
    assert order.refunded + cancel_refund <= order.total
    checkout = await c.checkouts.get(order.checkout_id)
    payment = await payments.get_payment(c.payments, checkout.payment_id)
    assert payment.refunded_amount == order.refunded + cancel_refund
    cases = await aftersales.cases_of_order(c, order.id)
    refunded = [x for x in cases if x.status is Status.REFUNDED]
    assert sum(x.refunded + x.refunded_shipping for x in refunded) == order.refunded
    cancelled = order.status is OrderStatus.CANCELLED
    for n, product in enumerate((w.tea, w.cup)):
        restocked = sum(x.restocked for x in cases if x.line == n)
        assert restocked == came_back[n]  # only units the shop confirmed came back (and chose to restock)
        bought = order.lines[n].qty
        assert await factory.variant_stock(product) == 10 - bought + (bought if cancelled else 0) + restocked
