"""The sandbox checkout page on a phone: big amount, clear buttons, Fail then Pay."""

from __future__ import annotations

from mall.payments import services as payments
from tests.browser.conftest import shot, sign_in
from tests.integration.payments_helpers import hear_orders


async def test_fail_then_pay_on_a_phone(page, container, factory, monkeypatch):
    hear_orders(monkeypatch)
    shopper = await factory.user()
    payment = await factory.payment(user=shopper, amount=128000, checkout_number="C-20261124-0007", return_url="/shops")
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in(page, shopper.email)

    await page.goto(f"/pay/sandbox/{payment.id}")
    assert "NT$1,280" in await page.inner_text(".pay-amount")
    pay = page.locator("button[value=succeed]")
    box = await pay.bounding_box()
    assert box["width"] > 300 and box["height"] >= 48  # a full-width, thumb-sized button
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await shot(page, "payments-sandbox-phone")

    await page.click("button[value=fail]")
    await page.wait_for_load_state("networkidle")
    assert "nothing was charged" in await page.inner_text("main")
    await page.click("button[value=succeed]")
    await page.wait_for_load_state("networkidle")

    assert page.url.endswith("/shops") and "Payment received" in await page.inner_text("main")
    assert (await payments.get_payment(container.payments, payment.id)).status == "succeeded"
    assert page.js_errors == []


async def test_the_page_on_a_laptop(page, container, factory):
    shopper = await factory.user()
    payment = await factory.payment(user=shopper, amount=45000, checkout_number="C-20261124-0008")
    await sign_in(page, shopper.email)
    await page.goto(f"/pay/sandbox/{payment.id}")
    assert await page.is_visible("text=no real money moves")
    await shot(page, "payments-sandbox-laptop")
    assert page.js_errors == []
