"""Changing a shop's attribute definitions never breaks its products: they keep loading and listing, the
ones that no longer fit are flagged on the merchant's list, and their next edit must fix them."""

from __future__ import annotations

from mall.catalog import services as catalog
from mall.catalog.models import AttributeDef, AttrType, SearchQuery
from tests.integration.catalog_helpers import TEA_DEFS, product_form


async def test_a_new_required_field_flags_old_products_without_breaking_them(web, factory, container):
    c = container
    owner = await factory.merchant()
    await factory.attributes(owner.shop_id, TEA_DEFS)
    old = await factory.product(shop_id=owner.shop_id, name="Old oolong", attributes={"origin": "凍頂", "weight": 150})

    stricter = [
        AttributeDef("origin", "Origin 產地", AttrType.ENUM, required=True, options=["阿里山"]),  # 凍頂 dropped
        AttributeDef("grade", "Grade 等級", AttrType.ENUM, required=True, options=["A", "B"]),  # new, required
    ]
    await factory.attributes(owner.shop_id, stricter)

    # still public, still searchable, still loads for the merchant
    assert (await catalog.get_public_product(c.products, old.id)).attributes["weight"] == 150
    assert (await catalog.search_products(c.products, c.categories, SearchQuery(q="oolong"))).total == 1
    rows, _total = await catalog.merchant_products(c.products, c.attribute_sets, shop_id=owner.shop_id)
    assert rows[0].problems == {"origin": "Choose one of the options.", "grade": "This field is required."}
    assert await catalog.count_needing_attention(c.products, c.attribute_sets, owner.shop_id) == 1

    await web.sign_in(owner.email)
    listing = await web.page("/merchant/products")
    assert "Needs attention" in listing.text and "Grade 等級: This field is required." in listing.text
    assert "1 product needs attention" in listing.text
    edit = await web.page(f"/merchant/products/{old.id}/edit")
    assert edit.status_code == 200 and "(no longer a choice)" in edit.text and 'id="e-attr.grade"' in edit.text

    unfixed = await web.form(f"/merchant/products/{old.id}/edit", product_form(**{"attr.origin": "凍頂"}))
    assert unfixed.status_code == 422
    fixed = await web.form(
        f"/merchant/products/{old.id}/edit", product_form(**{"attr.origin": "阿里山", "attr.grade": "A"})
    )
    assert fixed.status_code == 302
    product = await catalog.get_merchant_product(c.products, shop_id=owner.shop_id, product_id=old.id)
    assert product.attributes == {"origin": "阿里山", "grade": "A"}  # the retired weight is gone
    assert "Needs attention" not in (await web.page("/merchant/products")).text


async def test_delisting_a_flagged_product_does_not_require_fixing_it(factory, container):
    c = container
    owner = await factory.merchant()
    await factory.attributes(owner.shop_id, TEA_DEFS)
    old = await factory.product(shop_id=owner.shop_id, attributes={"origin": "凍頂"})
    await factory.attributes(owner.shop_id, [*TEA_DEFS, AttributeDef("grade", "Grade", AttrType.TEXT, required=True)])

    await catalog.set_product_status(c.products, c.clock, shop_id=owner.shop_id, product_id=old.id, status="delisted")
    assert await catalog.get_public_product(c.products, old.id) is None


async def test_the_attributes_page_adds_rows_without_javascript_and_saves(web, factory, container):
    owner = await factory.merchant()
    await web.sign_in(owner.email)
    page = await web.page("/merchant/attributes")
    assert page.status_code == 200 and page.text.count('name="row"') == 1
    token = page.text.split('name="row" value="')[1].split('"')[0]
    first = {"row": token, f"key.{token}": "origin", f"label.{token}": "Origin 產地", f"type.{token}": "enum",
             f"options.{token}": "凍頂\n阿里山", f"required.{token}": "1"}  # fmt: skip

    more = await web.form("/merchant/attributes", {**first, "action": "add"})
    assert more.status_code == 200 and more.text.count('name="row"') == 2 and 'value="origin"' in more.text
    fragment = await web.get("/merchant/attributes/row", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith("<fieldset") and "<html" not in fragment.text

    second = {"row": [token, "b2"], "key.b2": "weight", "label.b2": "Weight", "type.b2": "number", "unit.b2": "g"}
    saved = await web.form("/merchant/attributes", {**first, **second, "action": "save"})
    assert saved.status_code == 302
    defs = await catalog.get_attribute_defs(container.attribute_sets, owner.shop_id)
    assert [(d.key, d.type, d.required, d.options, d.unit) for d in defs] == [
        ("origin", AttrType.ENUM, True, ["凍頂", "阿里山"], ""),
        ("weight", AttrType.NUMBER, False, [], "g"),
    ]
    reloaded = await web.page("/merchant/attributes")
    assert reloaded.text.count('name="row"') == 2


async def test_bad_definitions_are_shown_next_to_their_row(web, factory, container):
    owner = await factory.merchant()
    await web.sign_in(owner.email)
    await web.page("/merchant/attributes")
    bad = {"row": ["a1", "b2"], "key.a1": "Bad Key", "label.a1": "X", "type.a1": "text",
           "key.b2": "grade", "label.b2": "Grade", "type.b2": "enum", "options.b2": "", "action": "save"}  # fmt: skip
    response = await web.form("/merchant/attributes", bad)
    assert response.status_code == 422
    assert 'id="e-key.a1"' in response.text and 'id="e-options.b2"' in response.text
    assert await catalog.get_attribute_defs(container.attribute_sets, owner.shop_id) == []


async def test_saving_definitions_tells_how_many_products_need_attention(web, factory, container):
    owner = await factory.merchant()
    await factory.attributes(owner.shop_id, TEA_DEFS)
    await factory.product(shop_id=owner.shop_id, attributes={"origin": "凍頂"})
    await web.sign_in(owner.email)
    await web.page("/merchant/attributes")
    rows = {
        "row": "a1",
        "key.a1": "grade",
        "label.a1": "Grade",
        "type.a1": "text",
        "required.a1": "1",
        "action": "save",
    }
    assert (await web.form("/merchant/attributes", rows)).status_code == 302
    page = await web.page("/merchant/attributes")
    assert "1 product no longer fits them" in page.text
