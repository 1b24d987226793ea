"""The merchant's product pages: create and edit through the HTML form, list / delist, delete, and the
attacks on them (SECURITY rows 1, 2, 3, 4, 8, 11)."""

from __future__ import annotations

from mall.catalog import services as catalog
from mall.catalog.models import ProductStatus, SearchQuery
from tests.integration.catalog_helpers import SVG, TEA_DEFS, png, product_form
from tests.integration.shops_helpers import browser


async def signed_in_merchant(web, factory, container, *, role="owner", shop=None):
    user = await factory.merchant(role=role, shop=shop)
    await factory.attributes(user.shop_id, TEA_DEFS)
    await web.sign_in(user.email)
    return user


async def test_a_merchant_adds_a_product_that_shoppers_can_then_find(web, factory, container):
    oolong = await factory.category(slug="oolong", name={"en": "Oolong", "zh_Hant": "烏龍茶"})
    merchant = await signed_in_merchant(web, factory, container)
    form = await web.page("/merchant/products/new")
    assert form.status_code == 200
    assert 'name="attr.origin"' in form.text and ">阿里山</option>" in form.text and "Net weight (g)" in form.text

    response = await web.form("/merchant/products/new", product_form(category_id=oolong.id, **{"attr.organic": "1"}))

    assert response.status_code == 302 and response.headers["location"] == "/merchant/products"
    listing = await web.page("/merchant/products")
    assert "Dongding Oolong" in listing.text and "凍頂烏龍茶" in listing.text and "Needs attention" not in listing.text
    found = await catalog.search_products(container.products, container.categories, SearchQuery(q="烏龍"))
    (product,) = found.items
    assert product.shop_id == merchant.shop_id and product.category_id == oolong.id
    assert product.attributes == {"origin": "凍頂", "weight": 150, "organic": True}
    assert [(v.sku, v.price, v.stock) for v in product.variants] == [("DD-150", 68000, 12)]
    assert product.description_html == "<p>Roasted twice.</p>"


async def test_staff_manage_products_too(web, factory, container):
    shop = await factory.shop()
    await signed_in_merchant(web, factory, container, role="staff", shop=shop)
    await web.page("/merchant/products/new")
    response = await web.form("/merchant/products/new", product_form())
    assert response.status_code == 302
    assert await catalog.count_products(container.products, shop.id) == 1


async def test_variants_are_built_from_options_and_saved_with_their_own_price_and_stock(web, factory, container):
    merchant = await signed_in_merchant(web, factory, container)
    await web.page("/merchant/products/new")
    dims = {"dim.0.name": "weight", "dim.0.values": "75g, 150g", "v.a1.sku": "", "action": "build"}
    built = await web.form("/merchant/products/new", product_form(**dims))
    assert built.status_code == 200
    assert built.text.count('name="vrow"') == 2 and 'value="75g"' in built.text and 'value="150g"' in built.text

    tokens = [t.split('"')[0] for t in built.text.split('name="vrow" value="')[1:]]
    rows = {"vrow": tokens}
    for token, (sku, weight, price, stock) in zip(
        tokens, [("DD-75", "75g", "380", "4"), ("DD-150", "150g", "680", "0")], strict=True
    ):
        rows |= {
            f"v.{token}.sku": sku,
            f"v.{token}.opt.0": weight,
            f"v.{token}.price": price,
            f"v.{token}.stock": stock,
        }
    saved = await web.form("/merchant/products/new", product_form(**{**dims, **rows, "action": "save"}))

    assert saved.status_code == 302, saved.text
    rows, _total = await catalog.merchant_products(
        container.products, container.attribute_sets, shop_id=merchant.shop_id
    )
    variants = rows[0].product.variants
    assert [(v.sku, v.options, v.price, v.stock) for v in variants] == [
        ("DD-75", {"weight": "75g"}, 38000, 4),
        ("DD-150", {"weight": "150g"}, 68000, 0),
    ]
    listing = await web.page("/merchant/products")
    assert "2 variants" in listing.text


async def test_bad_prices_and_stock_are_field_errors_and_nothing_is_saved(web, factory, container):
    merchant = await signed_in_merchant(web, factory, container)
    await web.page("/merchant/products/new")
    for price, stock, message in [
        ("-1", "3", "Enter a price above zero."),
        ("0", "3", "Enter a price above zero."),
        ("10000001", "3", "That price is too large."),
        ("abc", "3", "Enter an amount such as 450 or 450.50."),
        ("450", "-1", "Enter a whole number of at least 0."),
        ("450", "1.5", "Enter a whole number of at least 0."),
        ("450", "1000000001", "That stock is too large."),
    ]:
        response = await web.form("/merchant/products/new", product_form(**{"v.a1.price": price, "v.a1.stock": stock}))
        assert response.status_code == 422, (price, stock)
        assert message in response.text, (price, stock)
    assert await catalog.count_products(container.products, merchant.shop_id) == 0


async def test_missing_required_attribute_and_name_are_reported_next_to_the_fields(web, factory, container):
    await signed_in_merchant(web, factory, container)
    await web.page("/merchant/products/new")
    response = await web.form(
        "/merchant/products/new", product_form(name_en="", name_zh_Hant="", **{"attr.origin": "", "attr.weight": "x"})
    )
    assert response.status_code == 422
    assert 'id="e-name"' in response.text and "Enter a name in English or Chinese" in response.text
    assert 'id="e-attr.origin"' in response.text and "This field is required." in response.text
    assert 'id="e-attr.weight"' in response.text and "Enter a number." in response.text


async def test_description_is_sanitized_and_the_name_is_escaped(web, factory, container):
    merchant = await signed_in_merchant(web, factory, container)
    await web.page("/merchant/products/new")
    evil = {
        "name_en": "<script>alert('name')</script>Tea",
        "description": '<p>Nice<script>alert(1)</script></p><img src=x onerror="alert(2)"><a href="javascript:x">l</a>',
    }
    assert (await web.form("/merchant/products/new", product_form(**evil))).status_code == 302

    rows, _total = await catalog.merchant_products(
        container.products, container.attribute_sets, shop_id=merchant.shop_id
    )
    stored = rows[0].product
    assert stored.description_html == '<p>Nice</p><a rel="noopener nofollow">l</a>'
    listing = await web.page("/merchant/products")
    assert "<script>alert('name')" not in listing.text
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;Tea" in listing.text


async def test_pictures_are_re_encoded_and_svg_is_refused(web, factory, container):
    merchant = await signed_in_merchant(web, factory, container)
    await web.page("/merchant/products/new")
    refused = await web.form(
        "/merchant/products/new", product_form(), files={"images": ("logo.svg", SVG, "image/svg+xml")}
    )
    assert refused.status_code == 422 and "SVG and other markup files are not accepted" in refused.text
    assert await catalog.count_products(container.products, merchant.shop_id) == 0

    files = [("images", ("a.png", png(), "image/png")), ("images", ("b.png", png(colour=(1, 2, 3)), "image/png"))]
    saved = await web.form("/merchant/products/new", product_form(), files=files)
    assert saved.status_code == 302
    rows, _total = await catalog.merchant_products(
        container.products, container.attribute_sets, shop_id=merchant.shop_id
    )
    product = rows[0].product
    assert len(product.images) == 2 and all(name.endswith(".webp") for name in product.images)
    media = container.settings.var_path / "media"
    assert all((media / name).read_bytes()[:4] == b"RIFF" for name in product.images)

    first, second = product.images
    edit = await web.page(f"/merchant/products/{product.id}/edit")
    assert f"/media/{first}" in edit.text
    reordered = product_form(
        image=[first, second], **{f"image_pos.{first}": "2", f"image_pos.{second}": "1", f"image_remove.{first}": ""}
    )
    assert (await web.form(f"/merchant/products/{product.id}/edit", reordered)).status_code == 302
    assert (
        await catalog.get_merchant_product(container.products, shop_id=merchant.shop_id, product_id=product.id)
    ).images == [second, first]
    removed = product_form(image=[first, second], **{f"image_remove.{second}": "1"})
    assert (await web.form(f"/merchant/products/{product.id}/edit", removed)).status_code == 302
    assert (
        await catalog.get_merchant_product(container.products, shop_id=merchant.shop_id, product_id=product.id)
    ).images == [first]


async def test_delist_and_list_again_from_the_product_list(web, factory, container):
    merchant = await signed_in_merchant(web, factory, container)
    product = await factory.product(shop_id=merchant.shop_id, attributes={"origin": "凍頂"})
    await web.page("/merchant/products")

    delisted = await web.form(
        f"/merchant/products/{product.id}/status", {"status": "delisted"}, headers={"HX-Request": "true"}
    )

    assert delisted.status_code == 200 and delisted.text.lstrip().startswith("<tr") and ">List<" in delisted.text
    assert await catalog.get_public_product(container.products, product.id) is None
    listed = await web.form(
        f"/merchant/products/{product.id}/status", {"status": "listed", "next": "/merchant/products?status=listed"}
    )
    assert listed.status_code == 302 and listed.headers["location"] == "/merchant/products?status=listed"
    assert await catalog.get_public_product(container.products, product.id) is not None
    only_delisted = await web.page("/merchant/products?status=delisted")
    assert "No products with this status." in only_delisted.text


async def test_another_shops_product_is_a_404_and_stays_unchanged(web, factory, container):
    await signed_in_merchant(web, factory, container)
    other = await factory.product(name="Their tea", variants=[{"sku": "THEIRS", "price": 5000, "stock": 3}])
    await web.page("/merchant/products")

    assert (await web.get(f"/merchant/products/{other.id}/edit")).status_code == 404
    assert (await web.form(f"/merchant/products/{other.id}/edit", product_form())).status_code == 404
    assert (await web.form(f"/merchant/products/{other.id}/status", {"status": "delisted"})).status_code == 404
    assert (await web.form(f"/merchant/products/{other.id}/delete")).status_code == 404
    assert (await web.get("/merchant/products/not-an-id/edit")).status_code == 404

    after = await catalog.get_public_product(container.products, other.id)
    assert after is not None and after.name == {"en": "Their tea"} and after.variants[0].sku == "THEIRS"
    assert after.status == ProductStatus.LISTED
    assert "Their tea" not in (await web.page("/merchant/products")).text


async def test_extra_fields_in_the_form_never_reach_the_product(web, factory, container):
    merchant = await signed_in_merchant(web, factory, container)
    other_shop = await factory.shop()
    await web.page("/merchant/products/new")
    extra = {"shop_id": other_shop.id, "status": "listed", "shop_visible": "1", "min_price": "1", "terms": "x"}
    assert (await web.form("/merchant/products/new", product_form(**extra))).status_code == 302
    assert await catalog.count_products(container.products, other_shop.id) == 0
    rows, _total = await catalog.merchant_products(
        container.products, container.attribute_sets, shop_id=merchant.shop_id
    )
    assert rows[0].product.min_price == 68000


async def test_delete_asks_first_and_removes_the_product(web, factory, container):
    merchant = await signed_in_merchant(web, factory, container)
    product = await factory.product(shop_id=merchant.shop_id, attributes={"origin": "凍頂"})
    listing = await web.page("/merchant/products")
    assert 'data-confirm="Delete this product? This cannot be undone."' in listing.text
    response = await web.form(f"/merchant/products/{product.id}/delete")
    assert response.status_code == 302
    assert await catalog.count_products(container.products, merchant.shop_id) == 0


async def test_shoppers_are_refused_and_visitors_sent_to_sign_in(web, factory, app):
    assert (await web.get("/merchant/products")).headers["location"] == "/login?next=/merchant/products"
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    for path in ("/merchant/products", "/merchant/products/new", "/merchant/attributes"):
        assert (await web.get(path)).status_code == 403, path
    operator = await factory.operator()
    async with browser(app, operator.email) as tab:
        assert (await tab.get("/merchant/products")).status_code == 403


async def test_a_suspended_shops_new_products_stay_hidden(web, factory, container):
    shop = await factory.shop(status="suspended")
    await signed_in_merchant(web, factory, container, shop=shop)
    await web.page("/merchant/products/new")
    assert (await web.form("/merchant/products/new", product_form())).status_code == 302
    rows, _total = await catalog.merchant_products(container.products, container.attribute_sets, shop_id=shop.id)
    product = rows[0].product
    assert product.shop_visible is False
    assert await catalog.get_public_product(container.products, product.id) is None
    assert "Hidden while the shop is suspended" in (await web.page("/merchant/products")).text
