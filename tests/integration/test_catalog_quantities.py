"""A number attribute is a quantity unless the merchant says it can be negative: -5 g of net weight is refused
at the field (in the shopper's language), a field marked "can be negative" takes -18 °C, and products saved
with a negative value before keep working, flagged until their next edit."""

from __future__ import annotations

from mall.catalog import services as catalog
from mall.catalog.models import AttributeDef, AttrType
from tests.integration.catalog_helpers import TEA_DEFS, product_form


async def test_a_negative_net_weight_is_refused_at_its_field_in_either_language(web, factory, container):
    owner = await factory.merchant()
    await factory.attributes(owner.shop_id, TEA_DEFS)
    await web.sign_in(owner.email)
    await web.page("/merchant/products/new")

    refused = await web.form("/merchant/products/new", product_form(**{"attr.weight": "-5"}))
    assert refused.status_code == 422
    assert '<p class="error" id="e-attr.weight">Enter zero or more.</p>' in refused.text
    assert 'name="attr.weight" value="-5"' in refused.text  # what was typed stays
    await web.form("/lang", {"lang": "zh_Hant", "next": "/merchant/products/new"})
    chinese = await web.form("/merchant/products/new", product_form(**{"attr.weight": "-5"}))
    assert (
        chinese.status_code == 422 and '<p class="error" id="e-attr.weight">請輸入 0 或以上的數字。</p>' in chinese.text
    )
    assert await catalog.count_products(container.products, owner.shop_id) == 0


async def test_a_field_the_merchant_marks_as_possibly_negative_takes_a_negative_value(web, factory, container):
    owner = await factory.merchant()
    await web.sign_in(owner.email)
    await web.page("/merchant/attributes")
    rows = {
        "row": ["a1", "b2"],
        **{"key.a1": "origin", "label.a1": "Origin", "type.a1": "enum", "options.a1": "凍頂", "required.a1": "1"},
        **{"key.b2": "storage", "label.b2": "Storage temperature", "type.b2": "number", "unit.b2": "°C"},
        "negative.b2": "1",
        "action": "save",
    }
    assert (await web.form("/merchant/attributes", rows)).status_code == 302
    (_origin, storage) = await catalog.get_attribute_defs(container.attribute_sets, owner.shop_id)
    assert storage.can_be_negative is True
    assert 'name="negative.' in (await web.page("/merchant/attributes")).text

    await web.page("/merchant/products/new")
    saved = await web.form("/merchant/products/new", product_form(**{"attr.storage": "-18", "attr.weight": ""}))
    assert saved.status_code == 302, saved.text
    (row,), _total = await catalog.merchant_products(
        container.products, container.attribute_sets, shop_id=owner.shop_id
    )
    assert row.product.attributes["storage"] == -18 and row.problems == {}


async def test_a_product_saved_with_a_negative_weight_before_keeps_working_and_is_flagged(web, factory, container):
    c = container
    owner = await factory.merchant()
    lenient = [d if d.key != "weight" else AttributeDef("weight", "Net weight", AttrType.NUMBER, unit="g",
                                                        can_be_negative=True) for d in TEA_DEFS]  # fmt: skip
    await factory.attributes(owner.shop_id, lenient)
    old = await factory.product(shop_id=owner.shop_id, name="Old oolong", attributes={"origin": "凍頂", "weight": -5})
    await factory.attributes(owner.shop_id, TEA_DEFS)  # as every shop's weight reads now: 0 or more

    assert (await catalog.get_public_product(c.products, old.id)).attributes["weight"] == -5
    await web.sign_in(owner.email)
    listing = await web.page("/merchant/products")
    assert "Needs attention" in listing.text and "Net weight: Enter zero or more." in listing.text
    edit = await web.page(f"/merchant/products/{old.id}/edit")
    assert edit.status_code == 200 and '<p class="error" id="e-attr.weight">Enter zero or more.</p>' in edit.text
