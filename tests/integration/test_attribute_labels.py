"""A merchant's attribute labels speak the reader's language: each field may have a label per language
(Chinese, English), and every page that shows it — the product page, the search facets, the compare table —
uses the reader's, falling back to the merchant's own label."""

from __future__ import annotations

import re

from mall.catalog import services as catalog
from mall.catalog.models import AttributeDef, AttrType

TEA = [
    AttributeDef(
        "origin", "Origin", AttrType.ENUM, options=["凍頂", "阿里山"], labels={"en": "Origin", "zh_Hant": "產地"}
    ),
    AttributeDef("weight", "Weight", AttrType.NUMBER, unit="g", labels={"en": "Weight", "zh_Hant": "重量"}),
    AttributeDef("grind", "Grind", AttrType.TEXT),  # no label of its own language: the merchant's one
]


async def tea_world(factory):
    shop = await factory.shop(name="山茶行 Hill Tea")
    await factory.attributes(shop.id, TEA)
    made = []
    for name, origin in (("Dongding oolong 凍頂烏龍", "凍頂"), ("Alishan oolong 阿里山烏龍", "阿里山")):
        attributes = {"origin": origin, "weight": 75, "grind": "whole leaf"}
        made.append(await factory.product(shop_id=shop.id, name=name, attributes=attributes))
    return made


async def in_chinese(web):
    await web.page("/")
    await web.form("/lang", {"lang": "zh_Hant", "next": "/"})


async def test_a_chinese_reader_sees_chinese_labels_on_the_product_page_facets_and_compare(web, factory):
    dongding, alishan = await tea_world(factory)
    await in_chinese(web)

    product = (await web.page(f"/p/{dongding.id}")).text
    search = (await web.page("/search?q=oolong&a.origin=凍頂")).text
    for added in (dongding, alishan):
        await web.form("/compare", {"product_id": added.id})
    compare = (await web.page("/compare")).text

    # then 重量 / 產地 where an English page says Weight / Origin, and Grind (no Chinese label) as it is
    assert re.search(r'<th scope="row">重量</th>\s*<td>75 g', product) and "Weight" not in product
    assert '<th scope="row">產地</th>' in product and '<th scope="row">Grind</th>' in product
    assert "<legend>產地</legend>" in search and "Origin" not in search  # the facet and the active filter chip
    assert '<th scope="row">產地</th>' in compare and '<th scope="row">重量</th>' in compare


async def test_an_english_reader_sees_the_english_labels(web, factory):
    dongding, _alishan = await tea_world(factory)

    product = (await web.page(f"/p/{dongding.id}")).text

    assert '<th scope="row">Weight</th>' in product and '<th scope="row">Origin</th>' in product
    assert "重量" not in product and "產地" not in product


async def test_the_merchant_labels_each_field_per_language_on_the_attributes_page(web, factory, container):
    owner = await factory.merchant()
    await web.sign_in(owner.email)
    page = await web.page("/merchant/attributes")
    token = page.text.split('name="row" value="')[1].split('"')[0]
    row = {"row": token, f"key.{token}": "weight", f"label.{token}": "Weight", f"type.{token}": "number",
           f"unit.{token}": "g", f"label_zh_Hant.{token}": " 重量 ", f"label_en.{token}": ""}  # fmt: skip

    saved = await web.form("/merchant/attributes", {**row, "action": "save"})

    assert saved.status_code == 302
    (weight,) = await catalog.get_attribute_defs(container.attribute_sets, owner.shop_id)
    assert (weight.label, weight.labels) == ("Weight", {"zh_Hant": "重量"})
    again = (await web.page("/merchant/attributes")).text
    assert 'value="重量"' in again and 'lang="zh-Hant"' in again
    too_long = await web.form("/merchant/attributes", {**row, f"label_en.{token}": "x" * 61, "action": "save"})
    assert too_long.status_code == 422 and "At most 60 characters." in too_long.text
    assert (await catalog.get_attribute_defs(container.attribute_sets, owner.shop_id))[0].labels == {"zh_Hant": "重量"}
