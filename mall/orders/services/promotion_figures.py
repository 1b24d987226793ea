"""What a promotion did, from the orders it discounted (the truth): for the marketers' live dashboard
and the merchants' funding view. Only orders that were paid count (paid, shipped, delivered, completed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from mall.orders.models import OrderStatus

COUNTED = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)


@dataclass
class PromotionFigures:
    orders: int = 0
    checkouts: int = 0  # redemptions: one per checkout that used it
    gmv: int = 0  # what those orders' shoppers paid, shipping included
    discount: int = 0
    platform_funded: int = 0
    merchant_funded: int = 0
    units: int = 0
    top_products: list[tuple[str, dict, int, int]] = field(default_factory=list)  # (id, name, units, discount)
    top_shops: list[tuple[str, int, int]] = field(default_factory=list)  # (shop id, orders, gmv)
    by_hour: list[tuple[object, int, int]] = field(default_factory=list)  # (hour, orders, gmv), oldest first


async def promotion_figures(c, promotion_id: str, *, shop_id: str | None = None, top: int = 5) -> PromotionFigures:
    """Orders whose lines carry an allocation of `promotion_id` (of one shop, when given), added up by the
    database: the dashboard reads a few groups, never the orders."""
    found = await c.orders.promotion_figures(promotion_id, [s.value for s in COUNTED], shop_id=shop_id, top=top)
    totals = (found["totals"] or [{}])[0]
    lines = (found["lines"] or [{}])[0]
    return PromotionFigures(
        orders=totals.get("orders", 0),
        checkouts=totals.get("checkouts", 0),
        gmv=totals.get("gmv", 0),
        discount=lines.get("amount", 0),
        platform_funded=lines.get("platform", 0),
        merchant_funded=lines.get("merchant", 0),
        units=lines.get("qty", 0),
        top_products=[(p["_id"], p["name"], p["qty"], p["amount"]) for p in found["products"]],
        top_shops=[(s["_id"], s["orders"], s["gmv"]) for s in found["shops"]],
        by_hour=[(_hour(h["_id"]), h["orders"], h["gmv"]) for h in found["hours"]],
    )


def _hour(key: str) -> datetime:
    """The database's "YYYY-MM-DDTHH" (UTC) as the hour it names."""
    return datetime.strptime(key, "%Y-%m-%dT%H").replace(tzinfo=UTC)
