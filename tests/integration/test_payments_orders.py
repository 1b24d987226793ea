"""End to end with the orders side: a real checkout is paid on the sandbox page
(or by a signed webhook), every order of it becomes paid once, and a forged or
replayed webhook changes no order (SECURITY row 15)."""

from __future__ import annotations

from mall.orders.models import OrderStatus
from mall.payments import services as payments
from tests.integration.payments_helpers import post_webhook, signed_event


async def two_shop_checkout(factory):
    shopper = await factory.user()
    tea = await factory.stocked_product(price=45000, stock=5)
    cups = await factory.stocked_product(price=30000, stock=3)
    return shopper, await factory.checkout(shopper, (tea, 1), (cups, 1))


async def orders_of(c, checkout):
    return await c.orders.of_checkout(checkout.id)


async def test_pay_on_the_sandbox_page_moves_every_order_of_the_checkout_to_paid(web, container, factory):
    shopper, placed = await two_shop_checkout(factory)
    checkout = placed.checkout
    await web.sign_in(shopper.email)

    page = await web.page(checkout.payment_url)
    assert page.status_code == 200 and checkout.number in page.text
    pressed = await web.form(checkout.payment_url, {"outcome": "succeed"})

    assert pressed.status_code == 302 and pressed.headers["location"] == f"/checkouts/{checkout.id}"
    payment = await payments.get_payment(container.payments, checkout.payment_id)
    assert payment.status == "succeeded" and payment.amount == checkout.total
    assert [o.status for o in await orders_of(container, checkout)] == [OrderStatus.PAID, OrderStatus.PAID]


async def test_a_failed_attempt_keeps_the_orders_payable_and_a_retry_pays_them(web, container, factory):
    shopper, placed = await two_shop_checkout(factory)
    checkout = placed.checkout
    await web.sign_in(shopper.email)
    await web.page(checkout.payment_url)

    await web.form(checkout.payment_url, {"outcome": "fail"})
    assert {o.status for o in await orders_of(container, checkout)} == {OrderStatus.PENDING_PAYMENT}
    await web.form(checkout.payment_url, {"outcome": "succeed"})

    assert {o.status for o in await orders_of(container, checkout)} == {OrderStatus.PAID}


async def test_a_replayed_webhook_leaves_the_paid_orders_as_they_were(api, container, factory):
    _shopper, placed = await two_shop_checkout(factory)
    payment = await payments.get_payment(container.payments, placed.checkout.payment_id)
    raw, headers = signed_event(container, payment)
    assert (await post_webhook(api, raw, headers)).status_code == 200
    before = await orders_of(container, placed.checkout)
    container.clock.advance(seconds=90)

    replay = await post_webhook(api, raw, headers)

    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert await orders_of(container, placed.checkout) == before
    assert {o.status for o in before} == {OrderStatus.PAID}


async def test_a_forged_webhook_for_a_real_checkout_pays_nothing(api, container, factory):
    _shopper, placed = await two_shop_checkout(factory)
    payment = await payments.get_payment(container.payments, placed.checkout.payment_id)
    before = await orders_of(container, placed.checkout)

    response = await post_webhook(api, *signed_event(container, payment, secret="not-the-secret"))

    assert response.status_code == 401
    assert await orders_of(container, placed.checkout) == before
    assert (await payments.get_payment(container.payments, payment.id)).status == "pending"
