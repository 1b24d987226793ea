"""A shopper in Chromium: filters swap only the results (and the URL can be shared), a variant choice
updates price and stock in place, and the compare button counts up, all through htmx."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.async_api import expect

from tests.browser.conftest import shot
from tests.integration import storefront_world as world


@pytest.fixture
async def w(container, factory, app):
    return await world.build(container, factory)


async def test_filtering_swaps_only_the_results_and_pushes_a_shareable_url(page, w):
    await page.goto("/search?q=tea")
    await page.evaluate("document.querySelector('#filters').dataset.marker = 'kept'")
    async with page.expect_response(lambda r: "/search?" in r.url and r.request.headers.get("hx-request") == "true"):
        await page.check("input[name='a.organic'][value='true']")
    await expect(page.locator("#results .product-card")).to_have_count(2)
    assert await page.evaluate("document.querySelector('#filters').dataset.marker") == "kept"  # no full reload
    query = parse_qs(urlsplit(page.url).query)
    assert query["a.organic"] == ["true"] and query["q"] == ["tea"]
    # the organic facet's own counts stay (disjunctive), and the box is still checked after the oob swap
    assert await page.is_checked("input[name='a.organic'][value='true']")
    async with page.expect_response(lambda r: "sort=price_desc" in r.url):
        await page.select_option("#f-sort", "price_desc")
    await page.wait_for_url(lambda url: "sort=price_desc" in url)
    first = await page.inner_text("#results .product-card .name >> nth=0")
    assert "Alishan" in first or "阿里山" in first
    await shot(page, "storefront-search-filtered")
    shared = page.url
    await page.goto(shared)  # the pushed URL, loaded afresh, is the same page
    assert await page.locator("#results .product-card").count() == 2
    assert page.js_errors == []


async def test_choosing_a_variant_updates_price_stock_and_sku_in_place(page, w):
    p = w.products["earphones"]
    await page.goto(f"/p/{p.id}")
    assert "EP-BLK" in await page.inner_text("#buy-box")
    await page.click("label.option:has-text('white')")
    await expect(page.locator("#buy-box")).to_contain_text("EP-WHT")
    box = await page.inner_text("#buy-box")
    assert "Out of stock" in box and "2,790" in box
    white = next(v for v in p.variants if v.sku == "EP-WHT")
    assert page.url.endswith(f"?variant={white.id}")
    await page.click("#compare-box button")
    await page.wait_for_selector("#compare-box .in-compare")
    assert "Compare (1/4)" in await page.inner_text("#compare-box")
    await shot(page, "storefront-product-variant")
    await page.goto("/compare")
    assert "藍牙耳機" in await page.inner_text("#compare-table") or "Bluetooth" in await page.inner_text(
        "#compare-table"
    )
    assert page.js_errors == []


async def test_compare_table_scrolls_sideways_on_a_phone_with_the_labels_sticky(page, w, browser, app):
    context = await browser.new_context(base_url=app.ctx.base_url, viewport={"width": 390, "height": 844})
    tab = await context.new_page()
    await tab.goto("/compare")
    for key in ("dongding", "earphones", "kettle"):
        await tab.goto(f"/p/{w.products[key].id}")
        await tab.click("#compare-box button")
        await tab.wait_for_selector("#compare-box .in-compare")
    await tab.goto("/compare")
    scroller = tab.locator(".compare-scroll")
    assert await scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    await scroller.evaluate("e => { e.scrollLeft = 200; }")
    label_left = await tab.locator(".compare-table tbody th >> nth=0").evaluate("e => e.getBoundingClientRect().left")
    box_left = await scroller.evaluate("e => e.getBoundingClientRect().left")
    assert abs(label_left - box_left) < 3  # the first column stays put while the products scroll
    await tab.screenshot(path="/tmp/mall-screenshots/storefront-compare-phone.png", full_page=True)
    await context.close()
