"""The order lifecycle: pay -> ship -> confirm, cancel before shipping, auto-complete,
illegal transitions refused, and every change on the timeline."""

from __future__ import annotations

import pytest

from mall.orders import services as orders
from mall.orders.models import OrderStatus
from mall.payments import services as payments
from tests.integration.orders_helpers import bearer, paid_order


async def test_happy_path_through_the_pages_paid_shipped_confirmed(web, factory, container):
    shopper, merchant, _product, order = await paid_order(factory)
    await web.sign_in(merchant.email)

    page = await web.page(f"/merchant/orders/{order.id}")
    assert 'class="card stack ship-form"' in page.text
    shipped = await web.form(
        f"/merchant/orders/{order.id}/ship", {"carrier": "Black Cat", "tracking_number": "TW-123456"}
    )
    assert shipped.status_code == 303
    await web.form("/logout")
    await web.sign_in(shopper.email)
    mine = await web.page(f"/orders/{order.id}")
    assert "Black Cat" in mine.text and "TW-123456" in mine.text and 'id="confirm-receipt"' in mine.text
    confirmed = await web.form(f"/orders/{order.id}/confirm")

    assert confirmed.status_code == 303
    done = await container.orders.get(order.id)
    assert done.status is OrderStatus.COMPLETED
    assert [e.action for e in done.timeline] == ["place", "pay", "ship", "complete"]
    assert [e.actor for e in done.timeline] == ["shopper", "system", "merchant", "shopper"]
    assert done.timeline[2].actor_id == merchant.id and done.timeline[2].at == container.clock.now()


async def test_shipping_schedules_the_auto_complete_job_which_completes_n_days_later(factory, container):
    _shopper, merchant, _product, order = await paid_order(factory)
    await orders.ship_order(
        container,
        shop_id=merchant.shop_id,
        order_id=order.id,
        actor_id=merchant.id,
        carrier="Post",
        tracking_number="RR123",
    )
    job = await container.queue.job(f"complete:{order.id}")
    assert job is not None and job.function == "auto_complete_order"

    container.clock.advance(days=6, hours=23)
    assert await orders.auto_complete_order(container, order.id) is False
    container.clock.advance(hours=1)
    assert await orders.auto_complete_order(container, order.id) is True
    assert await orders.auto_complete_order(container, order.id) is False

    done = await container.orders.get(order.id)
    assert done.status is OrderStatus.COMPLETED and done.timeline[-1].actor == "system"


async def test_a_merchant_cancel_before_shipping_restocks_and_refunds(factory, container):
    _shopper, merchant, product, order = await paid_order(factory, stock=5, qty=2)
    assert await factory.variant_stock(product) == 3

    cancelled = await orders.cancel_by_merchant(
        container, shop_id=merchant.shop_id, order_id=order.id, actor_id=merchant.id, reason="Damaged in storage"
    )

    assert cancelled.status is OrderStatus.CANCELLED and cancelled.cancel_reason == "Damaged in storage"
    assert cancelled.refund_id and cancelled.refund_due == order.total
    assert [e.action for e in cancelled.timeline][-2:] == ["cancel", "refund"]
    assert await factory.variant_stock(product) == 5
    checkout = await container.checkouts.get(order.checkout_id)
    assert (await payments.get_payment(container.payments, checkout.payment_id)).refunded_amount == order.total
    assert await orders.reconcile_checkout(container, checkout.id) is None  # the repair job finds nothing to do
    assert await factory.variant_stock(product) == 5


async def test_cancelling_one_paid_order_leaves_the_other_shops_order_alone(factory, container):
    shopper = await factory.user()
    tea, cups = await factory.stocked_product(stock=5), await factory.stocked_product(stock=5)
    placed = await factory.paid_checkout(shopper, (tea, 1), (cups, 2))
    tea_order = next(o for o in placed.orders if o.shop_id == tea.shop_id)

    await orders.cancel_by_shopper(container, user_id=shopper.id, order_id=tea_order.id)

    statuses = {o.shop_id: o.status for o in await container.orders.of_checkout(placed.checkout.id)}
    assert statuses == {tea.shop_id: OrderStatus.CANCELLED, cups.shop_id: OrderStatus.PAID}
    assert await factory.variant_stock(tea) == 5 and await factory.variant_stock(cups) == 3


async def test_a_shopper_cancelling_an_unpaid_order_cancels_its_whole_checkout(factory, container):
    shopper = await factory.user()
    tea, cups = await factory.stocked_product(stock=5), await factory.stocked_product(stock=5)
    placed = await factory.checkout(shopper, (tea, 1), (cups, 2))

    await orders.cancel_by_shopper(container, user_id=shopper.id, order_id=placed.orders[0].id)

    assert {o.status for o in await container.orders.of_checkout(placed.checkout.id)} == {OrderStatus.CANCELLED}
    assert await factory.variant_stock(tea) == 5 and await factory.variant_stock(cups) == 5
    assert (await payments.get_payment(container.payments, placed.checkout.payment_id)).status == "cancelled"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/merchant/orders/{id}/ship", {"carrier": "Post", "tracking_number": "RR123"}),
        ("/api/v1/orders/{id}/confirm", None),
    ],
    ids=["ship-unpaid", "confirm-unshipped"],
)
async def test_illegal_transitions_are_refused_with_a_clear_message(api, factory, container, path, body):
    shop = await factory.shop()
    merchant = await factory.owner_of(shop)
    shopper = await factory.user()
    placed = await factory.checkout(shopper, (await factory.stocked_product(shop=shop), 1))
    order = placed.orders[0]
    who = merchant if "merchant" in path else shopper

    response = await api.post(path.format(id=order.id), json=body, headers=await bearer(container, who))

    assert response.status_code == 409
    assert "awaiting payment" in response.json()["error"]["message"]
    assert (await container.orders.get(order.id)).status is OrderStatus.PENDING_PAYMENT


async def test_a_shipped_order_can_no_longer_be_cancelled(api, factory, container):
    shopper, merchant, product, order = await paid_order(factory)
    await orders.ship_order(
        container,
        shop_id=merchant.shop_id,
        order_id=order.id,
        actor_id=merchant.id,
        carrier="Post",
        tracking_number="RR1",
    )

    by_shopper = await api.post(f"/api/v1/orders/{order.id}/cancel", json={}, headers=await bearer(container, shopper))
    by_merchant = await api.post(
        f"/api/v1/merchant/orders/{order.id}/cancel",
        json={"reason": "changed my mind"},
        headers=await bearer(container, merchant),
    )

    assert by_shopper.status_code == 409 and by_merchant.status_code == 409
    assert "can no longer be cancelled" in by_shopper.json()["error"]["message"]
    assert (await container.orders.get(order.id)).status is OrderStatus.SHIPPED
    assert await factory.variant_stock(product) == 4


async def test_two_workers_shipping_at_once_apply_it_once(factory, container):
    import asyncio

    _shopper, merchant, _product, order = await paid_order(factory)

    async def ship(n):
        try:
            return await orders.ship_order(
                container,
                shop_id=merchant.shop_id,
                order_id=order.id,
                actor_id=merchant.id,
                carrier="Post",
                tracking_number=f"RR{n}00",
            )
        except orders.IllegalTransition:
            return None

    results = await asyncio.gather(ship(1), ship(2))

    assert sum(r is not None for r in results) == 1
    assert [e.action for e in (await container.orders.get(order.id)).timeline].count("ship") == 1
