"""The order lifecycle: ship, deliver, complete, cancel, expire; and the repair job.

Each transition is ONE conditional update on the order's current status (transitions.apply).
Anything that moves stock or money holds the checkout's lock (stock.py) and ends with
`reconcile`, so a repeat, or the repair job after a crash, finishes what was left."""

from __future__ import annotations

from datetime import timedelta

from mall.infra.ids import is_id
from mall.orders.models import Action, Actor, CheckoutStatus, IllegalTransition, Order, OrderStatus, next_status
from mall.orders.services import stock
from mall.orders.services.checkout import Placed, placed
from mall.orders.services.errors import AfterSalesOpen, Busy, NotFound
from mall.orders.services.payment_events import payment_won, settle_paid
from mall.orders.services.schedule import schedule
from mall.orders.services.transitions import apply, reconcile

REPAIR_AFTER = stock.LEASE * 2


async def _order(c, order_id: str, **owner) -> Order:
    order = await c.orders.get(order_id, **owner) if is_id(order_id) else None
    if order is None:
        raise NotFound()
    return order


# --- shopper -------------------------------------------------------------------------


async def confirm_receipt(c, *, user_id: str, order_id: str) -> Order:
    """The shopper has the parcel: shipped or delivered -> completed."""
    order = await _order(c, order_id, user_id=user_id)
    if order.after_sales_open:
        raise AfterSalesOpen()
    changes = {"completed_at": c.clock.now()}
    try:
        return await apply(c, order, Action.COMPLETE, Actor.SHOPPER, actor_id=user_id, changes=changes)
    except IllegalTransition:
        if (await _order(c, order_id)).after_sales_open:
            raise AfterSalesOpen() from None
        raise


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
        if await payment_won(c, checkout):  # paid a moment ago: it stays paid
            await settle_paid(c, checkout, checkout.payment_id)
            raise IllegalTransition(OrderStatus.PAID, Action.CANCEL)
        changes = {"status": CheckoutStatus.CANCELLED}
        moved = await c.checkouts.transition(checkout.id, (CheckoutStatus.PENDING_PAYMENT,), changes)
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
        refund_due = current.total - current.refunded if current.status is OrderStatus.PAID else 0
        changes = {"cancel_reason": reason, "refund_due": refund_due}
        cancelled = await apply(c, current, Action.CANCEL, actor, actor_id=actor_id, detail=reason, changes=changes)
        due = c.clock.now() + REPAIR_AFTER  # the safety net, scheduled before the side effects
        await schedule(c, "reconcile_checkout", due, f"reconcile:{order.id}", checkout_id=checkout.id)
        await reconcile(c, checkout)
    return await _order(c, cancelled.id)


# --- system: jobs and repairs ---------------------------------------------------------------


async def auto_complete_order(c, order_id: str) -> bool:
    """The auto-complete job: N days after shipping, complete it. A no-op when already moved or not yet due, and
    while an after-sales case is open (releasing the last one calls this again)."""
    order = await c.orders.get(order_id) if is_id(order_id) else None
    if order is None or order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) or not order.shipped_at:
        return False
    if c.clock.now() < order.shipped_at + timedelta(days=c.settings.auto_complete_days) or order.after_sales_open:
        return False
    try:
        await apply(c, order, Action.COMPLETE, Actor.SYSTEM, changes={"completed_at": c.clock.now()})
    except IllegalTransition:
        return False
    return True


async def expire_checkout(c, checkout_id: str) -> bool:
    """The expiry job: an unpaid checkout past its time gives its stock back (orders -> expired).

    The payment is called off first (one conditional update on the payment side): if it was
    paid in the meantime, the checkout is paid instead. Also repairs a checkout abandoned
    mid-way. Safe to run twice, or on several workers."""
    async with stock.locked(c, checkout_id) as checkout:
        if checkout is None:
            return False
        live = (CheckoutStatus.RESERVING, CheckoutStatus.PENDING_PAYMENT)
        due = checkout.status in live and c.clock.now() >= checkout.expires_at
        if due and await payment_won(c, checkout):
            checkout, due = await settle_paid(c, checkout, checkout.payment_id), False
        elif due:
            checkout = await c.checkouts.transition(checkout.id, live, {"status": CheckoutStatus.EXPIRED})
        await reconcile(c, checkout)
        return due


async def sweep_overdue_checkouts(c, limit: int = 200) -> int:
    """The safety net behind the per-checkout expiry jobs (lost if Redis was down when the
    checkout was placed): expire every unpaid checkout past its time. Returns how many."""
    expired = 0
    for checkout_id in await c.checkouts.overdue(c.clock.now(), limit):
        try:
            expired += await expire_checkout(c, checkout_id)
        except Busy:
            continue  # someone holds it right now; the next sweep (or its own job) finishes it
    return expired


async def reconcile_checkout(c, checkout_id: str) -> None:
    """The repair job: whatever a crash left half-done on this checkout is finished."""
    async with stock.locked(c, checkout_id) as checkout:
        if checkout is not None:
            await reconcile(c, checkout)
