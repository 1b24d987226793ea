"""The staff side of flash sales in Chromium, on a laptop (1280 px) and a phone (390 px): a merchant schedules a
sale with the keyboard and watches a running sale's figures change live; a marketer features another shop's SKU;
an operator hears of it live, approves one featured sale and rejects another. Screenshots of every page."""

from __future__ import annotations

import re
from datetime import timedelta

from mall.flash_sales import services as flash
from mall.flash_sales.services.samples import record_sample
from mall.orders import services as orders
from tests.browser.conftest import shot, sign_in
from tests.integration.flash_console_helpers import featured_sale
from tests.integration.flash_helpers import reserve

LAPTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


async def fits(page) -> bool:
    return await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


async def world(c, factory):
    """A tea shop with a running sale (8 sold over its first half hour, 3 held), an upcoming one with reminders."""
    shop = await factory.shop(name="Lishan Tea House 梨山茶坊")
    oolong = await factory.product(
        shop_id=shop.id,
        name={"en": "Lishan high-mountain oolong", "zh_Hant": "梨山高山烏龍"},
        variants=[
            {"sku": "LS-75G", "price": 68000, "stock": 40, "options": {"size": "75 g"}},
            {"sku": "LS-150G", "price": 128000, "stock": 25, "options": {"size": "150 g"}},
            {"sku": "LS-300G", "price": 240000, "stock": 0, "options": {"size": "300 g"}},
        ],
    )
    await factory.product(
        shop_id=shop.id, name="Jasmine pearls", variants=[{"sku": "JP-1", "price": 52000, "stock": 12}]
    )
    now = c.clock.now()

    async def sale(variant, price, quantity, start, hours):
        return await flash.create_sale(
            c, actor_id="m", product_id=oolong.id, variant_id=oolong.variants[variant].id, price=price,
            quantity=quantity, per_user_limit=2, starts_at=now + start, ends_at=now + start + timedelta(hours=hours),
            shop_id=shop.id,
        )  # fmt: skip

    running = await sale(0, 49900, 20, timedelta(0), 2)
    upcoming = await sale(1, 99900, 5, timedelta(days=1), 2)
    for _ in range(3):
        await flash.remind(c, upcoming.id, (await factory.user()).id)
    for minutes in (4, 6, 3, 9):  # paid orders spread over the first half hour, for the curve
        c.clock.advance(minutes=minutes)
        buyer = await factory.user()
        answer = await reserve(c, running, buyer.id, 2)
        paid = await factory.pay(buyer, (await factory.flash_checkout(buyer, answer.id)).checkout)
        for order in paid.orders:  # seen already: no sticky order alerts over the pages
            await orders.acknowledge(c, shop_id=shop.id, order_id=order.id, user_id=shop.owner_id)
        await record_sample(c, running.id)
    c.clock.advance(minutes=8)
    for _ in range(3):
        await reserve(c, running, (await factory.user()).id)
    return shop, running


async def test_a_merchant_schedules_with_the_keyboard_and_watches_the_figures_live(page, factory, container):
    shop, running = await world(container, factory)
    await sign_in(page, (await factory.owner_of(shop)).email)
    await page.goto("/merchant/flash-sales")
    assert await page.locator(".fs-row").count() == 2
    await shot(page, "flash-merchant-list-laptop")

    await page.goto("/merchant/flash-sales/new")
    await page.locator("label.fs-sku:has-text('JP-1') input").focus()
    await page.keyboard.press("Space")
    await page.keyboard.press("Tab")  # one radio group: Tab goes on to the price
    await page.keyboard.type("399")
    await page.keyboard.press("Tab")
    await page.keyboard.type("6")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("2")
    await shot(page, "flash-merchant-new-laptop")
    await page.keyboard.press("Enter")
    await page.wait_for_load_state("networkidle")
    assert "Flash sale scheduled" in await page.inner_text("main")
    assert await page.locator(".fs-state[data-state=upcoming]").count() == 1
    await shot(page, "flash-merchant-scheduled-laptop")

    await page.goto(f"/merchant/flash-sales/{running.id}")
    await page.wait_for_selector("#rt[data-ready=true]", state="attached")
    await page.evaluate("() => { window.__noReload = true; }")
    assert await page.inner_text("#flash-figures dd[data-figure=held]") == "3"
    await shot(page, "flash-merchant-figures-laptop")
    await reserve(container, running, (await factory.user()).id, 2)  # a shopper elsewhere reserves
    await page.locator("#flash-figures dd[data-figure=held]", has_text=re.compile("^5$")).wait_for(timeout=4000)
    assert await page.inner_text("#flash-figures dd[data-figure=remaining]") == "7"
    assert await page.evaluate("() => window.__noReload === true")

    await page.set_viewport_size(PHONE)
    await shot(page, "flash-merchant-figures-phone")
    assert await fits(page)
    await page.goto("/merchant/flash-sales")
    await shot(page, "flash-merchant-list-phone")
    assert await fits(page)
    await page.goto("/merchant/flash-sales/new")
    await shot(page, "flash-merchant-new-phone")
    assert await fits(page)
    await page.goto("/merchant/flash-sales?state=upcoming")
    await page.locator(".fs-row a.fs-product-name").first.click()
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("form[action$='/cancel'] button")
    await page.wait_for_load_state("networkidle")
    assert "Flash sale cancelled" in await page.inner_text("main")
    await shot(page, "flash-merchant-cancelled-phone")
    assert page.js_errors == []


async def test_a_marketer_features_a_sku_and_an_operator_decides_live(page, browser, app, factory, container):
    await world(container, factory)
    black = await factory.product(
        name="Sun Moon Lake black tea", variants=[{"sku": "SML-1", "price": 90000, "stock": 30}]
    )
    marketer = await factory.marketer(name="Mei the marketer")
    for _ in range(2):
        await featured_sale(container, black, marketer, quantity=3)

    ops_context = await browser.new_context(base_url=app.ctx.base_url, viewport=LAPTOP)
    ops = await ops_context.new_page()
    ops_errors: list[str] = []
    ops.on("console", lambda msg: ops_errors.append(msg.text) if msg.type == "error" else None)
    await sign_in(ops, (await factory.operator()).email)
    await ops.goto("/operator/flash-sales")
    await ops.wait_for_selector("#rt[data-ready=true]", state="attached")
    assert await ops.locator(".fs-approval").count() == 2

    await sign_in(page, marketer.email)
    await page.goto("/marketing")
    await shot(page, "flash-marketing-overview-laptop")
    await page.goto("/marketing/flash-sales")
    await shot(page, "flash-marketing-list-laptop")
    await page.goto("/marketing/flash-sales/new")
    await page.fill("#sku-q", "black tea")
    await page.locator("label.fs-sku:has-text('JP-1')").wait_for(state="detached", timeout=4000)  # found by htmx
    await page.locator("label.fs-sku:has-text('SML-1')").click()
    await page.fill("#f-price", "720")
    await page.fill("#f-quantity", "10")
    await shot(page, "flash-marketing-new-laptop")
    await page.click(".fs-form button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "Sent for approval" in await page.inner_text("main")
    await shot(page, "flash-marketing-pending-laptop")

    await ops.locator(".toast:has-text('awaits approval')").wait_for(timeout=4000)  # live, no reload
    await ops.locator(".fs-approval").nth(2).wait_for(timeout=4000)
    await shot(ops, "flash-operator-queue-laptop")
    first, second = ops.locator(".fs-approval").nth(0), ops.locator(".fs-approval").nth(1)
    await first.locator("button.btn-primary").click()
    await ops.wait_for_load_state("networkidle")
    assert "Approved" in await ops.inner_text("main")
    second = ops.locator(".fs-approval").first
    await second.locator("input[name=reason]").fill("Two sales of the same tea in one week is one too many.")
    await second.locator("button.btn-danger").click()
    await ops.wait_for_load_state("networkidle")
    assert "Rejected" in await ops.inner_text("main")
    await ops.set_viewport_size(PHONE)
    await shot(ops, "flash-operator-queue-phone")
    assert await fits(ops)

    await page.goto("/marketing/flash-sales?state=rejected")
    assert "one too many" in await page.inner_text("#flash-sale-list")
    await page.set_viewport_size(PHONE)
    await shot(page, "flash-marketing-rejected-phone")
    assert await fits(page)
    await page.goto("/marketing")
    await shot(page, "flash-marketing-overview-phone")
    assert await fits(page)
    await page.goto("/marketing/flash-sales/new?q=oolong")
    await shot(page, "flash-marketing-new-phone")
    assert await fits(page)
    assert page.js_errors == [] and ops_errors == []
    await ops_context.close()
