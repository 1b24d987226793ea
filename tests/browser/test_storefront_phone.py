"""The storefront on a phone (390 px) and a laptop (1366 px), as the outside review tried it (issue 11): the search
filters arrive folded on a phone without a layout shift, a bad price is explained at its field, a ticked facet plus
Apply is one search, and the Buy button of a product and of a flash sale is on a phone's first screen."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from mall.demo import seed
from tests.browser.conftest import SHOTS, shot, sign_in
from tests.integration import storefront_world as world

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
LAYOUT_SHIFTS = """window.mallShifts = 0;
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.mallShifts += e.value; })
  .observe({type: "layout-shift", buffered: true});"""
SEARCHES = """window.mallAborts = 0; document.addEventListener("htmx:sendAbort", () => window.mallAborts++);"""
# the element a finger (or a click) at the centre of this one would reach: itself when nothing covers it
ON_TOP = """el => { const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return r.top >= 0 && r.bottom <= window.innerHeight && (hit === el || el.contains(hit)); }"""


@pytest.fixture
async def w(container, factory, app):
    return await world.build(container, factory)


async def test_the_filters_arrive_folded_on_a_phone_without_a_layout_shift_and_open_on_a_laptop(page, w):
    await page.add_init_script(LAYOUT_SHIFTS)
    await page.set_viewport_size(PHONE)
    await page.goto("/search?q=tea")
    await page.wait_for_load_state("load")
    assert await page.get_attribute(".filter-panel", "open") is None
    assert not await page.is_visible("#f-q")
    assert await page.locator("#results .product-card").first.evaluate(ON_TOP)  # results come first
    await page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert await page.evaluate("window.mallShifts") < 0.01
    await shot(page, "search-filters-folded-phone")
    await page.click(".filter-panel > summary")
    await expect(page.locator("#f-q")).to_be_visible()

    await page.set_viewport_size(LAPTOP)
    await page.goto("/search?q=tea")
    await expect(page.locator("#f-q")).to_be_visible()  # no click needed on a wide screen
    await expect(page.locator("input[name='a.organic'][value='true']")).to_be_visible()
    await shot(page, "search-filters-laptop")
    assert page.js_errors == []


async def test_a_bad_price_is_explained_at_its_field_on_a_phone(page, w):
    await page.set_viewport_size(PHONE)
    await page.goto("/search?q=tea")
    await page.click(".filter-panel > summary")
    await page.fill("#f-min", "-100")
    async with page.expect_response(lambda r: "min_price=-100" in r.url):
        await page.click("#filters button[type=submit]")
    message = page.locator("#e-min-price")
    await expect(message).to_have_text("The lowest price cannot be negative.")
    await expect(page.locator("#f-min")).to_have_attribute("aria-invalid", "true")
    assert await page.get_attribute("#f-min", "aria-describedby") == "e-min-price"
    field, said = await page.locator("#f-min").bounding_box(), await message.bounding_box()
    assert 0 <= said["y"] - (field["y"] + field["height"]) < 40 and said["y"] + said["height"] <= PHONE["height"]
    assert await page.input_value("#f-min") == "-100"  # what was typed stays to be corrected
    await shot(page, "search-bad-price-phone")

    await page.fill("#f-min", "abc")
    async with page.expect_response(lambda r: "min_price=abc" in r.url):
        await page.click("#filters button[type=submit]")
    await expect(message).to_have_text("Enter the lowest price as a number, like 450 or 450.50.")
    await page.fill("#f-min", "100")
    async with page.expect_response(lambda r: "min_price=100" in r.url):
        await page.click("#filters button[type=submit]")
    await expect(message).to_be_hidden()
    await expect(page.locator("#f-min")).not_to_have_attribute("aria-invalid", "true")


async def test_a_ticked_facet_then_apply_is_one_search(page, w):
    await page.add_init_script(SEARCHES)
    await page.set_viewport_size(LAPTOP)
    await page.goto("/search?q=tea")
    searches: list[str] = []
    page.on("request", lambda r: searches.append(r.url) if r.headers.get("hx-request") and "/search" in r.url else None)
    async with page.expect_response(lambda r: "a.organic=true" in r.url):
        await page.check("input[name='a.organic'][value='true']")
        await page.click("#filters button[type=submit]")
    await expect(page.locator("#results .product-card")).to_have_count(2)
    await page.click("#filters button[type=submit]")  # nothing changed since: nothing to ask
    await page.fill("#f-max", "2000")
    async with page.expect_response(lambda r: "max_price=2000" in r.url):
        await page.click("#filters button[type=submit]")  # the field's change and the submit: one search
    await expect(page.locator("#results .product-card")).to_have_count(2)
    assert len(searches) == 2, searches
    assert await page.evaluate("window.mallAborts") == 0
    assert page.js_errors == []


async def screen(page, name: str) -> None:
    """What the phone's screen shows (a full-page picture would draw the fixed bar mid-page)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"))


async def buy_bar_checks(page, button: str, name: str) -> None:
    """On a phone: the button is on the first screen, nothing covers it, and the page's end is not covered by the
    bar; on a laptop it sits in the buy box as before."""
    await page.set_viewport_size(PHONE)
    await page.reload()
    assert await page.locator(button).evaluate(ON_TOP), "the buy button is not on the first screen"
    await screen(page, f"{name}-phone")
    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    footer = await page.locator("footer .footer-row").bounding_box()
    bar = await page.locator(".buy-bar").bounding_box()
    assert footer["y"] + footer["height"] <= bar["y"] + 1, "the bar covers the end of the page"
    await screen(page, f"{name}-phone-end")
    await page.set_viewport_size(LAPTOP)
    assert await page.locator(".buy-bar").evaluate("el => getComputedStyle(el).position") == "static"
    await shot(page, f"{name}-laptop")


@pytest.fixture
async def demo(container, app):
    made = await seed(container, progress=lambda _line: None)
    shops = {s.slug: s for s in made["shops"]}
    product = await container.db["products"].find_one(
        {"shop_id": shops["soundlife"].id, "variants.1": {"$exists": True}}
    )
    sale = await container.db["flash_sales"].find_one({"shop_id": shops["mountain-tea"].id})
    return {"product": product["_id"], "sale": sale["_id"]}


async def test_a_products_add_to_cart_is_on_a_phones_first_screen_and_works_from_the_keyboard(page, demo):
    await page.goto(f"/p/{demo['product']}")
    await buy_bar_checks(page, "#add-to-cart-button", "product-buy-bar")
    await page.set_viewport_size(PHONE)
    await page.evaluate("window.scrollTo(0, 0)")
    await page.focus("#add-qty")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "add-to-cart-button"
    await page.keyboard.press("Enter")
    await expect(page.locator("#add-to-cart-result")).not_to_be_empty()
    assert await page.locator("#add-to-cart-button").evaluate(ON_TOP)
    await screen(page, "product-buy-bar-added-phone")


async def test_a_flash_sales_buy_button_is_on_a_phones_first_screen(page, demo):
    await page.goto(f"/flash/{demo['sale']}")
    await buy_bar_checks(page, ".buy-bar .flash-buy-button", "flash-buy-bar-guest")
    await sign_in(page, "shopper@demo.mall", "demo1234")
    await page.goto(f"/flash/{demo['sale']}")
    await expect(page.locator("#flash-buy")).to_be_enabled()
    await buy_bar_checks(page, "#flash-buy", "flash-buy-bar")
    assert page.js_errors == []
