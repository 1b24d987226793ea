"""A merchant's promotions in Chromium, on a laptop (1280 px) and a phone (390 px): the shop's discounts,
thresholds and coupons with their states; a spend threshold made with the keyboard alone; a limited-time
discount on products found with the picker; a coupon; stopping one (it asks first); the platform's campaigns
with their funding split, entering products; and who paid for the discounts. Screenshots of every page."""

from __future__ import annotations

from mall.orders import services as orders
from mall.promotions import services as promotions
from mall.promotions.models import CouponKind, Scope
from mall.promotions.records import Control
from tests.browser.conftest import shot, sign_in
from tests.integration.promo_helpers import campaign, coupon, limited, threshold

LAPTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


async def fits(page) -> bool:
    return await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


async def world(c, factory):
    """A tea shop with promotions in every state, two campaigns (one live with its entries decided), paid orders."""
    shop = await factory.shop(name="Lishan Tea House 梨山茶坊")
    oolong = await factory.stocked_product(
        shop=shop, name="Lishan high-mountain oolong", variants=[
            ("LS-75", 68000, 40, {"size": "75 g"}), ("LS-150", 128000, 25, {"size": "150 g"}),
        ],
    )  # fmt: skip
    jasmine = await factory.stocked_product(shop=shop, name="Jasmine pearls", price=52000, stock=30)
    cups = await factory.stocked_product(shop=shop, name="Celadon tea cups", price=36000, stock=12)
    await factory.stocked_product(shop=shop, name="Bamboo tea tray", price=88000, stock=6)
    await limited(c, oolong, percent_off=15, lasts=5 * 86400)
    await limited(c, cups, fixed_price=29900, starts_in=86400, lasts=3 * 86400)
    paused = await threshold(c, shop.id, [{"min_spend": 30000, "save": 3000}, {"min_spend": 80000, "percent": 10}])
    await promotions.set_control(c, shop_id=shop.id, promotion_id=paused.id, control=Control.PAUSED)
    await threshold(c, shop.id, [{"min_spend": 150000, "save": 20000}], free_shipping=True)
    thanks = await coupon(c, scope=Scope.SHOP, shop_id=shop.id, code="THANKS50", value=5000, min_spend=30000)
    await coupon(c, scope=Scope.SHOP, shop_id=shop.id, code="TEA10", kind=CouponKind.PERCENT, value=10, cap=20000,
                 total=500, per_user=2, claimable=True, starts_in=7200)  # fmt: skip
    double = await campaign(c, percent_off=10, share=60, products=[jasmine], lasts=7 * 86400)
    await promotions.enter_products(c, shop_id=shop.id, campaign_id=double.id, product_ids=[cups.id])
    (rejected,) = await promotions.enter_products(c, shop_id=shop.id, campaign_id=double.id, product_ids=[oolong.id])
    await promotions.decide_entry(c, operator_id="op", entry_id=rejected.id, approve=False,
                                  reason="Already discounted 15% by the shop this week.")  # fmt: skip
    await campaign(c, tiers=[{"min_spend": 100000, "save": 10000}, {"min_spend": 200000, "save": 25000}], share=100,
                   starts_in=3 * 86400)  # fmt: skip
    for items, codes in (([(jasmine, 2)], ()), ([(oolong, 1), (cups, 1)], ("THANKS50",)), ([(jasmine, 1)], ())):
        buyer = await factory.user()
        paid = await factory.paid_checkout(buyer, *items, codes=codes)
        for order in paid.orders:  # seen already: no sticky order alerts over the pages
            await orders.acknowledge(c, shop_id=shop.id, order_id=order.id, user_id=shop.owner_id)
    assert (await c.promotions.coupon(thanks.id)).used == 1
    return shop, double


async def test_a_merchant_runs_the_shops_promotions_and_enters_a_campaign(page, factory, container):
    shop, double = await world(container, factory)
    await sign_in(page, (await factory.owner_of(shop)).email)
    await page.goto("/merchant/promotions")
    assert await page.locator(".pm-item").count() == 6
    assert await page.locator(".pm-item[data-state=paused]").count() == 1
    await shot(page, "promotions-merchant-list-laptop")

    # a spend threshold with the keyboard alone
    await page.goto("/merchant/promotions/threshold/new")
    await page.focus("#f-name")
    await page.keyboard.type("Autumn tiers")
    for text in ("500", None, "50", "1000", "percent", "12"):
        await page.keyboard.press("Tab")
        if text == "percent":
            await page.keyboard.press("ArrowDown")  # the select: "a percentage"
        elif text:
            await page.keyboard.type(text)
    await shot(page, "promotions-merchant-threshold-laptop")
    await page.keyboard.press("Enter")
    await page.wait_for_load_state("networkidle")
    assert "“Autumn tiers” starts in 1 hour." in await page.inner_text("main")
    tiers = await page.inner_text(".pm-item:has-text('Autumn tiers') .pm-tiers-list")
    assert "Spend NT$500, save NT$50" in tiers and "Spend NT$1,000, get 12% off" in tiers

    # a limited-time discount on products found with the picker
    await page.goto("/merchant/promotions/limited/new")
    await page.fill("#f-name", "Pearl week")
    await page.fill("#product-q", "jasmine")
    await page.locator(".pm-pick:has-text('Bamboo tea tray')").wait_for(state="detached", timeout=4000)  # htmx
    await page.locator(".pm-pick-product:has-text('Jasmine pearls') input").check()
    await page.fill("#product-q", "oolong")
    await page.locator(".pm-pick:has-text('Lishan high-mountain oolong')").wait_for(timeout=4000)
    assert await page.locator(".pm-pick-product:has-text('Jasmine pearls') input").is_checked()  # kept
    await page.locator(".pm-pick-product:has-text('oolong') input").check()
    await page.locator(".pm-pick-sku:has-text('150 g') input").check()
    await page.locator("input[name=mode][value=fixed]").check()
    assert not await page.locator("#f-percent_off").is_visible()
    await page.fill("#f-fixed_price", "999")
    await shot(page, "promotions-merchant-limited-laptop")
    await page.click("button:has-text('Create the discount')")
    await page.wait_for_load_state("networkidle")
    item = page.locator(".pm-item:has-text('Pearl week')")
    assert "Fixed price NT$999" in await item.inner_text() and "On 2 SKUs" in await item.inner_text()

    # a coupon, then stopping the oldest one (it asks first)
    await page.goto("/merchant/promotions/coupons/new")
    await page.locator("input[name=mode][value=percent]").check()
    assert await page.locator("#f-cap").is_visible() and not await page.locator("#f-amount").is_visible()
    await page.fill("#f-name", "Regulars")
    await page.fill("#f-code", "")
    await page.fill("#f-percent", "12")
    await page.fill("#f-cap", "150")
    await page.locator("input[name=delivery][value=wallet]").check()
    await shot(page, "promotions-merchant-coupon-laptop")
    await page.click("button:has-text('Create the coupon')")
    await page.wait_for_load_state("networkidle")
    assert "12% off, at most NT$150" in await page.inner_text("#h-coupons + .pm-items")
    dialogs: list[str] = []

    async def accept(dialog):
        dialogs.append(dialog.message)
        await dialog.accept()

    page.once("dialog", accept)
    await page.click("#h-coupons + .pm-items .pm-item:has-text('THANKS50') button[data-action=stop]")
    await page.wait_for_load_state("networkidle")
    assert dialogs == ["Stop “THANKS50” for good? It cannot be resumed."]
    assert "Stopped for good." in await page.inner_text("main")
    assert await page.locator(".pm-item:has-text('THANKS50')[data-state=stopped] .pm-controls").count() == 0
    assert "1 of 100 used" in await page.inner_text(".pm-item:has-text('THANKS50')")

    await page.goto("/merchant/campaigns")
    split = await page.inner_text(f"#campaign-{double.id} .pm-split")
    assert "The platform pays 60% of each discount, your shop 40%." in split
    assert "Already discounted 15%" in await page.inner_text(f"#campaign-{double.id}")
    await shot(page, "promotions-merchant-campaigns-laptop")
    await page.click(f"#campaign-{double.id} .pm-cta a")
    await page.locator(".pm-pick-product:has-text('oolong') input").check()  # entered again after the refusal
    await page.fill("#product-q", "tray")
    await page.press("#product-q", "Enter")  # the picker follows; the page stays
    await page.locator(".pm-pick:has-text('Jasmine pearls')").wait_for(state="detached", timeout=4000)
    assert page.url.endswith(f"/merchant/campaigns/{double.id}")
    await page.locator(".pm-pick-product:has-text('Bamboo tea tray') input").check()
    assert await page.locator(".pm-pick-product:has-text('oolong') input").is_checked()
    await shot(page, "promotions-merchant-campaign-laptop")
    await page.click("button:has-text('Enter the ticked products')")
    await page.wait_for_load_state("networkidle")
    assert "2 products entered" in await page.inner_text("main")
    assert await page.locator(".pm-entry-row [data-entry=pending]").count() == 3

    await page.goto("/merchant/promotions/funding")
    assert await page.inner_text("[data-total=platform]") == "NT$93"  # 60% of the jasmine's 10% off (62 + 31)
    await shot(page, "promotions-merchant-funding-laptop")

    await page.set_viewport_size(PHONE)
    for path, name in (
        ("/merchant/promotions/funding", "funding"),
        ("/merchant/promotions", "list"),
        ("/merchant/promotions/limited/new?find=oolong", "limited"),
        ("/merchant/promotions/threshold/new", "threshold"),
        ("/merchant/promotions/coupons/new", "coupon"),
        ("/merchant/campaigns", "campaigns"),
        (f"/merchant/campaigns/{double.id}", "campaign"),
    ):
        await page.goto(path)
        await shot(page, f"promotions-merchant-{name}-phone")
        assert await fits(page), path
    assert page.js_errors == []
