"""Issue 6's "Done when", in Chromium: a marketer schedules a joint campaign starting a few seconds ahead; a shopper's
product page, open before the start, shows the campaign's banner and price once it starts, without a reload. She
adds it and two items of another shop (with its own spend threshold and a coupon she claims on its page), the cart
and the checkout show every discount split per shop, she pays in the sandbox and the paid orders carry the
discounts. Phone and laptop pictures of the product page, cart, checkout, wallet and campaign page."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from playwright.async_api import expect

from mall.infra.images import save_image
from mall.orders.models import CheckoutStatus, OrderStatus
from mall.promotions import services as promotions
from mall.promotions.models import Scope
from tests.browser.conftest import shot, sign_in
from tests.browser.test_buying_flow import LAPTOP, PHONE
from tests.browser.test_flash_sale_browser import tea
from tests.integration.promo_helpers import coupon, threshold

START_IN = 12  # seconds: the marketer schedules it, then the shopper's page is open before it starts


async def the_mall(c, factory):
    hills, city = await factory.shop(name="山茶行 Hill Tea"), await factory.shop(name="城市茶舖 City Tea")
    oolong = await tea(c, factory, hills, "Alishan Oolong", "阿里山烏龍茶", price=98000)
    baozhong = await tea(
        c, factory, city, "Pinglin Baozhong", "坪林包種茶", price=72000, colours=("#c2410c", "#7c2d12")
    )
    await threshold(c, city.id, [{"min_spend": 100000, "save": 10000}])  # 滿 1,000 減 100
    city50 = await coupon(c, scope=Scope.SHOP, shop_id=city.id, code="CITY50", value=5000, min_spend=50000,
                          claimable=True)  # fmt: skip
    await c.promotions.coupons.update_one({"_id": city50.id}, {"$set": {"name": "City Tea welcome"}})
    return (hills, oolong), (city, baozhong), city50


def banner_picture(c) -> str:
    """A stored 3:1 banner: a tea field at dusk, rows of bushes and a sun."""
    image = Image.new("RGB", (1200, 400), "#8f1846")
    draw = ImageDraw.Draw(image)
    for n in range(8):
        draw.rectangle((0, 400 - 50 * (n + 1), 1200, 400 - 50 * n), fill=(143 + 9 * n, 24 + 6 * n, 70 + 5 * n))
    draw.ellipse((880, 60, 1080, 260), fill="#ffd8a8")
    for row in range(4):
        y = 250 + row * 40
        for x in range(-40, 1240, 90):
            draw.ellipse((x + row * 30, y, x + row * 30 + 110, y + 50), fill=(27 + row * 10, 77 + row * 12, 46))
    return save_image(image, c.settings.var_path / "media")


async def a_campaign_starting_soon(browser, app, c, factory, product):
    """The marketer makes the campaign in her console (in her own browser), the merchant enters the product and
    an operator approves it (their consoles are tested elsewhere: here through the same services), the marketer
    sees the preview and schedules it to start START_IN seconds ahead."""
    marketer, operator = await factory.marketer(name="Chen Yu"), await factory.operator()
    merchant = await factory.owner_of(await c.shops.get(product.shop_id))
    banner_path = c.settings.var_path / "media" / banner_picture(c)
    zone = ZoneInfo(c.settings.timezone)
    start = (c.clock.now() + timedelta(seconds=START_IN)).astimezone(zone)
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=LAPTOP)
    context.set_default_timeout(10_000)
    console = await context.new_page()
    # the caller closes the marketer's browser: her page stays open through the sale
    await sign_in(console, marketer.email)
    await console.goto("/marketing/campaigns/new")
    await console.fill("#f-name", "雙12 Tea Festival")
    await console.fill("#f-theme", "Mountain teas from every shop, 10% off")
    await console.set_input_files("#f-banner", str(banner_path))
    await console.check("input[name=rule][value=percent]")
    assert not await console.is_visible("#f-min_spend_1")  # the tiers hide while a percentage is chosen
    await console.fill("#f-percent_off", "10")
    await console.fill("#f-platform_share_percent", "60")
    await console.fill("#f-starts_at", start.strftime("%Y-%m-%dT%H:%M:%S"))
    await console.fill("#f-ends_at", (start + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%S"))
    await console.click("button[name=next][value=draft]")
    await console.wait_for_load_state("networkidle")
    await expect(console.locator(".alert, .flash").first).to_contain_text("is saved as a draft")
    (made,) = await promotions.campaigns(c)
    assert made.status == "draft" and made.banner and made.percent_off == 10

    assert merchant.shop_id == product.shop_id
    await connected(console)
    (entry,) = await promotions.enter_products(c, shop_id=product.shop_id, campaign_id=made.id,
                                               product_ids=[product.id])  # fmt: skip
    await promotions.decide_entry(c, operator_id=operator.id, entry_id=entry.id, approve=True)

    # the preview, reloaded live by the approval: NT$980 -> NT$882, the platform paying 60% of the NT$98
    row = console.locator(f"#mk-preview tr[data-product='{product.id}']")
    await expect(row).to_contain_text("NT$882", timeout=5000)
    assert "NT$59 / NT$39" in await row.inner_text()  # 60 % of NT$98, in whole dollars (half up)
    await shot(console, "promo-marketer-preview-laptop")
    await console.click("button[data-action=schedule]")
    await console.wait_for_load_state("networkidle")
    await expect(console.locator("#mk-campaign .pm-state")).to_have_attribute("data-state", "scheduled")
    scheduled = await promotions.get_campaign(c, made.id)
    assert scheduled.status == "scheduled"
    return scheduled, console


async def connected(tab) -> None:
    await tab.wait_for_selector("#rt[data-ready=true]", state="attached")


async def both_sizes(page, name: str, path: str | None = None) -> None:
    for size, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        await page.set_viewport_size(viewport)
        if path:
            await page.goto(path)
            await page.wait_for_load_state("networkidle")
        assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (name, size)
        await page.evaluate("window.scrollTo(0, 0)")
        await shot(page, f"promo-shopper-{name}-{size}")
    await page.set_viewport_size(LAPTOP)


async def test_a_campaign_starts_on_an_open_page_and_its_discounts_reach_the_paid_orders(
    browser, app, page, container, factory
):
    (hills, oolong), (city, baozhong), city50 = await the_mall(container, factory)
    shopper = await factory.user(name="Lin Mei")
    await factory.address(shopper)
    campaign, console = await a_campaign_starting_soon(browser, app, container, factory, oolong)

    # her product page is open before the start: the banner counts down, the price is the normal one
    await sign_in(page, shopper.email)
    await page.goto(f"/p/{oolong.id}")
    await connected(page)
    await page.evaluate("() => { window.__noReload = true; }")
    banner = page.locator(f"#promo-banner .promo-banner[data-campaign='{campaign.id}']")
    await expect(banner).to_contain_text("雙12 Tea Festival")
    await expect(banner).to_have_attribute("data-status", "scheduled")
    assert "Starts in" in await banner.inner_text()
    assert await page.inner_text("#buy-box .price-big") == "NT$980"

    # the start second passes; the worker's step moves it live and says so on `deals`
    container.clock.advance(seconds=(campaign.starts_at - container.clock.now()).total_seconds())
    assert await promotions.step_campaign(container, campaign.id) == "started"

    await expect(banner).to_have_attribute("data-status", "live", timeout=5000)
    # the marketer's open page turns into the live dashboard, without a reload
    await expect(console.locator("#mk-campaign .pm-state")).to_have_attribute("data-state", "live", timeout=5000)
    await expect(console.locator("#promo-figures [data-figure=orders]")).to_have_text("0")
    await expect(page.locator("#buy-box .promo-price-now")).to_have_text("NT$882", timeout=5000)
    assert "NT$980" in await page.inner_text("#buy-box .promo-price-was")
    assert "Ends in" in await banner.inner_text()
    assert "Joint promotion" in await page.inner_text("#buy-box .promo-campaign-note")
    assert await page.evaluate("() => window.__noReload === true")  # the very same page, never reloaded
    await both_sizes(page, "product")

    await page.click("#add-to-cart-button")
    await expect(page.locator("#add-to-cart-result .add-to-cart-message")).to_contain_text("View cart")

    # the other shop: its threshold as a badge, its coupon claimed in place, two boxes added
    await page.goto(f"/p/{baozhong.id}")
    assert "Spend NT$1,000, save NT$100" in await page.inner_text("#buy-box .promo-thresholds")
    claim = page.locator(f"#claim-{city50.id}")
    await claim.locator("button").click()
    await expect(claim).to_contain_text("Claimed")
    await both_sizes(page, "product-coupon")
    await page.fill("#add-qty", "2")
    await page.click("#add-to-cart-button")
    await expect(page.locator("#add-to-cart-result .add-to-cart-message")).to_contain_text("View cart")

    # the cart: the coupon picked from the wallet; every discount in its own shop
    await page.goto("/cart")
    await page.click(".promo-picker button.promo-pick")
    await expect(page.locator(".promo-note")).to_contain_text("Coupon CITY50 applies: you save NT$50.")
    hill_part = page.locator(f".cart-shop[data-shop='{hills.id}']")
    city_part = page.locator(f".cart-shop[data-shop='{city.id}']")
    await expect(hill_part).to_contain_text("Joint promotion: 雙12 Tea Festival")
    assert "−NT$98" in await hill_part.inner_text()
    city_text = await city_part.inner_text()
    assert "Spend NT$1,000, save NT$100" in city_text and "−NT$100" in city_text
    assert "Coupon CITY50" in city_text and "−NT$50" in city_text
    # Hill Tea: 980 − 98 + 60 shipping; City Tea: 1,440 − 100 − 50, shipping free over NT$1,000
    assert await page.inner_text("#cart-total") == "NT$2,232"
    await both_sizes(page, "cart")

    # the checkout: the same, split per shop (each becomes its own order)
    await page.click("#cart-checkout")
    await page.wait_for_load_state("networkidle")
    assert page.url.endswith("/checkout")
    await expect(page.locator("#checkout-total")).to_have_text("NT$2,232")
    hill_box = await page.inner_text(f".checkout-shop-totals[data-shop='{hills.id}']")
    city_box = await page.inner_text(f".checkout-shop-totals[data-shop='{city.id}']")
    assert "Joint promotion: 雙12 Tea Festival" in hill_box and "NT$942" in hill_box
    assert "Spend NT$1,000, save NT$100" in city_box and "Coupon CITY50" in city_box and "NT$1,290" in city_box
    assert "CITY50 applies" in await page.inner_text(".promo-checkout-codes")
    await both_sizes(page, "checkout")

    await page.click("#checkout-submit")
    await page.wait_for_load_state("networkidle")
    assert "/pay/sandbox/" in page.url
    await page.click("button[value=succeed]")
    await page.wait_for_load_state("networkidle")
    assert "Payment received" in await page.inner_text("main")
    # ... and her dashboard counts the paid order, its GMV and the discount as it lands, without a reload
    figures = console.locator("#promo-figures")
    await expect(figures.locator("[data-figure=orders]")).to_have_text("1", timeout=5000)
    await expect(figures.locator("[data-figure=discount]")).to_have_text("NT$98")
    await expect(figures.locator("[data-figure=gmv]")).to_have_text("NT$942")
    assert await figures.locator(".mk-bar").count() == 1 and "山茶行 Hill Tea" in await figures.inner_text()
    for size, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        await console.set_viewport_size(viewport)
        assert await console.evaluate("document.documentElement.scrollWidth") <= viewport["width"], size
        await shot(console, f"promo-marketer-dashboard-{size}")
    await console.context.close()
    checkout_id = page.url.rsplit("/", 1)[1]
    checkout = await container.checkouts.get(checkout_id)
    assert checkout.status is CheckoutStatus.PAID and checkout.total == 223200
    orders = {o.shop_id: o for o in await container.orders.of_checkout(checkout_id)}
    hill_order, city_order = orders[hills.id], orders[city.id]
    assert all(o.status is OrderStatus.PAID for o in orders.values())
    assert (hill_order.discount, hill_order.total) == (9800, 94200)
    assert (city_order.discount, city_order.shipping_fee, city_order.total) == (15000, 0, 129000)
    assert {a["kind"] for a in hill_order.applied} == {"campaign"}
    assert {a["kind"] for a in city_order.applied} == {"spend_threshold", "shop_coupon"}
    (split,) = hill_order.lines[0].allocations
    assert (split["amount"], split["platform_funded"], split["merchant_funded"]) == (9800, 5900, 3900)  # in whole NT$
    status = await page.inner_text("main")
    assert "Joint promotion: 雙12 Tea Festival" in status and "Coupon CITY50" in status
    await shot(page, "promo-shopper-paid-laptop")

    await page.goto(f"/orders/{city_order.id}")
    order_page = await page.inner_text("main")
    assert "Spend NT$1,000, save NT$100" in order_page and "Amount paid" in order_page and "NT$1,290" in order_page
    await shot(page, "promo-shopper-order-laptop")

    # her wallet: the coupon, used; the campaign's page with its banner, countdown and prices
    await both_sizes(page, "wallet", "/account/coupons")
    assert "Used" in await page.inner_text(".promo-wallet-item[data-code='CITY50']")
    await both_sizes(page, "campaign", f"/campaigns/{campaign.id}")
    hero = await page.inner_text("#campaign-page .promo-hero")
    assert "雙12 Tea Festival" in hero and "Save 10% on every product in it" in hero and "Ends in" in hero
    assert "NT$882" in await page.inner_text("#campaign-products")
    await page.goto("/")
    await expect(page.locator("#home-campaigns .promo-strip-card")).to_contain_text("雙12 Tea Festival")
    await shot(page, "promo-shopper-home-laptop")
    assert page.js_errors == [], page.js_errors
