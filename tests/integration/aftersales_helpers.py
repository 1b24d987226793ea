"""Shared steps for the after-sales tests: a paid order of two lines, shipped and delivered through the real
orders services, and cases opened through the real after-sales service."""

from __future__ import annotations

from dataclasses import dataclass

from mall.aftersales import services as aftersales
from mall.aftersales.models import Kind, Reason
from mall.orders import services as orders


@dataclass
class World:
    shopper: object
    merchant: object
    shop: object
    tea: object  # line 0: 3 units at 300.00
    cup: object  # line 1: 2 units at 200.00
    order: object


async def two_line_order(factory, *, category: str = "tea", shipped: bool = False, delivered: bool = False) -> World:
    """One paid order: 3 x 300.00 tea + 2 x 200.00 cups, shipping 60.00 (total 1,360.00)."""
    shop = await factory.shop(category=category)
    merchant = await factory.owner_of(shop)
    tea = await factory.stocked_product(shop=shop, price=30000, stock=10, name="Oolong")
    cup = await factory.stocked_product(shop=shop, price=20000, stock=10, name="Cup")
    shopper = await factory.user()
    await orders.save_template(factory.c.shipping, factory.c.clock, shop_id=shop.id, flat_fee=6000, free_over=None,
                               region_fees={})  # fmt: skip
    placed = await factory.paid_checkout(shopper, (tea, 3), (cup, 2))
    order = placed.orders[0]
    world = World(shopper, merchant, shop, tea, cup, order)
    if shipped or delivered:
        await ship(factory.c, world)
    if delivered:
        await orders.mark_delivered(factory.c, shop_id=shop.id, order_id=order.id, actor_id=merchant.id)
    world.order = await factory.c.orders.get(order.id)
    return world


async def ship(c, world: World) -> None:
    await orders.ship_order(c, shop_id=world.shop.id, order_id=world.order.id, actor_id=world.merchant.id,
                            carrier="Black Cat", tracking_number="TW-123456")  # fmt: skip


async def request(c, world: World, *, line=0, kind=Kind.RETURN_AND_REFUND, reason=Reason.DAMAGED, qty=1, amount=None,
                  note="Arrived broken", photo_ids=None):  # fmt: skip
    if amount is None:
        order = await c.orders.get(world.order.id)
        amount = (await aftersales.quote(c, order, line)).max_for(qty, order)
    return await aftersales.request_case(
        c, user_id=world.shopper.id, order_id=world.order.id, line_id=line, kind=kind, reason=reason, qty=qty,
        amount=amount, note=note, photo_ids=photo_ids or [],
    )  # fmt: skip


async def refunded_amount(c, world: World) -> int:
    from mall.payments import services as payments

    checkout = await c.checkouts.get(world.order.checkout_id)
    return (await payments.get_payment(c.payments, checkout.payment_id)).refunded_amount
