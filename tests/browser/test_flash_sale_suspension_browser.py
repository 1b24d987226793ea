"""In Chromium, on a phone and a laptop: a shopper has a sale's page open and a reservation in hand when the
operator suspends the shop. Buy answers in place that the sale is paused, the checkout of the reservation says
so too (not "expired"), /deals no longer lists it; the merchant's overview and the operator's shop page say
that flash sales and promotions stop while suspended."""

from __future__ import annotations

import pytest

from mall.flash_sales import services as flash
from mall.shops import services as shops
from tests.browser.conftest import shot, sign_in
from tests.browser.test_flash_sale_browser import sale_of, tea


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 768}], ids=["phone", "laptop"]
)
async def test_a_suspended_shops_sale_says_it_is_paused(page, container, factory, viewport):
    c = container
    name = "phone" if viewport["width"] < 500 else "laptop"
    shop = await factory.shop(name="山茶行 Hill Tea")
    oolong = await tea(c, factory, shop, "Alishan Oolong", "阿里山烏龍茶", price=98000)
    sale = await sale_of(c, oolong, price=59900, quantity=5, limit=1)
    shopper = await factory.user()
    held = await flash.reserve(c, sale.id, shopper.id, 1)
    await page.set_viewport_size(viewport)
    await sign_in(page, shopper.email)
    await page.goto(f"/flash/{sale.id}")

    await shops.suspend(
        c.shops, c.products, c.clock, shop_id=shop.id, operator_id="op", reason="Checks", events=c.events
    )

    await page.click("#flash-buy")
    result = page.locator("#flash-result [data-reason='shop_suspended']")
    await result.wait_for()
    assert "paused" in await result.inner_text()
    await shot(page, f"flash-paused-buy-{name}")

    await page.goto(f"/checkout?reservation={held.id}")
    assert "This flash sale is paused" in await page.inner_text("main")
    await shot(page, f"flash-paused-checkout-{name}")
    await page.goto("/deals")
    assert "Alishan Oolong" not in await page.inner_text("main")

    await page.context.clear_cookies()
    await sign_in(page, (await factory.owner_of(shop)).email)
    await page.goto("/merchant")
    assert "flash sales and promotions are paused" in await page.inner_text("main")
    await shot(page, f"flash-paused-merchant-home-{name}")
    other = await factory.shop(name="Other Tea")
    await page.context.clear_cookies()
    await sign_in(page, (await factory.operator()).email)
    await page.goto(f"/operator/shops/{other.id}")
    assert "its flash sales and promotions stop" in await page.inner_text("main")
    await shot(page, f"flash-paused-operator-shop-{name}")
    errors = [e for e in page.js_errors if "status of 409" not in e]  # a refusal answers 409 on purpose
    assert errors == []
