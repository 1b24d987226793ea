"""Checkout: stock taken once per line, put back when a later line is short, one checkout per key."""

from __future__ import annotations

import pytest

from mall.orders import services as orders
from mall.orders.models import CheckoutStatus, OrderStatus


async def test_a_checkout_takes_the_stock_and_opens_one_order_per_shop(factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(price=45000, stock=5)
    cups = await factory.stocked_product(price=30000, stock=3)

    placed = await factory.checkout(shopper, (tea, 2), (cups, 1))

    assert placed.checkout.status is CheckoutStatus.PENDING_PAYMENT
    assert placed.checkout.number.startswith("C20261124-")
    assert [o.status for o in placed.orders] == [OrderStatus.PENDING_PAYMENT] * 2
    assert {o.shop_id for o in placed.orders} == {tea.shop_id, cups.shop_id}
    assert await factory.variant_stock(tea) == 3
    assert await factory.variant_stock(cups) == 2
    by_shop = {o.shop_id: o for o in placed.orders}
    assert by_shop[tea.shop_id].subtotal == 90000 and by_shop[tea.shop_id].shipping_fee == 6000
    assert by_shop[cups.shop_id].total == 30000 + 6000
    assert placed.checkout.total == 90000 + 6000 + 36000
    assert placed.checkout.payment_id and placed.checkout.payment_url
    assert await container.carts.for_user(shopper.id).lines() == []


async def test_a_short_second_line_puts_the_first_back_and_names_the_item(factory, container):
    shopper = await factory.user()
    plenty = await factory.stocked_product(stock=5)
    scarce = await factory.stocked_product(stock=3, name="Rare oolong")
    await factory.cart_with(shopper, (plenty, 2), (scarce, 3))
    await container.products.products.update_one({"_id": scarce.id}, {"$set": {"variants.0.stock": 1}})

    with pytest.raises(orders.CartNotReady):
        await factory.checkout(shopper)
