"""The order lifecycle: ship, deliver, complete, cancel, expire; and repairs.

Each transition is ONE conditional update on the order's current status with
its timeline entry, so two workers cannot both apply it (the loser gets
IllegalTransition). Anything that moves stock or money holds the checkout's lock
(stock.py); `reconcile` makes stock, orders and refunds agree with the statuses
again after a crash, and is what the repair jobs run."""

from __future__ import annotations

import logging
from datetime import timedelta

from mall.infra.ids import is_id
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
from mall.orders.services import stock
from mall.orders.services.checkout import Placed, placed
from mall.orders.services.errors import Busy, NotFound
from mall.orders.services.schedule import entry, schedule
from mall.payments import services as payments

log = logging.getLogger("mall.orders")
REPAIR_AFTER = stock.LEASE * 2
UNPAID = (CheckoutStatus.EXPIRED, CheckoutStatus.CANCELLED, CheckoutStatus.FAILED)
WAITING = (OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED)  # orders that follow their checkout


async def apply(
    c, order: Order, action: Action, actor: Actor, *, actor_id=None, detail="", changes=None, code=None
) -> Order:
    """Move `order` by `action`; IllegalTransition if the table forbids it or someone moved it first."""
    target = next_status(order.status, action, actor)
    step = entry(c, actor, action, detail=detail, actor_id=actor_id, code=code)
    moved = await c.orders.transition(order.id, order.status, target, step, changes or {})
    if moved is None:
        current = await c.orders.get(order.id)
        raise IllegalTransition(current.status if current else order.status, action)
    return moved


async def _order(c, order_id: str, **owner) -> Order:
    order = await c.orders.get(order_id, **owner) if is_id(order_id) else None
    if order is None:
        raise NotFound()
    return order


# --- shopper -------------------------------------------------------------------------


async def confirm_receipt(c, *, user_id: str, order_id: str) -> Order:
    """The shopper has the parcel: shipped or delivered -> completed."""
    order = await _order(c, order_id, user_id=user_id)
    changes = {"completed_at": c.clock.now()}
    return await apply(c, order, Action.COMPLETE, Actor.SHOPPER, actor_id=user_id, changes=changes)


async def cancel_by_shopper(c, *, user_id: str, order_id: str, reason: str = "") -> Order:
    """Before shipping. An unpaid order cancels its whole checkout (one payment covers every order of it)."""
    order = await _order(c, order_id, user_id=user_id)
    if order.status is OrderStatus.PENDING_PAYMENT:
        await cancel_checkout(c, user_id=user_id, checkout_id=order.checkout_id)
        return await _order(c, order_id)
    return await _cancel(c, order, Actor.SHOPPER, user_id, reason)


async def cancel_checkout(c, *, user_id: str, checkout_id: str) -> Placed:
    """Call off an unpaid checkout: every order cancelled, every unit back on the shelf."""
    async with stock.locked(c, checkout_id) as checkout:
        if checkout is None or checkout.user_id != user_id or checkout.status is CheckoutStatus.FAILED:
            raise NotFound()
        if checkout.status is CheckoutStatus.RESERVING:
            raise Busy()
        if checkout.status is not CheckoutStatus.PENDING_PAYMENT:
            raise IllegalTransition(OrderStatus(checkout.status.value), Action.CANCEL)
        moved = await c.checkouts.transition(
            checkout.id, (CheckoutStatus.PENDING_PAYMENT,), {"status": CheckoutStatus.CANCELLED}
        )
        await reconcile(c, moved, actor=Actor.SHOPPER, actor_id=user_id)
        return await placed(c, moved)


# --- merchant (always within the merchant's own shop, from the session) -----------------


async def ship_order(c, *, shop_id: str, order_id: str, actor_id: str, carrier: str, tracking_number: str) -> Order:
    order = await _order(c, order_id, shop_id=shop_id)
    now = c.clock.now()
    changes = {"carrier": carrier, "tracking_number": tracking_number, "shipped_at": now}
    detail = f"{carrier} {tracking_number}"
    shipped = await apply(c, order, Action.SHIP, Actor.MERCHANT, actor_id=actor_id, detail=detail, changes=changes)
    due = now + timedelta(days=c.settings.auto_complete_days)
    await schedule(c, "auto_complete_order", due, f"complete:{order.id}", order_id=order.id)
    return shipped


async def mark_delivered(c, *, shop_id: str, order_id: str, actor_id: str) -> Order:
    order = await _order(c, order_id, shop_id=shop_id)
    return await apply(c, order, Action.DELIVER, Actor.MERCHANT, actor_id=actor_id)


async def cancel_by_merchant(c, *, shop_id: str, order_id: str, actor_id: str, reason: str) -> Order:
    """A paid order the shop cannot fulfil: stock back, the shopper refunded."""
    order = await _order(c, order_id, shop_id=shop_id)
    return await _cancel(c, order, Actor.MERCHANT, actor_id, reason)


async def _cancel(c, order: Order, actor: Actor, actor_id: str, reason: str) -> Order:
    next_status(order.status, Action.CANCEL, actor)  # refuse early, before waiting for the lock
    async with stock.locked(c, order.checkout_id) as checkout:
        current = await _order(c, order.id)
        refund_due = current.total if current.status is OrderStatus.PAID else 0
        changes = {"cancel_reason": reason, "refund_due": refund_due}
        cancelled = await apply(c, current, Action.CANCEL, actor, actor_id=actor_id, detail=reason, changes=changes)
        due = c.clock.now() + REPAIR_AFTER  # the safety net, scheduled before the side effects
        await schedule(c, "reconcile_checkout", due, f"reconcile:{order.id}", checkout_id=checkout.id)
        await reconcile(c, checkout)
    return await _order(c, cancelled.id)


# --- system: jobs and repairs ---------------------------------------------------------------


async def auto_complete_order(c, order_id: str) -> bool:
    """The auto-complete job: N days after shipping, complete it. A no-op when already moved or not yet due."""
    order = await c.orders.get(order_id) if is_id(order_id) else None
    if order is None or order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) or not order.shipped_at:
        return False
    if c.clock.now() < order.shipped_at + timedelta(days=c.settings.auto_complete_days):
        return False
    try:
        await apply(c, order, Action.COMPLETE, Actor.SYSTEM, changes={"completed_at": c.clock.now()})
    except IllegalTransition:
        return False
    return True


async def expire_checkout(c, checkout_id: str) -> bool:
    """The expiry job: an unpaid checkout past its time gives its stock back (orders -> expired).

    Also repairs a checkout abandoned mid-way. Safe to run twice, or on several workers."""
    async with stock.locked(c, checkout_id) as checkout:
        if checkout is None:
            return False
        live = (CheckoutStatus.RESERVING, CheckoutStatus.PENDING_PAYMENT)
        due = checkout.status in live and c.clock.now() >= checkout.expires_at
        if due:
            checkout = await c.checkouts.transition(checkout.id, live, {"status": CheckoutStatus.EXPIRED})
        await reconcile(c, checkout)
        return due


async def reconcile_checkout(c, checkout_id: str) -> None:
    """The repair job: whatever a crash left half-done on this checkout is finished."""
    async with stock.locked(c, checkout_id) as checkout:
        if checkout is not None:
            await reconcile(c, checkout)


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
    for order in await c.orders.of_checkout(checkout.id):
        if follow and (order.status, follow) in TRANSITIONS and order.status in WAITING:
            who = actor if follow is Action.CANCEL else Actor.SYSTEM
            changes = {"paid_at": checkout.paid_at} if follow is Action.PAY else {}
            order = await apply(c, order, follow, who, actor_id=actor_id, changes=changes, code=code)
        if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
            await stock.give_back_all(c, checkout, shop_id=order.shop_id)
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
