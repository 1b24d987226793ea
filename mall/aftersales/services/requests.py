"""A shopper's request (售後申請) about one order line, and what a line may still ask for.

Never more than was paid: the amount asked is capped by the line's allocation (what the shopper paid for those
units, less what was refunded before); the order's shipping only when the whole order is refunded before it
shipped. One open request per line (a unique index), and the order waits for it before completing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from mall.aftersales.models import (
    Action,
    Actor,
    Case,
    Kind,
    Reason,
    Status,
    allowed_reasons,
    deadline_of,
    max_refund,
    no_reason_allowed,
)
from mall.aftersales.repository import LineBusy
from mall.aftersales.services.common import MAX_NOTE, MAX_PHOTOS, Refused, after_move, step
from mall.infra.ids import new_id
from mall.orders import services as orders
from mall.orders.models import Order, OrderStatus
from mall.shops import services as shops

SHIPPED = (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)


@dataclass(frozen=True)
class LineQuote:
    """What one line may still ask for: units left, the most for them all, the shipping that may come along."""

    line: int
    units_left: int
    max_amount: int  # for every unit left (shipping included when it may be)
    shipping: int  # the order's shipping, refundable with the last units before shipping
    kinds: tuple[Kind, ...]
    reasons: dict[Kind, tuple[Reason, ...]]
    no_reason: bool  # 七天無理由 may be chosen now
    open_case: Case | None = None
    window_closed: bool = False

    def max_for(self, qty: int, order: Order) -> int:
        done_units, done_amount = order.line_refunded(self.line)
        line = order.lines[self.line]
        most = max_refund(line.qty, line.net, done_units, done_amount, qty)
        return most + (self.shipping if qty == self.units_left and self.shipping else 0)


def delivered_at(order: Order):
    """When the parcel arrived: the shop's 'delivered', else the completion (None while in transit)."""
    delivered = next((e.at for e in order.timeline if e.action == "deliver"), None)
    return delivered or order.completed_at


async def quote(c, order: Order, line: int, *, cases: list[Case] | None = None) -> LineQuote:
    shipped = order.status in SHIPPED
    now = c.clock.now()
    cases = cases if cases is not None else await c.cases.of_order(order.id)
    open_case = next((x for x in cases if x.line == line and x.is_open), None)
    done_units, _done = order.line_refunded(line)
    left = order.lines[line].qty - done_units
    pre_ship = order.status is OrderStatus.PAID
    shipping = order.shipping_paid - order.shipping_refunded if pre_ship else 0
    if not (pre_ship and order.every_unit_refunded_after({line: left})):
        shipping = 0
    window = order.status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED) or (
        order.status is OrderStatus.COMPLETED
        and order.completed_at is not None
        and now <= order.completed_at + timedelta(days=c.settings.after_sales_days)
    )
    no_reason = not shipped or await _no_reason_now(c, order)
    reasons = {}
    for kind in Kind:
        allowed = tuple(r for r in allowed_reasons(kind, shipped) if r is not Reason.NO_REASON or no_reason)
        if allowed:
            reasons[kind] = allowed
    most = max_refund(order.lines[line].qty, order.lines[line].net, done_units, _done, left) + shipping if left else 0
    return LineQuote(
        line=line, units_left=left, max_amount=most, shipping=shipping, kinds=tuple(reasons), reasons=reasons,
        no_reason=no_reason, open_case=open_case, window_closed=not window,
    )  # fmt: skip


async def _no_reason_now(c, order: Order) -> bool:
    shop = await shops.get_shop(c.shops, order.shop_id)
    if shop is None or not no_reason_allowed(shop.category, c.settings.no_reason_excluded_categories):
        return False
    arrived = delivered_at(order)
    return arrived is None or c.clock.now() <= arrived + timedelta(days=c.settings.no_reason_return_days)


async def request_case(
    c,
    *,
    user_id: str,
    order_id: str,
    line_id: int,
    kind: Kind,
    reason: Reason,
    qty: int,
    amount: int,
    note: str = "",
    photo_ids: list[str] | None = None,
) -> Case:
    """Open a case for the shopper's own order line. Refused(code, field) when it does not fit; CaseNotFound-like
    orders.NotFound for an order that is not theirs."""
    order = await orders.shopper_order(c, user_id=user_id, order_id=order_id)
    if not 0 <= line_id < len(order.lines):
        raise Refused("no_such_line", "line_id")
    if order.status not in (OrderStatus.PAID, *SHIPPED):
        raise Refused("order_not_open")
    found = await quote(c, order, line_id)
    if found.open_case is not None:
        raise Refused("line_busy", "line_id")
    if found.window_closed:
        raise Refused("window_closed")
    if kind not in found.reasons:
        raise Refused("kind_not_allowed", "kind")
    if reason not in found.reasons[kind]:
        raise Refused("no_reason_not_allowed" if reason is Reason.NO_REASON else "reason_not_allowed", "reason")
    if not 1 <= qty <= found.units_left:
        raise Refused("qty", "qty")
    most = found.max_for(qty, order)
    if not 1 <= amount <= most:
        raise Refused("amount", "amount")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise Refused("note", "note")
    photos = list(dict.fromkeys(photo_ids or []))
    if len(photos) > MAX_PHOTOS or (photos and await c.cases.own_photos(user_id, photos) != set(photos)):
        raise Refused("photos", "photo_ids")
    line_most = max_refund(order.lines[line_id].qty, order.lines[line_id].net, *order.line_refunded(line_id), qty)
    shipping = max(0, amount - line_most) if qty == found.units_left else 0
    now = c.clock.now()
    pre_ship = order.status is OrderStatus.PAID
    line = order.lines[line_id]
    case = Case(
        id=new_id(), number=await _number(c, order, line_id), order_id=order.id, order_number=order.number,
        shop_id=order.shop_id, user_id=user_id, line=line_id, product_id=line.product_id, variant_id=line.variant_id,
        line_name=dict(line.name), kind=kind, reason=reason, qty=qty, amount=amount, shipping=shipping, note=note,
        photos=photos, status=Status.REQUESTED, pre_ship=pre_ship, flash_sale=bool(line.flash_sale_id),
        created_at=now, updated_at=now, due_at=deadline_of(Status.REQUESTED, kind, pre_ship, now, c.settings),
        timeline=[step(c, Actor.SHOPPER, Action.REQUEST, actor_id=user_id, note=note, amount=amount, photos=photos)],
    )  # fmt: skip
    try:
        await c.cases.add(case)
    except LineBusy:
        raise Refused("line_busy", "line_id") from None
    await orders.hold_for_case(c, order_id=order.id, case_id=case.id)
    return await after_move(c, case, None, Action.REQUEST, Actor.SHOPPER)


async def _number(c, order: Order, line: int) -> str:
    """The order's number, the line and how many requests it had: C20261124-7K3QZ-1-L2-1."""
    earlier = await c.cases.count({"order_id": order.id, "line": line})
    return f"{order.number}-L{line + 1}-{earlier + 1}"
