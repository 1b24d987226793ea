"""What other areas read about a shop's orders (the reputation's health score) and what has sold (the
reviews domain's sold counts): figures from the orders themselves, never a copy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from mall.orders.models import OrderStatus

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
    """Counted by the database: the health score reads four numbers, not the shop's orders."""
    counts = await c.orders.fulfilment_counts(shop_id, since, c.clock.now(), c.settings.ship_by_hours)
    return FulfilmentFigures(**counts)


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
