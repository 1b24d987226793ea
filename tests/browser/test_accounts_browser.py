"""Signing in again in Chromium: a session that ended on the cart or at checkout leads to sign-in and back with
nothing lost; the sign-in and sign-up pages refuse in the person's language inside the form. Phone and laptop
pictures of each."""

from __future__ import annotations

from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


async def _end_session(page, container) -> None:
    """What fourteen idle days do: the server forgets the session; the tab keeps its page and old cookie."""
    (cookie,) = [c for c in await page.context.cookies() if c["name"] == "mall_session"]
    await container.sessions.delete(cookie["value"])


async def _both_sizes(page, name: str) -> None:
    for label, size in (("phone", PHONE), ("laptop", LAPTOP)):
        await page.set_viewport_size(size)
        await shot(page, f"{name}-{label}")


async def test_an_ended_session_on_the_cart_and_at_checkout_signs_in_and_comes_back(page, factory, container):
    shopper = await factory.user(name="Lin Mei")
    product = await factory.stocked_product()
    await factory.cart_with(shopper, (product, 1))
    await sign_in(page, shopper.email)

    # on the cart, the session ends; changing a quantity leads to sign-in, not to nothing
    await page.goto("/cart")
    await _end_session(page, container)
    await page.fill(".qty-input", "2")
    await page.locator(".qty-input").dispatch_event("change")
    await page.wait_for_url("**/login?next=/cart")
    assert "Your session has ended" in await page.inner_text("main")
    await _both_sizes(page, "session-ended-sign-in")
    await page.fill("#f-email", shopper.email)
    await page.fill("#f-password", PASSWORD)
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url("**/cart")
    assert await page.locator(".cart-line").count() == 1

    # at checkout, the person types an address and a note; the session ends; Place order
    await page.goto("/checkout")
    await page.fill("#f-name", "林美 Lin Mei")
    await page.fill("#f-phone", "0912-345-678")
    await page.fill("#f-postal_code", "106")
    await page.select_option("#f-region", "TPE")
    await page.wait_for_load_state("networkidle")
    await page.fill("#f-line", "No. 7, Lane 3, Yongkang St.")
    await page.fill(f"#note-{product.shop_id}", "Leave it at the door, please")
    await _end_session(page, container)
    await page.click("#checkout-submit")
    await page.wait_for_url("**/login?next=/checkout")
    await page.fill("#f-email", shopper.email)
    await page.fill("#f-password", PASSWORD)
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url("**/checkout")

    # everything typed is there, ready to place
    assert await page.input_value("#f-name") == "林美 Lin Mei"
    assert await page.input_value("#f-line") == "No. 7, Lane 3, Yongkang St."
    assert await page.input_value("#f-region") == "TPE"
    assert await page.input_value(f"#note-{product.shop_id}") == "Leave it at the door, please"
    await _both_sizes(page, "session-ended-checkout-kept")
    assert await container.checkouts.checkouts.count_documents({}) == 0
    assert page.js_errors == []


async def test_sign_up_and_sign_in_refuse_inside_the_form_in_chinese(page, factory, container, monkeypatch):
    monkeypatch.setattr(container, "settings", container.settings.replace(auth_account_address_limit=2))
    owner = await factory.user(email="shopper2@demo.mall")
    await page.goto("/signup")
    await page.click("details.menu summary")
    await page.click("form.lang button[value=zh_Hant]")
    await page.wait_for_load_state("networkidle")

    await page.fill("#f-name", "王小明")
    await page.fill("#f-email", "Shopper2@Demo.Mall")  # capitals: the same address
    await page.fill("#f-password", "long-enough-1")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert await page.inner_text("#e-email") == "這個電子郵件已經註冊過了。"
    assert await page.input_value("#f-name") == "王小明"
    assert await page.get_attribute("#f-name", "maxlength") == "80"
    await _both_sizes(page, "signup-taken-zh")

    for _ in range(3):
        await page.goto("/login")
        await page.fill("#f-email", owner.email)
        await page.fill("#f-password", "not-the-password")
        await page.click("form.stack button[type=submit]")
        await page.wait_for_load_state("networkidle")
    alert = page.locator("form[action='/login'] [role=alert]")
    assert "輸入錯誤密碼的次數過多" in await alert.inner_text()
    assert await page.input_value("#f-email") == owner.email
    await _both_sizes(page, "sign-in-refused-zh")
    assert [e for e in page.js_errors if "Failed to load resource" not in e] == []  # 422 and 429 are the answers
