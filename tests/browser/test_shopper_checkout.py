"""What a shopper sees while buying, on a phone and a laptop: the checkout with a saved address."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in
from tests.integration.flash_helpers import make_sale
from tests.integration.promo_helpers import threshold

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("laptop", LAPTOP)])
async def test_with_a_saved_address_checkout_shows_the_new_address_form_only_when_asked(
    browser, app, factory, javascript, name, viewport
):
    # given a shopper with a saved address and a cart
    shopper = await factory.user()
    await factory.address(shopper, default=True)
    await factory.cart_with(shopper, (await factory.stocked_product(price=45000, name="Alishan oolong"), 1))
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=viewport, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    await sign_in(tab, shopper.email)

    await tab.goto("/checkout")

    # then the saved address is chosen, no empty form is in the way, and "Place order and pay" is near
    assert await tab.is_checked("input[name=address_id]:not([value=new])")
    assert not await tab.is_visible("#f-name") and not await tab.is_visible("#f-line")
    button = await tab.locator("#checkout-submit").bounding_box()
    assert button["y"] < (1500 if name == "phone" else viewport["height"])  # was two screens down on a phone
    await shot(tab, f"checkout-saved-address-{name}{'' if javascript else '-nojs'}")
    # and picking "A new address" brings the form, without JavaScript too
    await tab.check("input[name=address_id][value=new]")
    assert await tab.is_visible("#f-name") and await tab.is_visible("#f-line")
    await shot(tab, f"checkout-new-address-{name}{'' if javascript else '-nojs'}")
    await context.close()


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("laptop", LAPTOP)])
async def test_a_flash_hold_left_at_checkout_ticks_in_the_header_and_leads_back(browser, app, factory, name, viewport):
    # given a shopper who pressed Buy on a flash sale and walked away from its checkout
    sale = await make_sale(app.ctx.c, factory, price=9900)
    shopper = await factory.user()
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=viewport, locale="zh-TW")
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    await sign_in(tab, shopper.email)
    await tab.goto(f"/flash/{sale.id}")
    await tab.click("#flash-buy")
    await tab.wait_for_url("**/checkout?reservation=*")
    checkout_url = tab.url
    await tab.goto("/")

    # then the header says until when it is reserved, and its countdown ticks
    bar = tab.locator(".held-bar .flash-held")
    await bar.wait_for()
    left = await bar.locator("[data-countdown]").inner_text()
    await tab.wait_for_function(
        "was => document.querySelector('.held-bar [data-countdown]').textContent !== was", arg=left
    )
    await shot(tab, f"flash-hold-header-{name}")
    for path in ("/cart", f"/flash/{sale.id}"):  # the cart and the sale page show it too
        await tab.goto(path)
        await tab.locator("main .flash-held").wait_for()
        await shot(tab, f"flash-hold-{path.strip('/').split('/')[0]}-{name}")
    # and its link leads back to the very checkout
    await tab.goto("/")
    await bar.get_by_role("link").click()
    await tab.wait_for_url(checkout_url)
    assert await tab.locator("#checkout-submit").is_visible() and errors == []
    await context.close()


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("laptop", LAPTOP)])
async def test_attribute_labels_per_language_from_the_merchants_form_to_a_chinese_product_page(
    browser, app, factory, name, viewport
):
    # given a merchant who labels the weight field 重量 for Chinese readers on the attributes page
    owner = await factory.merchant()
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=viewport)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    await sign_in(tab, owner.email)
    await tab.goto("/merchant/attributes")
    await tab.fill("input[name^='label.']", "Weight")
    await tab.fill("input[name^='key.']", "weight")
    await tab.select_option("select[name^='type.']", "number")
    await tab.fill("input[name^='unit.']", "g")
    await tab.fill("input[name^='label_zh_Hant.']", "重量")
    await shot(tab, f"merchant-attribute-labels-{name}")
    await tab.click("button[name=action][value=save]")
    await tab.wait_for_load_state("networkidle")
    tea = await factory.product(shop_id=owner.shop_id, name="Oolong 烏龍茶", attributes={"weight": 75})

    # when a shopper reads its page in Chinese
    await tab.goto("/")
    await tab.locator("details.menu summary").click()
    await tab.click("button[name=lang][value=zh_Hant]")
    await tab.goto(f"/p/{tea.id}")

    # then the row says 重量, not Weight
    assert await tab.locator("th[scope=row]", has_text="重量").is_visible()
    assert await tab.locator("th[scope=row]", has_text="Weight").count() == 0
    await shot(tab, f"product-attribute-zh-{name}")
    await context.close()


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("laptop", LAPTOP)])
async def test_a_chinese_shopper_reads_whole_dollars_one_line_per_promotion_and_shipping_once(
    browser, app, factory, name, viewport
):
    # given a tea shop whose 滿 500 減 50 also ships free, and a kettle on a running flash sale
    c = app.ctx.c
    tea = await factory.stocked_product(price=30000, stock=20, name="Oolong 烏龍茶")
    await threshold(c, tea.shop_id, [{"min_spend": 50000, "save": 5000}], free_shipping=True)
    sale = await make_sale(c, factory, price=9900)
    shopper = await factory.user()
    await factory.address(shopper, default=True)
    await factory.cart_with(shopper, (tea, 2))
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=viewport, locale="zh-TW")
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    await sign_in(tab, shopper.email)
    await tab.goto("/")
    await tab.locator("details.menu summary").click()
    await tab.click("button[name=lang][value=zh_Hant]")

    # the search card shows the flash price, no ".00" anywhere
    await tab.goto("/search?q=Test")
    card = tab.locator(f".product-card[href='/p/{sale.product_id}']")
    assert "$99" in await card.inner_text() and "限時搶購" in await card.inner_text()
    await shot(tab, f"search-flash-card-{name}")
    # the cart: one line for the promotion, shipping once (struck $60, then 免運)
    await tab.goto("/cart")
    shop = tab.locator(f"[data-shop='{tea.shop_id}']")
    assert await shop.locator(".promo-row").all_inner_texts() == ["滿 $500 減 $50 · 免運"]
    assert "−$60" not in await shop.inner_text() and ".00" not in await tab.inner_text("main")
    await shot(tab, f"cart-promotions-{name}")
    # the checkout and, once placed and paid, the checkout's page with subtotal and shipping per shop
    await tab.goto("/checkout")
    await shot(tab, f"checkout-promotions-{name}")
    await tab.click("#checkout-submit")
    await tab.wait_for_url("**/pay/sandbox/*")
    await tab.click("button[value=succeed]")
    await tab.wait_for_url("**/checkouts/*")
    order = await tab.inner_text(".order-card")
    assert "小計" in order and "$600" in order and "$550" in order and ".00" not in order
    await shot(tab, f"checkout-paid-{name}")
    await context.close()
