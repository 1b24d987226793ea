"""Checkout: stock taken once per line, put back when a later line is short, one checkout per key,
prices and shops from the database only."""

from __future__ import annotations

import pytest

from mall.cart import services as cart_services
from mall.orders import services as orders
from mall.orders.models import CheckoutStatus, OrderStatus
from tests.buying_factory import ADDRESS


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


async def test_orders_are_numbered_after_their_checkout_and_keep_a_copy_of_the_address(factory):
    shopper = await factory.user()
    placed = await factory.checkout(shopper, (await factory.stocked_product(), 1), (await factory.stocked_product(), 1))

    numbers = sorted(o.number for o in placed.orders)
    assert numbers == [f"{placed.checkout.number}-1", f"{placed.checkout.number}-2"]
    assert placed.orders[0].address == ADDRESS
    assert [e.action for e in placed.orders[0].timeline] == ["place"]


async def test_a_short_second_line_puts_the_first_back_and_names_the_item(factory, container, monkeypatch):
    shopper = await factory.user()
    plenty = await factory.stocked_product(stock=5)
    scarce = await factory.stocked_product(stock=3, name="Rare oolong")
    await factory.cart_with(shopper, (plenty, 2), (scarce, 3))
    real_view = cart_services.view

    async def view_then_someone_else_buys(*args, **kwargs):
        view = await real_view(*args, **kwargs)
        await container.products.products.update_one({"_id": scarce.id}, {"$set": {"variants.0.stock": 1}})
        return view

    monkeypatch.setattr(cart_services, "view", view_then_someone_else_buys)

    with pytest.raises(orders.OutOfStock) as short:
        await factory.checkout(shopper)

    assert short.value.name["en"] == "Rare oolong" and short.value.available == 1
    assert await factory.variant_stock(plenty) == 5
    assert await factory.variant_stock(scarce) == 1
    assert await container.orders.orders.count_documents({}) == 0
    assert len(await container.carts.for_user(shopper.id).lines()) == 2  # nothing bought, the cart stays


async def test_the_same_key_again_gives_the_same_checkout_and_takes_nothing_more(factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    first = await factory.checkout(shopper, (tea, 2), key="key-0001")
    await factory.cart_with(shopper, (tea, 1))  # the cart changed meanwhile: the retry still answers as before

    again = await factory.checkout(shopper, key="key-0001")

    assert again.checkout.id == first.checkout.id
    assert [o.id for o in again.orders] == [o.id for o in first.orders]
    assert await container.checkouts.checkouts.count_documents({}) == 1
    assert await factory.variant_stock(tea) == 3


async def test_the_same_key_with_another_body_is_refused(factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    await factory.checkout(shopper, (tea, 1), key="key-0002")

    with pytest.raises(orders.KeyReused):
        await factory.checkout(shopper, (tea, 1), key="key-0002", notes={tea.shop_id: "gift wrap please"})

    assert await container.checkouts.checkouts.count_documents({}) == 1


async def test_a_price_change_since_the_cart_was_seen_stops_the_checkout_once(factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(price=45000, stock=5)
    await factory.cart_with(shopper, (tea, 1))
    await container.products.products.update_one({"_id": tea.id}, {"$set": {"variants.0.price": 42000}})

    with pytest.raises(orders.PricesChanged):
        await factory.checkout(shopper)
    placed = await factory.checkout(shopper)  # the new price has now been shown

    assert placed.orders[0].lines[0].unit_price == 42000
    assert placed.checkout.total == 42000 + 6000


async def test_a_note_reaches_its_shop_and_a_note_for_a_shop_not_in_the_cart_is_refused(factory):
    shopper = await factory.user()
    tea = await factory.stocked_product()
    other_shop = await factory.shop()

    with pytest.raises(orders.UnknownShopNote):
        await factory.checkout(shopper, (tea, 1), notes={other_shop.id: "hello"})
    placed = await factory.checkout(shopper, notes={tea.shop_id: "Please ring twice"})

    assert placed.orders[0].note == "Please ring twice"


async def test_shipping_follows_the_shops_template_and_region(factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(price=45000)
    await orders.save_template(
        container.shipping,
        container.clock,
        shop_id=tea.shop_id,
        flat_fee=8000,
        free_over=80000,
        region_fees={"PEN": 15000},
    )

    to_taipei = await factory.checkout(shopper, (tea, 1))
    to_penghu = await factory.checkout(shopper, (tea, 1), address=orders.AddressFields(**{**ADDRESS, "region": "PEN"}))
    free = await factory.checkout(shopper, (tea, 2), address=orders.AddressFields(**{**ADDRESS, "region": "PEN"}))

    assert to_taipei.orders[0].shipping_fee == 8000
    assert to_penghu.orders[0].shipping_fee == 15000
    assert free.orders[0].shipping_fee == 0


async def test_a_saved_address_is_used_only_by_its_owner(factory):
    shopper, stranger = await factory.user(), await factory.user()
    saved = await factory.address(shopper, region="KHH")
    tea = await factory.stocked_product()

    placed = await factory.checkout(shopper, (tea, 1), address=saved.id)
    with pytest.raises(orders.NotFound):
        await factory.checkout(stranger, (tea, 1), address=saved.id)

    assert placed.orders[0].address["region"] == "KHH"


async def test_an_empty_cart_or_an_unavailable_line_cannot_be_checked_out(factory, container):
    shopper = await factory.user()
    with pytest.raises(orders.EmptyCart):
        await factory.checkout(shopper)
    tea = await factory.stocked_product(stock=2)
    await factory.cart_with(shopper, (tea, 2))
    await container.products.products.update_one({"_id": tea.id}, {"$set": {"variants.0.stock": 1}})

    with pytest.raises(orders.CartNotReady):
        await factory.checkout(shopper)
    assert await factory.variant_stock(tea) == 1
