"""In Chromium: an operator orders the category tree; a merchant defines attributes (rows added by htmx),
adds a product with two variants (a row added by htmx) on a phone, and delists it from the list in place."""

from __future__ import annotations

from playwright.async_api import expect

from mall.catalog import services as catalog
from tests.browser.conftest import shot, sign_in
from tests.integration.catalog_helpers import png


async def test_operator_orders_categories(page, factory, container):
    operator = await factory.operator()
    for slug, en, zh in [("tea", "Tea", "茶葉"), ("books", "Books", "書籍"), ("home", "Home", "居家")]:
        await factory.category(slug=slug, name={"en": en, "zh_Hant": zh})
    tea = await catalog.get_category_by_slug(container.categories, "tea")
    await factory.category(slug="oolong", name={"en": "Oolong", "zh_Hant": "烏龍茶"}, parent=tea)
    await sign_in(page, operator.email)
    await page.goto("/operator/categories")

    await page.click("tr:has-text('/c/home') button[value=up]")
    await expect(page.locator("#category-rows tr").nth(3)).to_contain_text("/c/home")

    assert [c.slug for c in await catalog.list_categories(container.categories) if c.parent_id is None] == [
        "tea", "home", "books",
    ]  # fmt: skip
    await shot(page, "catalog-operator-categories")
    assert page.js_errors == []


async def test_merchant_builds_a_product_with_htmx_rows_on_a_phone(page, factory, container, tmp_path):
    merchant = await factory.merchant()
    await factory.category(slug="oolong", name={"en": "Oolong", "zh_Hant": "烏龍茶"})
    picture = tmp_path / "tea.png"
    picture.write_bytes(png((400, 400)))
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in(page, merchant.email)

    await page.goto("/merchant/attributes")
    await page.fill("input[name^='label.']", "Origin 產地")
    await page.fill("input[name^='key.']", "origin")
    await page.select_option("select[name^='type.']", "enum")
    await page.fill("textarea[name^='options.']", "凍頂\n阿里山")
    await page.click("button[value=add]")
    await expect(page.locator(".attr-row")).to_have_count(2)
    second = page.locator(".attr-row").nth(1)
    await second.locator("input[name^='label.']").fill("Organic")
    await second.locator("input[name^='key.']").fill("organic")
    await second.locator("select[name^='type.']").select_option("boolean")
    assert not await second.locator(".attr-options").is_visible()
    await shot(page, "catalog-attributes-phone")
    await page.click("button[value=save]")
    await page.wait_for_load_state("networkidle")
    assert "Attributes saved." in await page.inner_text("main")

    await page.goto("/merchant/products/new")
    await page.fill("#f-name_en", "Dongding Oolong")
    await page.fill("#f-name_zh_Hant", "凍頂烏龍茶")
    await page.select_option("#f-category_id", label="Oolong")
    await page.select_option("[name='attr.origin']", "凍頂")
    await page.check("[name='attr.organic']")
    await page.fill("[name='dim.0.name']", "weight")
    await page.fill("input[name$='.sku']", "DD-75")
    await page.fill("input[name$='.price']", "380")
    await page.fill("input[name$='.stock']", "4")
    await page.click("button[value=add_variant]")
    await expect(page.locator(".variant-row")).to_have_count(2)
    rows = page.locator(".variant-row")
    await rows.nth(0).locator("input[name$='.opt.0']").fill("75g")
    await rows.nth(1).locator("input[name$='.opt.0']").fill("150g")
    await rows.nth(1).locator("input[name$='.sku']").fill("DD-150")
    await rows.nth(1).locator("input[name$='.price']").fill("680")
    await rows.nth(1).locator("input[name$='.stock']").fill("9")
    await page.set_input_files("#f-images", str(picture))
    await shot(page, "catalog-product-form-phone")
    await page.click("button[value=save]")
    await page.wait_for_load_state("networkidle")
    assert "Product added." in await page.inner_text("main")
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await shot(page, "catalog-products-phone")

    (row,) = (await catalog.merchant_products(container.products, container.attribute_sets, shop_id=merchant.shop_id))[
        0
    ]
    product = row.product
    assert [(v.sku, v.options, v.price, v.stock) for v in product.variants] == [
        ("DD-75", {"weight": "75g"}, 38000, 4),
        ("DD-150", {"weight": "150g"}, 68000, 9),
    ]
    assert product.attributes == {"origin": "凍頂", "organic": True} and len(product.images) == 1

    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.click(f"#product-{product.id} button[value=delisted]")
    await page.wait_for_selector(f"#product-{product.id} button[value=listed]")
    assert await catalog.get_public_product(container.products, product.id) is None
    await shot(page, "catalog-products-laptop")
    assert page.js_errors == []
