"""Finance in Chromium: a merchant's finance page is open; an operator approves its statement on a phone -> the
merchant's page shows the payout paid (the row, the balance, the chart, a toast) without a reload, and a second
operator's payouts queue drops the statement in place. Screenshots of every finance page at 390 and 1366 px."""

from __future__ import annotations

from datetime import timedelta

from mall.settlement import services as settlement
from mall.settlement.models import RuleScope
from mall.web.i18n import money
from tests.browser.conftest import shot, sign_in
from tests.browser.test_live_orders import connected
from tests.integration.promo_helpers import coupon
from tests.integration.settlement_helpers import buy, complete, refund, settle_day

PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


async def open_tab(browser, app, viewport, errors, **options):
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=viewport, **options)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return context, tab


async def _history(container, factory):
    """A shop with a week of business: a coupon order, a partial refund, statements, one payout paid, one waiting."""
    shop = await factory.shop(name="Lin's Tea House 林家茶行")
    owner = await factory.owner_of(shop)
    tea = await factory.stocked_product(shop=shop, price=45000, stock=50, name="Alishan Oolong 阿里山烏龍")
    cups = await factory.stocked_product(shop=shop, price=30000, stock=50, name="Celadon cups 青瓷杯組")
    await coupon(container, code="TAKE50", value=5000, lasts=10**7)
    shopper = await factory.user()
    (first,) = await buy(factory, shopper, (tea, 2), (cups, 1), codes=("TAKE50",))
    await complete(container, first)
    (earlier,) = await settle_day(container, days=7)
    payout = await settlement.approve(container, earlier.id, operator_id="op")
    await settlement.sandbox_report(container, payout.id)
    (second,) = await buy(factory, shopper, (tea, 1))
    await refund(container, second, {0: 15000})
    await complete(container, second)
    (statement,) = await settle_day(container, days=7)
    return shop, owner, statement


async def test_an_approved_payout_reaches_the_merchants_open_page_live(page, browser, app, container, factory):
    container.settings = container.settings.replace(payout_sandbox_delay_seconds=0)  # the sandbox pays at once
    shop, owner, statement = await _history(container, factory)
    operator = await factory.operator()
    errors: list[str] = []

    m_context, merchant = await open_tab(browser, app, LAPTOP, errors)
    await sign_in(merchant, owner.email)
    await merchant.goto("/merchant/finance")
    row = merchant.locator(f"tr[data-statement='{statement.id}']")
    assert "Awaiting approval" in await row.inner_text()
    await connected(merchant)
    await merchant.evaluate("() => { window.__noReload = true; }")
    await shot(merchant, "finance-merchant-laptop")

    o_context, watcher = await open_tab(browser, app, LAPTOP, errors)
    await sign_in(watcher, operator.email)
    await watcher.goto("/operator/finance")
    assert await watcher.locator(f"#payout-queue tr[data-statement='{statement.id}']").count() == 1
    await connected(watcher)
    await shot(watcher, "finance-operator-laptop")

    await page.set_viewport_size(PHONE)
    await sign_in(page, operator.email)
    await page.goto("/operator/finance")
    await shot(page, "finance-operator-phone")
    await page.click(f"#payout-queue tr[data-statement='{statement.id}'] button[type=submit]")
    await page.wait_for_load_state("networkidle")

    await merchant.locator(f"tr[data-statement='{statement.id}'] [data-payout]:has-text('Paid')").wait_for(timeout=5000)
    await merchant.locator(".toast:has-text('Payout paid')").wait_for(timeout=5000)
    assert await merchant.evaluate("() => window.__noReload === true")  # the very same page, never reloaded
    paid = await settlement.payout_for(container, statement.id)
    assert paid.status == "paid" and paid.amount == statement.payable
    balance = await settlement.shop_balance(container, shop.id)
    assert await merchant.locator("[data-balance=paid_out]").inner_text() == money(balance.paid_out, "TWD")
    assert await merchant.locator("svg .fin-bar").count() == 2
    await shot(merchant, "finance-merchant-paid-laptop")
    await watcher.locator(f"#payout-queue tr[data-statement='{statement.id}']").wait_for(state="detached", timeout=5000)

    await merchant.set_viewport_size(PHONE)
    await merchant.goto("/merchant/finance")
    await shot(merchant, "finance-merchant-phone")
    await merchant.goto(f"/merchant/finance/statements/{statement.id}")
    assert "Refund" in await merchant.inner_text("main")
    await shot(merchant, "finance-statement-phone")
    await merchant.set_viewport_size(LAPTOP)
    await merchant.reload()
    await shot(merchant, "finance-statement-laptop")
    z_context, chinese = await open_tab(browser, app, PHONE, errors, locale="zh-TW")
    await sign_in(chinese, owner.email)
    await chinese.goto("/merchant/finance")
    assert "對帳單" in await chinese.inner_text("main")
    await shot(chinese, "finance-merchant-zh-phone")
    await z_context.close()

    today = settlement.today(container)
    await settlement.put_rules(container, [
        settlement.RuleDraft(RuleScope.DEFAULT, None, 600, today + timedelta(days=14)),
        settlement.RuleDraft(RuleScope.SHOP, shop.id, 450, today),
    ], actor_id=operator.id)  # fmt: skip
    await page.goto("/operator/finance/commission")
    await shot(page, "finance-commission-phone")
    await watcher.goto("/operator/finance/commission")
    await shot(watcher, "finance-commission-laptop")
    await watcher.goto("/operator/finance")
    await watcher.click("button:has-text('Check the ledger')")
    await watcher.locator("[data-ledger=balanced]").wait_for()
    assert errors == []
    await m_context.close()
    await o_context.close()
