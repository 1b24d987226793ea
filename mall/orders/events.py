"""What the orders domain announces on c.events, after the write succeeded.

order.status_changed: order_id, number, shop_id, user_id, status, previous, total
order.realert: the same keys, for a paid order its shop has not acknowledged yet
order.refunded: the same keys, plus amount (minor units), full (the whole order) and lines (the positions of
  the lines refunded: every line when full)
stock.low: shop_id, product_id, variant_id, sku, remaining"""

from __future__ import annotations

ORDER_STATUS_CHANGED = "order.status_changed"
ORDER_REALERT = "order.realert"
ORDER_REFUNDED = "order.refunded"
STOCK_LOW = "stock.low"


def order_payload(order, previous=None) -> dict:
    return {
        "order_id": order.id,
        "number": order.number,
        "shop_id": order.shop_id,
        "user_id": order.user_id,
        "status": str(order.status),
        "previous": str(previous) if previous is not None else None,
        "total": order.total,
    }


def refund_payload(order, amount: int, lines: list[int] | None = None) -> dict:
    full = amount >= order.total
    chosen = list(range(len(order.lines))) if full or lines is None else sorted(set(lines))
    return {**order_payload(order), "amount": amount, "full": full, "lines": chosen}
