"""The marketplace foundation, told as people live it, in Chromium:
a shopper browses, searches in Chinese, opens a product and compares it with
another shop's; a newcomer opens a shop that the operator approves, defines its
attributes and lists a product with variants and a picture that shoppers then
find; the operator suspends the shop and its products disappear."""

from __future__ import annotations

from playwright.async_api import expect

from mall.catalog.models import AttributeDef, AttrType
from tests.browser.conftest import shot, sign_in
from tests.integration.shops_helpers import png


async def two_shops_of_tea(factory):
    cat = await factory.category(slug="oolong", name={"en": "Oolong tea", "zh_Hant": "烏龍茶"})
    hills, city = await factory.shop(name="山茶行 Hill Tea"), await factory.shop(name="城市茶舖 City Tea")
    for shop in (hills, city):
        await factory.attributes(shop.id, [AttributeDef(key="origin", label="Origin 產地", type=AttrType.TEXT)])
    first = await factory.product(
        shop_id=hills.id,
        name={"en": "Alishan Oolong", "zh_Hant": "阿里山烏龍茶"},
        category=cat,
        attributes={"origin": "Alishan"},
        variants=[{"sku": "H-1", "price": 98000, "stock": 5}],
    )
    second = await factory.product(
        shop_id=city.id,
        name={"en": "Pinglin Baozhong Oolong", "zh_Hant": "坪林包種烏龍茶"},
        category=cat,
        attributes={"origin": "Pinglin"},
        variants=[{"sku": "C-1", "price": 72000, "stock": 8}],
    )
    await factory.product(
        shop_id=city.id,
        name={"en": "Bluetooth Earphones", "zh_Hant": "藍牙耳機"},
        variants=[{"sku": "C-2", "price": 199000, "stock": 3}],
    )
    return first, second


async def test_browse_search_in_chinese_open_a_product_and_compare_two_shops(page, factory):
    first, second = await two_shops_of_tea(factory)
    await page.goto("/")
    await page.fill("#q", "烏龍茶")
    await page.press("#q", "Enter")
    await page.wait_for_load_state("networkidle")
    cards = page.locator(".product-card")
    names = await cards.all_inner_texts()
    assert len(names) == 2 and not any("耳機" in n for n in names)

    await page.click(f"a.product-card[href='/p/{first.id}']")
    await page.wait_for_load_state("networkidle")
    assert "阿里山烏龍茶" in await page.inner_text("main") or "Alishan Oolong" in await page.inner_text("main")
    await page.click("#compare-box button[type=submit]")
    await page.wait_for_selector("#compare-box .in-compare")

    await page.goto(f"/p/{second.id}")
    await page.click("#compare-box button[type=submit]")
    await page.wait_for_selector("#compare-box .in-compare")
    await page.click("#compare-box a[href='/compare']")
    await page.wait_for_load_state("networkidle")
    table = await page.inner_text("#compare-table")
    assert "Hill Tea" in table and "City Tea" in table
    assert "Alishan" in table and "Pinglin" in table
    await shot(page, "story-compare")
    assert page.js_errors == []


async def test_a_new_shop_is_approved_lists_a_product_that_shoppers_find_until_it_is_suspended(
    page, browser, app, factory, container, tmp_path
):
    await factory.category(slug="oolong", name={"en": "Oolong tea", "zh_Hant": "烏龍茶"})
    newcomer, operator = await factory.user(name="New Merchant"), await factory.operator()
    picture = tmp_path / "tea.png"
    picture.write_bytes(png((500, 500)))

    # a newcomer applies
    await sign_in(page, newcomer.email)
    await page.goto("/apply")
    await page.fill("#f-name", "雲霧茶園 Cloud Tea Garden")
    await page.fill("#f-slug", "cloud-tea")
    await page.select_option("#f-category", "tea")
    await page.click("form.card button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "being reviewed" in await page.inner_text("main")

    # the operator approves it
    ops = await browser.new_context(base_url=app.ctx.base_url, viewport={"width": 1280, "height": 900})
    tab = await ops.new_page()
    await sign_in(tab, operator.email)
    await tab.goto("/operator/applications")
    shop = await container.shops.by_slug("cloud-tea")
    await tab.click(f"#shop-{shop.id} form[action$='/approve'] button")
    await tab.wait_for_load_state("networkidle")
    assert "Application approved" in await tab.inner_text("main")

    # the owner defines the shop's attributes and lists a product with two variants and a picture
    await page.goto("/merchant/attributes")
    await page.fill("input[name^='label.']", "Elevation 海拔")
    await page.fill("input[name^='key.']", "elevation")
    await page.select_option("select[name^='type.']", "number")
    await page.click("button[value=save]")
    await page.wait_for_load_state("networkidle")
    assert "Attributes saved." in await page.inner_text("main")

    await page.goto("/merchant/products/new")
    await page.fill("#f-name_en", "Cloud Mist High Mountain Oolong")
    await page.fill("#f-name_zh_Hant", "雲霧高山烏龍茶")
    await page.select_option("#f-category_id", label="Oolong tea")
    await page.fill("[name='attr.elevation']", "1600")
    await page.fill("[name='dim.0.name']", "weight")
    await page.fill("input[name$='.sku']", "CM-75")
    await page.fill("input[name$='.price']", "450")
    await page.fill("input[name$='.stock']", "6")
    await page.click("button[value=add_variant]")
    await expect(page.locator(".variant-row")).to_have_count(2)
    rows = page.locator(".variant-row")
    await rows.nth(0).locator("input[name$='.opt.0']").fill("75g")
    await rows.nth(1).locator("input[name$='.opt.0']").fill("150g")
    await rows.nth(1).locator("input[name$='.sku']").fill("CM-150")
    await rows.nth(1).locator("input[name$='.price']").fill("820")
    await rows.nth(1).locator("input[name$='.stock']").fill("3")
    await page.set_input_files("#f-images", str(picture))
    await page.click("button[value=save]")
    await page.wait_for_load_state("networkidle")
    assert "Product added." in await page.inner_text("main")

    # a shopper finds it by a Chinese word, with its picture
    shopper = await browser.new_context(base_url=app.ctx.base_url, viewport={"width": 390, "height": 844})
    visitor = await shopper.new_page()
    await visitor.goto("/search?q=" + "雲霧")
    card = visitor.locator(".product-card", has_text="Cloud Mist High Mountain Oolong")  # English visitor
    await card.wait_for()
    assert await card.locator("img").get_attribute("src") != ""
    await card.click()
    await visitor.wait_for_load_state("networkidle")
    product_url = visitor.url
    assert "1600" in await visitor.inner_text("main")
    await shot(visitor, "story-found-product-phone")

    # the operator suspends the shop: its products vanish from search and their page
    await tab.goto(f"/operator/shops/{shop.id}")
    await tab.fill("#f-suspend", "Counterfeit complaints")
    tab.once("dialog", lambda dialog: dialog.accept())
    await tab.click("form[action$='/suspend'] button")
    await tab.wait_for_load_state("networkidle")
    await visitor.goto("/search?q=" + "雲霧")
    assert await visitor.locator(".product-card").count() == 0
    response = await visitor.goto(product_url)
    assert response.status == 404
    response = await visitor.goto("/shops/cloud-tea")
    assert response.status == 404
    assert page.js_errors == []
    await ops.close()
    await shopper.close()
