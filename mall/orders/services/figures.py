"""What other areas read about a shop's orders (the reputation's health score) and what has sold (the
reviews domain's sold counts): figures from the orders themselves, never a copy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from mall.orders.models import OrderStatus, ship_by, shipped_late

COUNTED = {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED}


@dataclass(frozen=True)
class FulfilmentFigures:
    """A shop's orders paid since a moment: how many, how many the shop cancelled, how many were due to
    ship by now (`due`: shipped, or unshipped past the deadline) and how many of those went late."""

    paid: int
    cancelled_by_shop: int
    due: int
    late: int


async def fulfilment_figures(c, *, shop_id: str, since: datetime) -> FulfilmentFigures:
    now, hours = c.clock.now(), c.settings.ship_by_hours
    paid = cancelled = due = late = 0
    for order in await c.orders.paid_since(shop_id, since):
        paid += 1
        if order.status is OrderStatus.CANCELLED:
            cancelled += any(e.action == "cancel" and e.actor == "merchant" for e in order.timeline)
            continue
        deadline = ship_by(order, hours)
        if order.shipped_at is not None or (deadline is not None and now > deadline):
            due += 1
            late += shipped_late(order, hours, now)
    return FulfilmentFigures(paid=paid, cancelled_by_shop=cancelled, due=due, late=late)


@dataclass(frozen=True)
class SaleRecord:
    """An order that was paid: whether its units count as sold now (not cancelled), and its lines."""

    order_id: str
    shop_id: str
    counted: bool
    lines: list[tuple[str, int]]  # (product id, qty) by position


async def sale_records(c) -> AsyncIterator[SaleRecord]:
    async for order in c.orders.ever_paid():
        yield SaleRecord(
            order_id=order.id,
            shop_id=order.shop_id,
            counted=order.status in COUNTED,
            lines=[(line.product_id, line.qty) for line in order.lines],
        )
