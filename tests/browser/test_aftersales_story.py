"""The after-sales story in Chromium: the shopper (phone) asks for a return with a photo -> the merchant's open list
(laptop) shows a toast and the row -> the merchant rejects -> the shopper's open case page says so in place and the
shopper escalates -> the operator's open queue shows a toast -> the operator decides a partial refund -> the
shopper's and the merchant's open case pages show the decision and the refund without a reload."""

from __future__ import annotations

import io

from PIL import Image

from mall.aftersales import services as aftersales
from mall.web.i18n import money
from tests.browser.conftest import shot, sign_in
from tests.browser.test_live_orders import connected, open_tab
from tests.integration.aftersales_helpers import two_line_order

LAPTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 40, 40)).save(out, "PNG")
    return out.getvalue()


async def test_return_rejected_escalated_and_decided_live_on_every_open_page(page, browser, app, factory):
    c = factory.c
    w = await two_line_order(factory, delivered=True)
    operator = await factory.operator()
    errors: list[str] = []

    m_context, merchant = await open_tab(browser, app, LAPTOP, errors)
    await sign_in(merchant, w.merchant.email)
    await merchant.goto("/merchant/after-sales")
    await connected(merchant)
    await merchant.evaluate("() => { window.__noReload = true; }")

    await page.set_viewport_size(PHONE)
    await sign_in(page, w.shopper.email)
    await page.goto(f"/orders/{w.order.id}")
    await page.locator("#order-after-sales .as-apply").first.wait_for()
    await shot(page, "aftersales-order-phone")
    await page.locator("#order-after-sales .as-apply").first.click()
    await page.check("input[name=kind][value=return_and_refund]")
    await page.select_option("#f-reason", "damaged")
    await page.fill("#f-qty", "1")
    await page.fill("#f-amount", "300")
    await page.fill("#f-note", "The lid arrived cracked")
    await page.set_input_files("#f-photos", files=[{"name": "lid.png", "mimeType": "image/png", "buffer": png()}])
    await shot(page, "aftersales-request-phone")
    await page.click("#as-submit")
    await page.wait_for_url("**/account/after-sales/*")
    case_id = page.url.rsplit("/", 1)[1]
    case = await aftersales.any_case(c, case_id)
    assert case.photos and await page.locator(".as-summary .as-photos img").count() == 1
    await connected(page)
    await page.evaluate("() => { window.__noReload = true; }")

    await merchant.locator(f".toast:has-text('{case.number}')").wait_for(timeout=15_000)
    await merchant.locator(f"#as-list tr.as-row[data-case='{case.number}']").wait_for(timeout=15_000)
    assert await merchant.evaluate("() => window.__noReload === true")
    await shot(merchant, "aftersales-merchant-list-laptop")
    await merchant.goto(f"/merchant/after-sales/{case.id}")
    await connected(merchant)
    await merchant.fill("#f-reason", "The photo shows a different lid")
    await merchant.click("#as-reject")
    await merchant.locator("#case-live[data-status=rejected]").wait_for()
    await connected(merchant)
    await merchant.evaluate("() => { window.__noReload = true; }")

    await page.locator("#case-live[data-status=rejected]").wait_for(timeout=15_000)
    assert "The photo shows a different lid" in await page.inner_text("#case-live")
    assert await page.evaluate("() => window.__noReload === true")
    await page.fill("#f-note", "It really was cracked on arrival")
    await page.click("#as-escalate")
    await page.locator("#case-live[data-status=disputed]").wait_for()
    await connected(page)
    await page.evaluate("() => { window.__noReload = true; }")

    o_context, ops = await open_tab(browser, app, LAPTOP, errors)
    await sign_in(ops, operator.email)
    await ops.goto("/operator/disputes")
    await ops.locator(f"tr.as-row[data-case='{case.number}']").wait_for()
    await shot(ops, "aftersales-disputes-laptop")
    await ops.goto(f"/operator/disputes/{case.id}")
    await ops.check("input[name=outcome][value=refund_partial]")
    await ops.fill("#f-amount", "150")
    await ops.fill("#f-reason", "Both photos are unclear: half back")
    await shot(ops, "aftersales-decide-laptop")
    await ops.click("#as-decide")
    await ops.wait_for_load_state("networkidle")

    refunded = money(15000, c.settings.currency)
    for tab in (page, merchant):
        await tab.locator("#case-live[data-status=refunded]").wait_for(timeout=15_000)
        text = await tab.inner_text("#case-live")
        assert "Both photos are unclear: half back" in text and refunded in text
        assert await tab.evaluate("() => window.__noReload === true")
    await page.locator(".toast").first.wait_for(timeout=15_000)
    await shot(page, "aftersales-decided-phone")
    await shot(merchant, "aftersales-decided-laptop")
    await merchant.set_viewport_size(PHONE)
    await shot(merchant, "aftersales-merchant-case-phone")
    await page.set_viewport_size(LAPTOP)
    await shot(page, "aftersales-decided-shopper-laptop")
    done = await aftersales.any_case(c, case.id)
    assert done.refunded == 15000 and done.outcome == "refund_partial"
    assert not [e for e in errors if "favicon" not in e], errors
    await m_context.close()
    await o_context.close()
