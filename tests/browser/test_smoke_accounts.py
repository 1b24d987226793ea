"""A person signs up, sees they are signed in, switches to Chinese, and signs out."""

from __future__ import annotations

from tests.browser.conftest import shot


async def test_sign_up_switch_language_and_sign_out(page):
    await page.goto("/signup")
    await page.fill("#f-name", "Browser Person")
    await page.fill("#f-email", "browser@example.test")
    await page.fill("#f-password", "long-enough-1")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "Welcome to the mall" in await page.inner_text("main")

    await page.click("details.menu summary")
    await page.click("form.lang button[value=zh_Hant]")
    await page.wait_for_load_state("networkidle")
    assert await page.get_attribute("html", "lang") == "zh-Hant"
    await page.click("details.menu summary")
    assert "登出" in await page.inner_text("details.menu")
    await shot(page, "menu-zh")

    await page.click("details.menu form[action='/logout'] button")
    await page.wait_for_load_state("networkidle")
    assert "您已登出" in await page.inner_text("main")
    assert page.js_errors == []
