"""Flash sales for tests, made through the real services, and payments as a provider would send them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from mall.flash_sales import services as flash
from mall.orders import services as orders
from mall.payments import services as payments
from tests.integration.payments_helpers import signed_event


async def make_sale(c, factory, *, stock=200, quantity=100, limit=1, starts_in=0, lasts=3600, price=9900, shop=None):
    """A merchant's sale of a fresh product (normal price 450.00) starting `starts_in` seconds from now."""
    product = await factory.product(shop_id=shop.id if shop else None, variants=[{"stock": stock}])
    now = c.clock.now()
    return await flash.create_sale(
        c,
        actor_id="merchant",
        product_id=product.id,
        variant_id=product.variants[0].id,
        price=price,
        quantity=quantity,
        per_user_limit=limit,
        starts_at=now + timedelta(seconds=starts_in),
        ends_at=now + timedelta(seconds=starts_in + lasts),
        shop_id=product.shop_id,
    )


async def sku_stock(c, sale) -> int:
    from mall.catalog import services as catalog

    return (await catalog.variant_stock(c.products, sale.product_id, sale.variant_id))[2]


async def reserve(c, sale, user_id: str, qty: int = 1, ip: str = "10.0.0.1"):
    return await flash.reserve(c, sale.id, user_id, qty, ip=ip)


async def next_tick_window(c, sale) -> None:
    """Wait until the sale's live-push window (250 ms, kept by Redis's own clock, not the app's) has closed."""
    tick = c.flash_store.keys(sale.id)[-1]
    for _ in range(500):
        if not await c.redis.exists(tick):
            return
        await asyncio.sleep(0.01)  # polling the condition, bounded: 5 s
    raise AssertionError(f"{tick} never expired")


async def pay_late(c, checkout_id: str):
    """The provider reports a payment that succeeded (whatever our side did meanwhile), verified as usual."""
    checkout = await c.checkouts.get(checkout_id)
    payment = await payments.get_payment(c.payments, checkout.payment_id)
    raw, headers = signed_event(c, payment)
    receipt = await payments.receive_webhook(
        c.payments, c.clock, c.settings, provider="sandbox", raw_body=raw, headers=headers
    )
    await orders.on_payment_succeeded(c, checkout_id=checkout.id, payment_id=payment.id, event_id=receipt.event.id)
    await payments.mark_event_handled(c.payments, c.clock, event_id=receipt.event.id)
    return await c.checkouts.get(checkout_id)


def loosen_rate_limits(c) -> None:
    """Concurrency tests hit one sale from one process: not what the rate limits are about."""
    c.settings = c.settings.replace(flash_user_rate_limit=10**6, flash_ip_rate_limit=10**6)
