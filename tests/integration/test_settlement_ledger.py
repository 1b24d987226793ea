"""The ledger from orders' events: a cancelled paid order reversed through its refund event, replays that post
nothing, a missed event caught up from MongoDB, a crash between an entry and its totals, tampering found."""

import pytest

from mall.orders import events as order_events
from mall.orders import services as orders
from mall.settlement import services as settlement
from mall.settlement.models import CLEARING, COMMISSION, REFUNDS, EntryKind, Leg
from mall.settlement.services import postings
from mall.settlement.services.ledger import Unbalanced, balances, post
from tests.integration.promo_helpers import coupon
from tests.integration.settlement_helpers import buy, owed


async def _entries(c) -> int:
    return await c.ledger.count()


async def test_a_paid_order_cancelled_publishes_its_whole_refund_and_every_earning_is_reversed(container, factory):
    heard = []

    async def listen(_name, payload):
        heard.append(payload)

    container.events.subscribe(order_events.ORDER_REFUNDED, listen)
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, price=45000, stock=5)
    cups = await factory.stocked_product(shop=shop, price=30000, stock=5)
    await coupon(container, code="TAKE50", value=5000)
    (order,) = await buy(factory, await factory.user(), (tea, 1), (cups, 1), codes=("TAKE50",))
    await orders.cancel_by_merchant(container, shop_id=shop.id, order_id=order.id, actor_id="m", reason="out of tea")

    (payload,) = heard
    refunded = await orders.any_order(container, order_id=order.id)
    assert payload["refund_id"] == refunded.refund_id and payload["full"] is True and payload["lines"] == [0, 1]
    assert payload["line_amounts"] == {"0": order.lines[0].net, "1": order.lines[1].net}
    assert (
        payload["shipping"] == 6000 and payload["amount"] == order.total == sum(payload["line_amounts"].values()) + 6000
    )
    assert await owed(container, shop.id) == {"pending": 0, "available": 0, "transit": 0}
    found = await balances(container, [CLEARING, REFUNDS, COMMISSION])
    assert found == {CLEARING: order.total, REFUNDS: -order.total, COMMISSION: 0}
    report = await settlement.check_ledger(container)
    assert report.balanced, report.problems


async def test_replaying_any_event_posts_nothing_new(container, factory):
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, price=45000, stock=5)
    (order,) = await buy(factory, await factory.user(), (tea, 2))
    await orders.cancel_by_merchant(container, shop_id=shop.id, order_id=order.id, actor_id="m", reason="sorry")
    cancelled = await orders.any_order(container, order_id=order.id)
    before = (await _entries(container), await owed(container, shop.id), await settlement.check_ledger(container))
    paid = {**order_events.order_payload(cancelled), "status": "paid", "previous": "pending_payment"}
    for _ in range(3):
        await container.events.publish(order_events.ORDER_STATUS_CHANGED, paid)
        await container.events.publish(order_events.ORDER_REFUNDED, orders.whole_refund(cancelled, cancelled.refund_id))
        await settlement.catch_up(container, full=True)
    after = (await _entries(container), await owed(container, shop.id), await settlement.check_ledger(container))
    assert after[:2] == before[:2] and after[2].accounts == before[2].accounts and after[2].balanced


async def test_a_missed_paid_event_is_caught_up_from_the_orders(container, factory, monkeypatch):
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, price=45000, stock=5)

    async def down(*_a, **_k):
        raise RuntimeError("settlement was down")

    monkeypatch.setattr(settlement.intake, "post_paid", down)
    (order,) = await buy(factory, await factory.user(), (tea, 1))
    assert await owed(container, shop.id) == {"pending": 0, "available": 0, "transit": 0}
    report = await settlement.check_ledger(container)
    assert not report.balanced and any(order.number in p and "never posted" in p for p in report.problems)
    monkeypatch.undo()

    assert await settlement.catch_up(container) == 1
    assert await owed(container, shop.id) == {"pending": 48750, "available": 0, "transit": 0}
    assert (await settlement.check_ledger(container)).balanced


async def test_an_entry_a_crash_left_unapplied_is_applied_once(container, factory):
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, price=45000, stock=5)
    (order,) = await buy(factory, await factory.user(), (tea, 1))
    applied = container.ledger.apply
    crashed = []

    async def crash(entry):
        crashed.append(entry)
        raise RuntimeError("the process died")

    container.ledger.apply = crash
    try:
        await container.events.publish(order_events.ORDER_REFUNDED, await _refund_all(container, order))
    finally:
        container.ledger.apply = applied
    assert crashed and await owed(container, shop.id) == {"pending": 48750, "available": 0, "transit": 0}
    container.clock.advance(minutes=1)
    assert "never applied" in " ".join((await settlement.check_ledger(container)).problems)
    entry, first = crashed[0], crashed[0]["totals"][0]  # it died after counting the entry in its first total
    await container.ledger.totals.update_one(
        {"_id": first["doc"]}, {"$inc": first["inc"], "$push": {"applied": {"$each": [entry["_id"]], "$slice": -200}}}
    )
    await settlement.catch_up(container)
    await settlement.catch_up(container)
    assert await owed(container, shop.id) == {"pending": 0, "available": 0, "transit": 0}
    assert (await settlement.check_ledger(container)).balanced


async def _refund_all(c, order):
    from mall.payments import services as payments

    payment = await payments.payment_for_checkout(c.payments, order.checkout_id)
    made = await payments.refund(c.payments, c.clock, c.settings, payment_id=payment.id, amount=order.total,
                                 reason="return", key="case:1")  # fmt: skip
    return order_events.refund_payload(order, order.total, refund_id=made.id,
                                       line_amounts={0: order.lines[0].net}, shipping=6000)  # fmt: skip


async def test_tampering_and_drift_are_found(container, factory):
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, price=45000, stock=5)
    await buy(factory, await factory.user(), (tea, 1))
    assert (await settlement.check_ledger(container)).balanced
    await container.ledger.totals.update_one({"_id": f"account:shop:{shop.id}:pending"}, {"$inc": {"balance": -100}})
    problems = (await settlement.check_ledger(container)).problems
    assert any("pending balance is -48850, its entries add up to -48750" in p for p in problems)


async def test_an_unbalanced_entry_is_never_written(container):
    with pytest.raises(Unbalanced):
        await post(container, key="x", kind=EntryKind.PAID, entry_legs=[Leg(CLEARING, 100), Leg(COMMISSION, 0, 99)],
                   at=container.clock.now())  # fmt: skip
    assert await _entries(container) == 0


async def test_a_refund_of_an_order_never_paid_only_passes_the_money_through(container, factory):
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, price=45000, stock=5)
    shopper = await factory.user()
    placed = await factory.checkout(shopper, (tea, 1))
    await orders.cancel_checkout(container, user_id=shopper.id, checkout_id=placed.checkout.id)
    from mall.payments import services as payments

    payment = await payments.payment_for_checkout(container.payments, placed.checkout.id)
    assert payment is not None
    order = await orders.any_order(container, order_id=placed.orders[0].id)
    payload = order_events.refund_payload(order, order.total, refund_id="re-late")
    assert await postings.post_refund(container, payload) is True
    assert await owed(container, shop.id) == {"pending": 0, "available": 0, "transit": 0}
    assert await balances(container, [CLEARING, REFUNDS]) == {CLEARING: order.total, REFUNDS: -order.total}
