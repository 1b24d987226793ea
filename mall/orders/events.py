"""What the orders domain announces on c.events, after the write succeeded.

order.status_changed: order_id, number, shop_id, user_id, status, previous, total
order.realert: the same keys, for a paid order its shop has not acknowledged yet
order.refunded: the same keys and amount, full, lines, refund_id, line_amounts, shipping (refund_payload)
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


def refund_payload(order, amount: int, lines=None, *, refund_id=None, line_amounts=None, shipping: int = 0) -> dict:
    """Money given back on `order` (settlement reverses what it earned from this): `amount` in all, of which
    `line_amounts` {"<position>": minor units of that line's net} and `shipping`; `lines` the positions refunded
    (every line when the refund is full or none are named). `refund_id` is unique per refund (payments' refund id)."""
    full = amount >= order.total
    positions = list(range(len(order.lines))) if full or lines is None else sorted(set(lines))
    return {
        **order_payload(order),
        "amount": amount,
        "full": full,
        "lines": positions,
        "refund_id": refund_id,
        "line_amounts": {str(k): int(v) for k, v in (line_amounts or {}).items()},
        "shipping": shipping,
    }
