"""The marketers' console in Chromium: a spend-tier campaign typed wrong, then right; an operator approves one entry
and refuses another in the queue (the marketer's preview follows without a reload); a platform coupon made and
paused. Phone and laptop pictures of every page, none wider than the screen."""

from __future__ import annotations

from playwright.async_api import expect

from mall.promotions import services as promotions
from mall.promotions.models import Scope
from tests.browser.conftest import shot, sign_in
from tests.browser.test_buying_flow import LAPTOP, PHONE
from tests.browser.test_flash_sale_browser import tea


async def both_sizes(tab, name: str) -> None:
    for size, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        await tab.set_viewport_size(viewport)
        await tab.wait_for_timeout(100)
        assert await tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (name, size)
        await shot(tab, f"promo-marketer-{name}-{size}")
    await tab.set_viewport_size(LAPTOP)


async def test_a_tier_campaign_its_entries_decided_and_a_platform_coupon(browser, app, page, container, factory):
    hills, city = await factory.shop(name="山茶行 Hill Tea"), await factory.shop(name="城市茶舖 City Tea")
    oolong = await tea(container, factory, hills, "Alishan Oolong", "阿里山烏龍茶", price=98000)
    baozhong = await tea(container, factory, city, "Pinglin Baozhong", "坪林包種茶", price=72000)
    marketer = await factory.marketer(name="Chen Yu")
    await sign_in(page, marketer.email)
    await page.goto("/marketing")
    await expect(page.locator("#campaign-summary")).to_contain_text("No campaign is running right now.")
    await page.click("#campaign-summary a:has-text('New campaign')")
    await page.wait_for_load_state("networkidle")

    # spend tiers: the percentage field hides; a half-filled row is refused and what was typed stays
    await page.fill("#f-name", "Year-end tea fair")
    await page.fill("#f-theme", "Spend more across every tea shop, save more")
    await page.check("input[name=rule][value=tiers]")
    assert not await page.is_visible("#f-percent_off")
    await page.fill("#f-min_spend_1", "1000")
    await page.fill("#f-off_1", "100")
    await page.fill("#f-min_spend_2", "2000")
    await page.click("button[name=next][value=draft]")
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("#e-tier_2")).to_contain_text("Give the row a minimum spend above zero")
    assert (
        await page.input_value("#f-min_spend_1") == "1000" and await page.input_value("#f-name") == "Year-end tea fair"
    )
    await both_sizes(page, "campaign-form")
    await page.select_option("#f-off_kind_2", "percent")
    await page.fill("#f-off_2", "15")
    await page.click("button[name=next][value=draft]")
    await page.wait_for_load_state("networkidle")
    (made,) = await promotions.campaigns(container)
    assert made.tiers == [{"min_spend": 100000, "save": 10000, "percent": None},
                          {"min_spend": 200000, "save": None, "percent": 15}]  # fmt: skip
    assert "What each tier saves" in await page.inner_text("#mk-preview")

    # merchants enter a product each; the operator decides in her queue; the marketer's preview follows
    for shop, product in ((hills, oolong), (city, baozhong)):
        await promotions.enter_products(container, shop_id=shop.id, campaign_id=made.id, product_ids=[product.id])
    await page.reload()
    await page.wait_for_selector("#rt[data-ready=true]", state="attached")
    await expect(page.locator("#mk-preview [data-figure=pending]")).to_have_text("2")
    ops = await (await browser.new_context(base_url=app.ctx.base_url, viewport=LAPTOP)).new_page()
    await sign_in(ops, (await factory.operator()).email)
    await ops.goto("/operator/campaign-entries")
    await expect(ops.locator(".mk-entries tbody tr")).to_have_count(2)
    await both_sizes(ops, "entries-queue")
    await ops.click(f"tr[data-entry='{made.id}:{oolong.id}'] button:has-text('Approve')")
    await ops.wait_for_load_state("networkidle")
    await expect(ops.locator(".alert-success")).to_contain_text("Approved: “Alishan Oolong” is in the campaign.")
    refuse = ops.locator(f"tr[data-entry='{made.id}:{baozhong.id}']")
    await refuse.locator("summary").click()
    await refuse.locator("textarea").fill("Please enter it once its new harvest is listed")
    await refuse.locator("button:has-text('Refuse the entry')").click()
    await ops.wait_for_load_state("networkidle")
    await expect(ops.locator(".empty")).to_contain_text("Nothing is waiting")
    await ops.context.close()

    await expect(page.locator("#mk-preview [data-figure=approved]")).to_have_text("1", timeout=5000)
    await expect(page.locator("#mk-preview [data-figure=pending]")).to_have_text("0")
    assert await page.locator(f"#mk-preview tr[data-product='{baozhong.id}']").count() == 0
    await both_sizes(page, "campaign-draft")

    # scheduled from the list's campaign; the list shows it upcoming
    await page.click("button[data-action=schedule]")
    await page.wait_for_load_state("networkidle")
    await page.goto("/marketing/campaigns")
    row = page.locator(f"tr[data-campaign='{made.id}']")
    await expect(row.locator(".pm-state")).to_have_attribute("data-state", "scheduled")
    assert "1 approved" in await row.inner_text()
    await both_sizes(page, "campaigns")

    # a platform coupon, then paused from the list (keyboard: the button is a real button)
    await page.goto("/marketing/coupons/new")
    await page.fill("#f-name", "New shopper gift")
    await page.fill("#f-code", "hello100")
    await page.fill("#f-amount", "100")
    await page.fill("#f-min_spend", "500")
    await both_sizes(page, "coupon-form")
    await page.click("button:has-text('Create the coupon')")
    await page.wait_for_load_state("networkidle")
    await expect(page.locator(".alert-success")).to_contain_text("Coupon HELLO100 is saved.")
    await both_sizes(page, "coupon")
    await page.goto("/marketing/coupons")
    await page.focus("tr button[data-action=pause]")
    await page.keyboard.press("Enter")
    await page.wait_for_load_state("networkidle")
    (coupon,) = await promotions.coupons_of(container, scope=Scope.PLATFORM)
    assert coupon.control == "paused"
    await both_sizes(page, "coupons")
    await page.goto("/marketing")
    await expect(page.locator("#campaign-summary")).to_contain_text("Year-end tea fair")
    await both_sizes(page, "overview")
    assert [e for e in page.js_errors if "status of 422" not in e] == []  # (the refused form is a 422)
