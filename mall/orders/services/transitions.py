"""Moving orders: one conditional update per transition, and `reconcile`, which makes
orders, stock and refunds agree with their checkout again (after a crash, or as the
last step of every change that moves stock or money)."""

from __future__ import annotations

import logging

from mall.orders import events
from mall.orders.models import (
    TRANSITIONS,
    Action,
    Actor,
    Checkout,
    CheckoutStatus,
    IllegalTransition,
    Order,
    OrderStatus,
    Reason,
    next_status,
)
from mall.orders.services import alerts, coupon_ledger, stock
from mall.orders.services.schedule import entry
from mall.payments import services as payments

log = logging.getLogger("mall.orders")
UNPAID = (CheckoutStatus.EXPIRED, CheckoutStatus.CANCELLED, CheckoutStatus.FAILED)
WAITING = (OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED)  # orders that follow their checkout
NO_OPEN_CASE = {"after_sales_open.0": {"$exists": False}}


async def apply(
    c, order: Order, action: Action, actor: Actor, *, actor_id=None, detail="", changes=None, code=None
) -> Order:
    """Move `order` by `action`; IllegalTransition if the table forbids it or someone moved it first."""
    target = next_status(order.status, action, actor)
    step = entry(c, actor, action, detail=detail, actor_id=actor_id, code=code)
    guard = NO_OPEN_CASE if action is Action.COMPLETE else None  # completes only when no after-sales case is open
    moved = await c.orders.transition(order.id, order.status, target, step, changes or {}, guard)
    if moved is None:
        current = await c.orders.get(order.id)
        raise IllegalTransition(current.status if current else order.status, action)
    await alerts.announce_transition(c, moved, order.status)
    return moved


async def reconcile(
    c, checkout: Checkout, *, actor: Actor = Actor.SYSTEM, actor_id: str | None = None, code: Reason | None = None
) -> None:
    """Make orders, stock and refunds agree with the checkout's status (we hold its lock)."""
    follow = {
        CheckoutStatus.PAID: Action.PAY,
        CheckoutStatus.EXPIRED: Action.EXPIRE,
        CheckoutStatus.CANCELLED: Action.CANCEL,
    }.get(checkout.status)
    if checkout.status in UNPAID:
        await stock.give_back_all(c, checkout)
        await coupon_ledger.give_back_all(c, checkout)
    orders = []
    for order in await c.orders.of_checkout(checkout.id):
        if follow and (order.status, follow) in TRANSITIONS and order.status in WAITING:
            who = actor if follow is Action.CANCEL else Actor.SYSTEM
            changes = {"paid_at": checkout.paid_at} if follow is Action.PAY else {}
            order = await apply(c, order, follow, who, actor_id=actor_id, changes=changes, code=code)
        orders.append(order)
    gone = [order for order in orders if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED)]
    for order in gone:  # its units and its shop's coupons go back; the platform's once every order is gone
        await stock.give_back_all(c, checkout, shop_id=order.shop_id)
        await coupon_ledger.give_back_all(c, checkout, shop_id=order.shop_id, platform=len(gone) == len(orders))
    for order in orders:
        await refund_if_due(c, checkout, order)


async def refund_if_due(c, checkout: Checkout, order: Order) -> None:
    """Refund what a cancelled order is owed, once (the payment side dedupes on the key)."""
    if order.refund_due <= 0 or order.refund_id or not checkout.payment_id:
        return
    try:
        refund = await payments.refund(
            c.payments,
            c.clock,
            c.settings,
            payment_id=checkout.payment_id,
            amount=order.refund_due,
            reason=order.cancel_reason or "cancelled",
            key=f"order:{order.id}",
        )
    except payments.RefundRefused as exc:
        log.error("order %s: refund of %d refused (%s)", order.number, order.refund_due, exc.reason)
        return
    step = entry(c, Actor.SYSTEM, Action.REFUND, amount=order.refund_due)
    await c.orders.note(order.id, step, {"refund_id": refund.id})
    await c.events.publish(events.ORDER_REFUNDED, whole_refund(order, refund.id))


def whole_refund(order: Order, refund_id: str) -> dict:
    """The order.refunded payload of what is left of an order given back (a cancel): what each line has not had
    back yet (after-sales may have refunded part of it) and the rest of the shipping paid."""
    line_amounts = {n: line.net - order.line_refunded(n)[1] for n, line in enumerate(order.lines)}
    shipping = order.refund_due - sum(line_amounts.values())
    return events.refund_payload(
        order, order.refund_due, refund_id=refund_id, line_amounts=line_amounts, shipping=shipping
    )
