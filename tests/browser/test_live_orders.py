"""Live in Chromium: merchant1's orders page is open; a shopper pays for an
order with a merchant1 item -> a sticky alert (with chime) and the new row
appear without a reload; merchant1 ships it -> the shopper's order page says
Shipped without a reload. Nothing reaches merchant2."""

from __future__ import annotations

from mall.realtime import services as realtime
from tests.browser.conftest import shot, sign_in


async def open_tab(browser, app, viewport, errors):
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=viewport)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return context, tab


async def connected(tab) -> None:
    await tab.wait_for_selector("#rt[data-ready=true]", state="attached")  # subscribed


async def test_paid_order_alerts_the_merchant_live_and_shipping_updates_the_shopper_live(page, browser, app, factory):
    product = await factory.stocked_product(stock=10, name="Live Oolong")
    shop = await factory.c.shops.get(product.shop_id)
    merchant1 = await factory.owner_of(shop)
    merchant2 = await factory.merchant()
    shopper = await factory.user(name="Live Shopper")
    placed = await factory.checkout(shopper, (product, 2))
    order = placed.orders[0]

    errors: list[str] = []
    m1_context, m1 = await open_tab(browser, app, {"width": 1280, "height": 900}, errors)
    await sign_in(m1, merchant1.email)
    await m1.goto("/merchant/orders?status=paid")  # the "Paid" tab: nothing there yet
    assert order.number not in await m1.inner_text("#order-table")
    await connected(m1)
    await m1.evaluate("() => { window.__noReload = true; }")

    m2_context, m2 = await open_tab(browser, app, {"width": 1280, "height": 900}, errors)
    await sign_in(m2, merchant2.email)
    await m2.goto("/merchant/orders")
    await connected(m2)
    await m2.evaluate(
        "() => { window.__heard = []; document.addEventListener('mall:rt', e => window.__heard.push(e.detail)); }"
    )

    # the shopper pays on the sandbox page
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in(page, shopper.email)
    await page.goto(placed.checkout and f"/pay/sandbox/{placed.checkout.payment_id}")
    await page.click("button.pay-button")
    await page.wait_for_load_state("networkidle")

    alert = m1.locator(f".toast[data-sticky]:has-text('{order.number}')")
    await alert.wait_for(timeout=3000)
    await m1.locator(f"#order-table tr.order-row[data-order='{order.number}']").wait_for(timeout=3000)
    assert await m1.evaluate("() => window.__noReload === true")  # the very same page, never reloaded
    assert await m1.locator("#orders-badge").inner_text() == "1"
    assert await m1.evaluate("() => document.documentElement.hasAttribute('data-last-chime')")
    await shot(m1, "live-merchant-alert")
    # merchant2 hears a message published after the payment's: whatever was sent to them before it has arrived
    await realtime.publish(factory.c.channels, f"shop:{merchant2.shop_id}", "test.after_payment")
    await m2.wait_for_function("() => window.__heard.some(m => m.kind === 'test.after_payment')")
    assert [m["kind"] for m in await m2.evaluate("() => window.__heard")] == ["test.after_payment"]
    assert await m2.locator(".toast").count() == 0
    assert order.number not in await m2.inner_text("main")

    # it stays until acknowledged
    await m1.click(f".toast[data-order-alert='{order.id}'] .ack-button")
    await alert.wait_for(state="detached")
    assert await m1.locator("#orders-badge").is_hidden()

    # the shopper watches the order page while the merchant ships
    await page.goto(f"/orders/{order.id}")
    await connected(page)
    await page.evaluate("() => { window.__noReload = true; }")
    assert "Paid" in await page.inner_text("#order-live")
    await m1.goto(f"/merchant/orders/{order.id}")
    await m1.fill("[name=carrier]", "黑貓宅急便")
    await m1.fill("[name=tracking_number]", "TW000123")
    await m1.click(".ship-button")
    await m1.wait_for_load_state("networkidle")
    await page.locator("#order-live .order-status[data-status='shipped']").first.wait_for(timeout=3000)
    assert await page.evaluate("() => window.__noReload === true")
    await page.locator(".toast:has-text('has shipped')").wait_for(timeout=3000)
    assert await page.locator("#bell-count").inner_text() != ""
    await shot(page, "live-shopper-shipped-phone")
    assert errors == [] and page.js_errors == []
    await m1_context.close()
    await m2_context.close()
