"""Kept pages in a real browser: a page the browser kept and revalidated (a 304) still counts down on the server's
clock, and a signed-in shopper's own parts of a kept page work (compare, claim, remind) like on any page."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser.conftest import shot, sign_in
from tests.integration.flash_helpers import make_sale
from tests.integration.promo_helpers import coupon


async def countdown(page, sale_id: str) -> int:
    """The seconds a sale's card counts down to (hh:mm:ss as shown)."""
    text = await page.locator(f'[data-flash-sale="{sale_id}"] [data-countdown]').first.text_content()
    h, m, s = map(int, re.fullmatch(r"(\d\d):(\d\d):(\d\d)", text.strip()).groups())
    return h * 3600 + m * 60 + s


async def test_a_kept_page_revalidated_by_the_browser_still_counts_down_on_the_servers_clock(page, container, factory):
    sale = await make_sale(container, factory, starts_in=2 * 3600)
    first = await page.goto("/deals")
    assert first.headers["x-page-cache"] in ("hit", "miss")
    assert 2 * 3600 - 5 <= await countdown(page, sale.id) <= 2 * 3600

    container.clock.advance(hours=1)  # the server's clock moves on; the page (no edge passed) is the same
    again = await page.reload()
    assert (await again.request.all_headers())["if-none-match"] == first.headers["etag"]
    kept = await page.locator(f'[data-flash-sale="{sale.id}"]').get_attribute("data-now")
    assert kept == str(int(first.headers["server-timing"].split("desc=")[1]))  # the page the browser kept (a 304)
    assert 3600 - 5 <= await countdown(page, sale.id) <= 3600  # an hour to go, not two: the 304 said the time
    assert page.js_errors == []


async def test_a_shoppers_own_parts_of_a_kept_product_page_work_and_stay_theirs(page, browser, app, container, factory):
    tea = await factory.stocked_product(price=20000, stock=10, name="Kept oolong")
    teacup = await coupon(container, code="KEPT50", value=5000, claimable=True)
    shopper = await factory.user(name="Mei")
    guest = await (await browser.new_context(base_url=app.ctx.base_url)).new_page()
    await guest.goto(f"/p/{tea.id}")  # the page is kept, rendered for a guest

    await sign_in(page, shopper.email)
    for width, height in ((390, 844), (1366, 900)):
        await page.set_viewport_size({"width": width, "height": height})
        answer = await page.goto(f"/p/{tea.id}")
        assert answer.headers["x-page-cache"] == "hit"
        await expect(page.locator(".avatar").first).to_have_text("M")
        await shot(page, f"kept-product-signed-in-{width}")
    await page.click("#compare-box button")
    await expect(page.locator("#compare-box")).to_contain_text("In your compare list")
    await page.click(f"#claim-{teacup.id} button")
    await expect(page.locator(f"#claim-{teacup.id}")).to_contain_text("Claimed")

    await page.reload()
    await expect(page.locator("#compare-box")).to_contain_text("In your compare list")
    await expect(page.locator(f"#claim-{teacup.id}")).to_contain_text("Claimed")
    await guest.reload()  # the guest's page: the same kept body, their own (empty) parts
    await expect(guest.locator("#compare-box button")).to_have_text("Add to compare")
    await expect(guest.locator(f"#claim-{teacup.id}")).to_contain_text("Sign in to claim")
    assert shopper.email not in await guest.content()
    await shot(guest, "kept-product-guest-1280")
    assert page.js_errors == []
