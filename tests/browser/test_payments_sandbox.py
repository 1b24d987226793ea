"""The sandbox checkout page on a phone: big amount, clear buttons, Fail then Pay, and the shopper's orders
paid by it (the whole Pay story: checkout page -> sandbox -> signed webhook -> orders)."""

from __future__ import annotations

from mall.orders.models import CheckoutStatus, OrderStatus
from mall.payments import services as payments
from mall.web.i18n import money
from tests.browser.conftest import shot, sign_in


async def test_fail_then_pay_on_a_phone(page, container, factory):
    shopper = await factory.user()
    tea = await factory.stocked_product(price=64000, stock=5, name="Oriental Beauty")
    placed = await factory.checkout(shopper, (tea, 2))
    checkout, (order,) = placed.checkout, placed.orders
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in(page, shopper.email)

    await page.goto(f"/checkouts/{checkout.id}")
    await page.click("#pay-now")
    await page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/pay/sandbox/{checkout.payment_id}")
    assert money(checkout.total, container.settings.currency) in await page.inner_text(".pay-amount")
    pay = page.locator("button[value=succeed]")
    box = await pay.bounding_box()
    assert box["width"] > 300 and box["height"] >= 48  # a full-width, thumb-sized button
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await shot(page, "payments-sandbox-phone")

    await page.click("button[value=fail]")
    await page.wait_for_load_state("networkidle")
    assert "nothing was charged" in await page.inner_text("main")
    assert (await container.checkouts.get(checkout.id)).status is CheckoutStatus.PENDING_PAYMENT  # may pay again
    failed = await container.orders.get(order.id)
    assert failed.status is OrderStatus.PENDING_PAYMENT and failed.timeline[-1].action == "payment_failed"

    await page.click("button[value=succeed]")
    await page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/checkouts/{checkout.id}") and "Payment received" in await page.inner_text("main")
    assert await page.get_attribute(".page-head .order-status", "data-status") == "paid"
    assert await page.get_attribute(".order-card .order-status", "data-status") == "paid"
    assert (await payments.get_payment(container.payments, checkout.payment_id)).status == "succeeded"
    assert (await container.checkouts.get(checkout.id)).status is CheckoutStatus.PAID
    assert (await container.orders.get(order.id)).status is OrderStatus.PAID
    assert page.js_errors == []


async def test_the_page_on_a_laptop(page, container, factory):
    shopper = await factory.user()
    payment = await factory.payment(user=shopper, amount=45000, checkout_number="C-20261124-0008")
    await sign_in(page, shopper.email)
    await page.goto(f"/pay/sandbox/{payment.id}")
    assert await page.is_visible("text=no real money moves")
    await shot(page, "payments-sandbox-laptop")
    assert page.js_errors == []
