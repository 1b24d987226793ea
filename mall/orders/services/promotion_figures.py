"""What a promotion did, from the orders it discounted (the truth): for the marketers' live dashboard
and the merchants' funding view. Only orders that were paid count (paid, shipped, delivered, completed)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

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
    """Orders whose lines carry an allocation of `promotion_id` (of one shop, when given)."""
    figures = PromotionFigures()
    checkouts = set()
    products: Counter = Counter()
    saved: Counter = Counter()
    names: dict[str, dict] = {}
    shops: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    hours: dict = defaultdict(lambda: [0, 0])
    for order in await c.orders.with_promotion(promotion_id, [s.value for s in COUNTED], shop_id=shop_id):
        figures.orders += 1
        figures.gmv += order.total
        checkouts.add(order.checkout_id)
        shops[order.shop_id][0] += 1
        shops[order.shop_id][1] += order.total
        hour = (order.paid_at or order.created_at).replace(minute=0, second=0, microsecond=0)
        hours[hour][0] += 1
        hours[hour][1] += order.total
        for line in order.lines:
            mine = [a for a in line.allocations if a["promotion_id"] == promotion_id]
            if not mine:
                continue
            figures.units += line.qty
            products[line.product_id] += line.qty
            names[line.product_id] = line.name
            for allocation in mine:
                figures.discount += allocation["amount"]
                figures.platform_funded += allocation["platform_funded"]
                figures.merchant_funded += allocation["merchant_funded"]
                saved[line.product_id] += allocation["amount"]
    figures.checkouts = len(checkouts)
    figures.top_products = [(pid, names[pid], units, saved[pid]) for pid, units in products.most_common(top)]
    ranked = sorted(shops.items(), key=lambda item: (-item[1][1], item[0]))[:top]
    figures.top_shops = [(sid, n, gmv) for sid, (n, gmv) in ranked]
    figures.by_hour = [(hour, n, gmv) for hour, (n, gmv) in sorted(hours.items())]
    return figures
