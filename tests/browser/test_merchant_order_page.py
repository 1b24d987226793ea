"""The merchant's order page in Chromium, on a phone and a laptop: a ship form sent without a tracking number
comes back at the order's own URL with the error and what was typed (a reload works, the live refresh asks
for that URL, no 405 in the console), and a new-order alert arriving meanwhile never covers the ship-to panel."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in

PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 768}


def overlaps(a: dict, b: dict) -> bool:
    across = a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
    return across and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
async def test_a_failed_ship_form_stays_at_the_orders_url_and_the_alert_keeps_clear_of_the_address(
    page, factory, viewport
):
    product = await factory.stocked_product(stock=10, name="Ship-form Oolong")
    shop = await factory.c.shops.get(product.shop_id)
    merchant = await factory.owner_of(shop)
    shopper = await factory.user(name="Lin Mei")
    order = (await factory.paid_checkout(shopper, (product, 1))).orders[0]
    url = f"/merchant/orders/{order.id}"

    await page.set_viewport_size(viewport)
    await sign_in(page, merchant.email)
    await page.goto(url)
    await page.wait_for_selector("#rt[data-ready=true]", state="attached")
    await page.fill("[name=carrier]", "黑貓宅急便")
    await page.click(".ship-button")
    await page.wait_for_load_state("networkidle")

    name = "phone" if viewport is PHONE else "laptop"
    await shot(page, f"merchant-order-ship-error-{name}")
    assert page.url.endswith(url)
    assert "Enter the tracking number" in await page.inner_text(".ship-form")
    assert await page.input_value("[name=carrier]") == "黑貓宅急便"
    assert await page.locator("#order-live").get_attribute("hx-get") == url

    # the live refresh asks for the order's URL and gets it
    async with page.expect_response(lambda r: r.url.endswith(url) and r.request.method == "GET") as answer:
        await page.evaluate("() => htmx.trigger('#order-live', 'live-refresh')")
    assert (await answer.value).status == 200
    assert await page.input_value("[name=carrier]") == "黑貓宅急便"  # what was typed survives the refresh

    # a new paid order alerts while the form is open
    await page.wait_for_selector("#rt[data-ready=true]", state="attached")
    second = (await factory.paid_checkout(await factory.user(), (product, 2))).orders[0]
    alert = page.locator(f".toast[data-order-alert='{second.id}']")
    await alert.wait_for(timeout=5000)
    await page.locator(".ship-to").scroll_into_view_if_needed()
    toast_box, panel_box = await alert.bounding_box(), await page.locator(".ship-to").bounding_box()
    assert not overlaps(toast_box, panel_box), (toast_box, panel_box)
    await page.evaluate("() => window.scrollTo(0, 0)")
    await alert.evaluate("(el) => el.getAnimations().forEach((a) => a.finish())")
    await shot(page, f"merchant-order-alerts-{name}")

    await page.reload()
    assert page.url.endswith(url) and "Ship-form Oolong" in await page.inner_text("main")
    assert page.js_errors == []
