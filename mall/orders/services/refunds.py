"""Refunds of order lines (after-sales) and the holds that keep an order open while a case is.

The orders side owns what an order paid, so it owns the caps: `refund_lines` runs under the checkout's lock (the
same lock a cancel takes), checks per line (units and amount) and per order (total) against what was already
refunded, asks payments for the refund under the caller's key, then records it on the order once per key. So a
double click, a retry, two workers or a cancel racing a case can never refund more than was paid, and a crash
between the payment and the record is finished by calling again with the same key (payments count it once)."""

from __future__ import annotations

from dataclasses import dataclass

from mall.infra.ids import is_id
from mall.orders import events
from mall.orders.models import Action, Actor, Order, OrderStatus, Reason
from mall.orders.services import stock
from mall.orders.services.errors import NotFound, NotRefundable
from mall.orders.services.lifecycle import auto_complete_order
from mall.orders.services.schedule import entry
from mall.orders.services.transitions import apply, reconcile
from mall.payments import services as payments

REFUNDABLE = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)
HOLDABLE = [OrderStatus.PAID.value, OrderStatus.SHIPPED.value, OrderStatus.DELIVERED.value]


@dataclass(frozen=True)
class LineRefund:
    """One refund recorded on an order: what it gave back per line (position -> minor units / units)."""

    key: str
    amount: int
    lines: dict[int, int]
    units: dict[int, int]
    shipping: int
    refund_id: str
    at: object

    @classmethod
    def of(cls, record: dict) -> LineRefund:
        return cls(
            key=record["key"],
            amount=record["amount"],
            lines={int(n): a for n, a in record.get("lines", {}).items()},
            units={int(n): q for n, q in record.get("units", {}).items()},
            shipping=record.get("shipping", 0),
            refund_id=record.get("refund_id", ""),
            at=record.get("at"),
        )


def check_refund(order: Order, lines: dict[int, tuple[int, int]], shipping: int) -> None:
    """NotRefundable unless these (line -> (units, amount)) and `shipping` fit in what is left to refund."""
    if order.status not in REFUNDABLE:
        raise NotRefundable("order_closed")
    if not lines and not shipping:
        raise NotRefundable("nothing")
    for n, (units, amount) in lines.items():
        if not 0 <= n < len(order.lines) or units < 0 or amount < 0:
            raise NotRefundable("no_such_line")
        done_units, done_amount = order.line_refunded(n)
        if done_units + units > order.lines[n].qty:
            raise NotRefundable("too_many_units")
        if done_amount + amount > order.lines[n].net:
            raise NotRefundable("over_line")
    if shipping:
        whole = order.every_unit_refunded_after({n: units for n, (units, _a) in lines.items()})
        if (
            order.status is not OrderStatus.PAID
            or not whole
            or order.shipping_refunded + shipping > order.shipping_paid
        ):
            raise NotRefundable("shipping_not_refundable")
    if order.refunded + sum(a for _u, a in lines.values()) + shipping > order.total:
        raise NotRefundable("over_order")


async def refund_lines(
    c,
    *,
    order_id: str,
    key: str,
    lines: dict[int, tuple[int, int]],
    shipping: int = 0,
    reason: str = "",
    case_id: str | None = None,
) -> LineRefund:
    """Refund `lines` ({position: (units, amount)}) and `shipping` of the order through its payment, keyed by `key`.

    The same key again returns the refund already recorded. A paid order whose every unit is now refunded (before
    shipping) is cancelled without a further refund: its stock goes back, and its coupons (the platform's once
    every order of the checkout is gone). Publishes order.refunded (with what went back per line, the shipping and
    the after-sales `case_id` it came from). NotRefundable(reason) when it does not fit."""
    order = await c.orders.get(order_id) if is_id(order_id) else None
    if order is None:
        raise NotFound()
    async with stock.locked(c, order.checkout_id) as checkout:
        order = await c.orders.get(order_id)
        done = next((r for r in order.refunds if r["key"] == key), None)
        if done is not None:
            return LineRefund.of(done)
        check_refund(order, lines, shipping)
        amount = sum(a for _u, a in lines.values()) + shipping
        try:
            refund = await payments.refund(
                c.payments, c.clock, c.settings, payment_id=checkout.payment_id or "", amount=amount,
                reason=reason or "after-sales", key=key,
            )  # fmt: skip
        except payments.RefundRefused as exc:
            raise NotRefundable(exc.reason) from None
        record = {
            "key": key,
            "amount": amount,
            "lines": {str(n): a for n, (_u, a) in lines.items()},
            "units": {str(n): u for n, (u, _a) in lines.items()},
            "shipping": shipping,
            "refund_id": refund.id,
            "at": c.clock.now(),
        }
        step = entry(c, Actor.SYSTEM, Action.REFUND, amount=amount, detail=reason[:200])
        moved = await c.orders.record_refund(order.id, record, step)
        if moved is None:  # recorded meanwhile under the same key (we hold the lock, so only after a lost lease)
            moved = await c.orders.get(order.id)
        else:
            per_line = {n: a for n, (_u, a) in lines.items()}
            payload = events.refund_payload(
                moved, amount, sorted(lines), refund_id=refund.id, line_amounts=per_line, shipping=shipping
            )
            await c.events.publish(events.ORDER_REFUNDED, {**payload, "case_id": case_id})
        if moved.status is OrderStatus.PAID and moved.every_unit_refunded_after({}):
            changes = {"cancel_reason": reason or "refunded", "refund_due": 0}
            await apply(c, moved, Action.CANCEL, Actor.SYSTEM, changes=changes, code=Reason.REFUNDED_IN_FULL)
            await reconcile(c, await c.checkouts.get(checkout.id))
        return LineRefund.of(record)


async def refunds_of(c, order_id: str) -> list[LineRefund]:
    order = await c.orders.get(order_id) if is_id(order_id) else None
    return [LineRefund.of(r) for r in order.refunds] if order else []


async def hold_for_case(c, *, order_id: str, case_id: str) -> bool:
    """The order may not complete while the case is open. False when it is not open (completed or cancelled)."""
    return await c.orders.hold(order_id, case_id, c.clock.now(), HOLDABLE)


async def release_case(c, *, order_id: str, case_id: str) -> None:
    """The case is over: the order may complete again, at once when its auto-complete time has passed."""
    await c.orders.release(order_id, case_id)
    await auto_complete_order(c, order_id)


async def holds_before(c, before) -> list[tuple[str, str]]:
    return await c.orders.holds_before(before)


async def orders_paid_since(c, *, shop_id: str, since) -> int:
    """How many of the shop's orders were paid since `since` (the denominator of its after-sales figures)."""
    return await c.orders.count_paid_since(shop_id, since)
