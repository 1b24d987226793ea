"""New-order alerts for merchants: announced when an order is paid, repeated every
`order_alert_repeat_minutes` until the shop acknowledges it (or it moves on)."""

from __future__ import annotations

from datetime import timedelta

from mall.orders import events
from mall.orders.models import Order, OrderStatus
from mall.orders.services.schedule import schedule
from mall.shops import services as shops

MAX_REPEATS = 12


async def announce_transition(c, order: Order, previous: OrderStatus) -> None:
    """Publish the change; a newly paid order also starts its repeat-alert timer."""
    await c.events.publish(events.ORDER_STATUS_CHANGED, events.order_payload(order, previous))
    if order.status is OrderStatus.PAID:
        await _schedule_realert(c, order.id, 1)


async def _schedule_realert(c, order_id: str, round_: int) -> None:
    when = c.clock.now() + timedelta(minutes=c.settings.order_alert_repeat_minutes)
    await schedule(c, "realert_order", when, f"realert:{order_id}:{round_}", order_id=order_id, round=round_)


async def realert(c, order_id: str, round_: int = 1) -> bool:
    """Alert the shop again about a paid, unacknowledged order; True when it did."""
    order = await c.orders.get(order_id)
    if order is None or order.status is not OrderStatus.PAID or await c.orders.acknowledged(order_id):
        return False
    await c.events.publish(events.ORDER_REALERT, events.order_payload(order))
    if round_ < MAX_REPEATS:
        await _schedule_realert(c, order_id, round_ + 1)
    return True


async def acknowledge(c, *, shop_id: str, order_id: str, user_id: str) -> bool:
    """The shop has seen the order: no more alerts. False when not its order or already done."""
    return await c.orders.acknowledge(order_id, shop_id=shop_id, at=c.clock.now(), by=user_id)


async def unacknowledged(c, *, shop_id: str) -> list[Order]:
    return await c.orders.unacknowledged(shop_id)


async def report_low_stock(c, product_id: str, variant_id: str) -> None:
    """After units were taken: tell the shop when the SKU fell under its threshold."""
    from mall.catalog import services as catalog

    found = await catalog.variant_stock(c.products, product_id, variant_id)
    if found is None:
        return
    shop_id, sku, remaining = found
    shop = await shops.get_shop(c.shops, shop_id)
    threshold = shop.low_stock_threshold if shop and shop.low_stock_threshold is not None else None
    if remaining < (c.settings.low_stock_threshold if threshold is None else threshold):
        await c.events.publish(
            events.STOCK_LOW,
            {
                "shop_id": shop_id,
                "product_id": product_id,
                "variant_id": variant_id,
                "sku": sku,
                "remaining": remaining,
            },
        )
