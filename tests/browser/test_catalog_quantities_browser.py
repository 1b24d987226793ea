"""In Chromium on a phone and a laptop: a net weight of -5 is refused next to its field, in Chinese too; the
attributes page offers "can be negative" for a number such as a temperature."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in
from tests.integration.catalog_helpers import TEA_DEFS


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 768}], ids=["phone", "laptop"]
)
async def test_a_negative_weight_is_refused_at_its_field(page, factory, viewport):
    name = "phone" if viewport["width"] < 500 else "laptop"
    merchant = await factory.merchant()
    await factory.attributes(merchant.shop_id, TEA_DEFS)
    await page.set_viewport_size(viewport)
    await sign_in(page, merchant.email)

    await page.goto("/merchant/attributes")
    weight_row = page.locator(".attr-row").nth(1)
    assert not await weight_row.locator("input[name^='negative.']").is_checked()
    await weight_row.scroll_into_view_if_needed()
    await shot(page, f"catalog-attributes-negative-{name}")

    await page.goto("/merchant/products/new")
    await page.fill("#f-name_en", "Dongding Oolong")
    await page.select_option("[name='attr.origin']", "凍頂")
    await page.fill("[name='attr.weight']", "-5")
    await page.fill("input[name$='.sku']", "DD-5")
    await page.fill("input[name$='.price']", "380")
    await page.fill("input[name$='.stock']", "4")
    await page.click("button[value=save]")
    await page.wait_for_load_state("networkidle")
    assert await page.inner_text("[id='e-attr.weight']") == "Enter zero or more."
    assert await page.input_value("[name='attr.weight']") == "-5"
    await page.locator("[name='attr.weight']").scroll_into_view_if_needed()
    await page.screenshot(path=str(await shot(page, f"catalog-negative-weight-{name}")), full_page=False)

    await page.goto("/merchant/products/new")
    await page.evaluate("() => document.querySelector(\"form[action='/lang'] [value=zh_Hant]\").click()")  # the menu
    await page.wait_for_load_state("networkidle")
    await page.fill("#f-name_en", "Dongding Oolong")
    await page.select_option("[name='attr.origin']", "凍頂")
    await page.fill("[name='attr.weight']", "-5")
    await page.fill("input[name$='.sku']", "DD-5")
    await page.fill("input[name$='.price']", "380")
    await page.fill("input[name$='.stock']", "4")
    await page.click("button[value=save]")
    await page.wait_for_load_state("networkidle")
    assert await page.inner_text("[id='e-attr.weight']") == "請輸入 0 或以上的數字。"
    await page.locator("[name='attr.weight']").scroll_into_view_if_needed()
    await page.screenshot(path=str(await shot(page, f"catalog-negative-weight-zh-{name}")), full_page=False)
    assert [e for e in page.js_errors if "status of 422" not in e] == []  # the refused form itself is a 422
