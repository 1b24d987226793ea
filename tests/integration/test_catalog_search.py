"""search_products and the other public reads: only listed products of visible shops; filters, sorts,
pagination and disjunctive facets."""

from __future__ import annotations

import pytest

from mall.catalog import services as catalog
from mall.catalog.models import AttributeDef, AttrType, SearchQuery, Sort
from mall.shops import services as shops

TEA = [
    AttributeDef("origin", "Origin 產地", AttrType.ENUM, required=True, options=["凍頂", "阿里山", "梨山"]),
    AttributeDef("organic", "Organic 有機", AttrType.BOOLEAN),
    AttributeDef("weight", "Weight", AttrType.NUMBER, unit="g"),
]


@pytest.fixture
async def world(factory, container):
    """Tea (Oolong under it) and a tea shop with four teas a minute apart, plus a kettle in another shop."""
    c = container
    tea = await factory.category(slug="tea", name={"en": "Tea", "zh_Hant": "茶葉"})
    oolong = await factory.category(slug="oolong", name={"en": "Oolong", "zh_Hant": "烏龍茶"}, parent=tea)
    kitchen = await factory.category(slug="kitchen", name={"en": "Kitchen", "zh_Hant": "廚房"})
    shop = await factory.shop(slug="mountain-tea")
    await factory.attributes(shop.id, TEA)
    made = {}
    for key, name, category, origin, organic, price in [
        ("dongding", {"en": "Dongding Oolong", "zh_Hant": "凍頂烏龍茶"}, oolong, "凍頂", False, 68000),
        (
            "alishan",
            {"en": "Alishan High Mountain Oolong", "zh_Hant": "阿里山高山烏龍茶"},
            oolong,
            "阿里山",
            True,
            98000,
        ),
        ("lishan", {"en": "Lishan Tea", "zh_Hant": "梨山茶"}, tea, "梨山", True, 128000),
        ("bags", {"en": "Cold Brew Tea Bags", "zh_Hant": "冷泡茶包"}, tea, "阿里山", False, 32000),
    ]:
        c.clock.advance(minutes=1)
        made[key] = await factory.product(
            shop_id=shop.id, name=name, category=category, attributes={"origin": origin, "organic": organic},
            variants=[{"sku": key.upper(), "price": price, "stock": 5}],
        )  # fmt: skip
    c.clock.advance(minutes=1)
    made["kettle"] = await factory.product(
        name={"en": "Kettle for oolong tea", "zh_Hant": "烏龍茶壺"}, category=kitchen,
        variants=[{"sku": "KETTLE", "price": 150000, "stock": 2}],
    )  # fmt: skip
    return {"tea": tea, "oolong": oolong, "shop": shop, **made}


async def search(container, **kw):
    return await catalog.search_products(container.products, container.categories, SearchQuery(**kw))


def names(page) -> list[str]:
    return [p.name["en"] for p in page.items]


async def test_newest_first_by_default_and_everything_public_is_counted(container, world):
    page = await search(container)
    assert page.total == 5
    assert names(page) == [
        "Kettle for oolong tea", "Cold Brew Tea Bags", "Lishan Tea", "Alishan High Mountain Oolong", "Dongding Oolong",
    ]  # fmt: skip


async def test_query_terms_must_all_match_and_names_that_match_come_first(container, world):
    page = await search(container, q="烏龍")
    assert set(names(page)) == {"Dongding Oolong", "Alishan High Mountain Oolong", "Kettle for oolong tea"}
    assert (await search(container, q="阿里山 烏龍")).total == 1
    assert (await search(container, q="oolongs")).total == 3  # plural and singular match alike
    assert (await search(container, q="!!!")).total == 0
    assert (await search(container, q="DONGDING")).total == 1  # SKU codes and names, case-insensitive

    by_category_name = await search(container, q="茶葉")  # the category name is indexed too
    assert "Cold Brew Tea Bags" in names(by_category_name) and "Kettle for oolong tea" not in names(by_category_name)


async def test_relevance_puts_name_matches_before_other_matches_then_newest(container, world):
    page = await search(container, q="oolong", sort=Sort.RELEVANCE)
    # every name matches "oolong"; the teas' category (Oolong) too, so they come before the kettle; then newest
    assert names(page) == ["Alishan High Mountain Oolong", "Dongding Oolong", "Kettle for oolong tea"]
    tea = await search(container, q="茶葉", sort=Sort.RELEVANCE)
    # no product name contains 茶葉: all match through the category name, newest first
    assert names(tea) == ["Cold Brew Tea Bags", "Lishan Tea", "Alishan High Mountain Oolong", "Dongding Oolong"]


async def test_relevance_ranks_a_newer_category_only_match_after_older_name_matches(container, world, factory):
    container.clock.advance(minutes=1)
    await factory.product(
        shop_id=world["shop"].id, name="Spring Harvest", category=world["oolong"], attributes={"origin": "凍頂"}
    )
    page = await search(container, q="烏龍茶", sort=Sort.RELEVANCE)
    assert names(page) == ["Alishan High Mountain Oolong", "Dongding Oolong", "Kettle for oolong tea", "Spring Harvest"]
    assert names(await search(container, q="烏龍茶", sort=Sort.NEWEST))[0] == "Spring Harvest"


async def test_a_category_includes_its_descendants(container, world):
    assert (await search(container, category_id=world["tea"].id)).total == 4
    assert set(names(await search(container, category_id=world["oolong"].id))) == {
        "Dongding Oolong", "Alishan High Mountain Oolong",
    }  # fmt: skip
    assert (await catalog.descendant_ids(container.categories, world["tea"].id)) == [
        world["tea"].id,
        world["oolong"].id,
    ]


async def test_shop_and_price_filters(container, world):
    assert (await search(container, shop_id=world["shop"].id)).total == 4
    between = await search(container, min_price=60000, max_price=100000, sort=Sort.PRICE_ASC)
    assert names(between) == ["Dongding Oolong", "Alishan High Mountain Oolong"]


async def test_price_sorts_and_pagination(container, world):
    cheapest = await search(container, sort=Sort.PRICE_ASC, per_page=2)
    assert names(cheapest) == ["Cold Brew Tea Bags", "Dongding Oolong"] and cheapest.total == 5 and cheapest.pages == 3
    second = await search(container, sort=Sort.PRICE_ASC, per_page=2, page=2)
    assert names(second) == ["Alishan High Mountain Oolong", "Lishan Tea"]
    last = await search(container, sort=Sort.PRICE_ASC, per_page=2, page=3)
    assert names(last) == ["Kettle for oolong tea"]
    assert (await search(container, per_page=2, page=9)).items == []
    assert names(await search(container, sort=Sort.PRICE_DESC, per_page=1)) == ["Kettle for oolong tea"]


async def test_facets_count_enum_and_yes_no_values_with_the_shops_labels(container, world):
    page = await search(container, category_id=world["tea"].id)
    facets = {f.key: f for f in page.facets}
    assert set(facets) == {"origin", "organic"}  # numbers are not facets
    assert facets["origin"].label == "Origin 產地"
    assert facets["origin"].values == [("凍頂", 1), ("阿里山", 2), ("梨山", 1)]
    assert facets["organic"].values == [("true", 2), ("false", 2)]


async def test_facet_filters_narrow_results_and_each_facet_ignores_its_own_choice(container, world):
    page = await search(container, attrs={"origin": ["阿里山"]})
    assert set(names(page)) == {"Alishan High Mountain Oolong", "Cold Brew Tea Bags"}
    facets = {f.key: f for f in page.facets}
    assert facets["origin"].values == [("凍頂", 1), ("阿里山", 2), ("梨山", 1)]  # still offers the others
    assert facets["organic"].values == [("true", 1), ("false", 1)]

    both = await search(container, attrs={"origin": ["阿里山", "梨山"], "organic": ["true"]})
    assert set(names(both)) == {"Alishan High Mountain Oolong", "Lishan Tea"}
    assert (await search(container, attrs={"origin": ["Mars"]})).total == 0
    assert (await search(container, attrs={"$where": ["1"]})).total == 5  # not an attribute key: ignored


async def test_delisted_products_and_suspended_shops_are_never_public(container, world, factory):
    c = container
    await catalog.set_product_status(
        c.products, c.clock, shop_id=world["shop"].id, product_id=world["lishan"].id, status="delisted"
    )
    assert "Lishan Tea" not in names(await search(container))
    assert await catalog.get_public_product(c.products, world["lishan"].id) is None

    hidden = await catalog.set_shop_visibility(c.products, world["shop"].id, False)
    assert hidden == 4
    assert names(await search(container)) == ["Kettle for oolong tea"]
    assert await catalog.get_public_product(c.products, world["dongding"].id) is None
    assert await catalog.count_products(c.products, world["shop"].id) == 4  # the merchant still has them

    assert await catalog.set_shop_visibility(c.products, world["shop"].id, True) == 4
    assert (await search(container)).total == 4  # lishan stays delisted


async def test_suspending_a_shop_through_the_shops_service_hides_its_products(container, world):
    c = container
    await shops.suspend(c.shops, c.products, c.clock, shop_id=world["shop"].id, operator_id=None, reason="Fake")
    assert names(await search(container)) == ["Kettle for oolong tea"]
    await shops.reinstate(c.shops, c.products, c.clock, shop_id=world["shop"].id, operator_id=None)
    assert (await search(container)).total == 5


async def test_products_by_ids_keeps_the_order_and_skips_what_is_not_public(container, world):
    c = container
    await catalog.set_product_status(
        c.products, c.clock, shop_id=world["shop"].id, product_id=world["bags"].id, status="delisted"
    )
    ids = [world["kettle"].id, "nope", world["bags"].id, world["dongding"].id, world["kettle"].id]
    found = await catalog.products_by_ids(c.products, ids)
    assert [p.id for p in found] == [world["kettle"].id, world["dongding"].id]


async def test_attribute_definitions_for_several_shops(container, world, factory):
    other = await factory.shop()
    defs = await catalog.attribute_defs_for_shops(container.attribute_sets, [world["shop"].id, other.id])
    assert [d.key for d in defs[world["shop"].id]] == ["origin", "organic", "weight"]
    assert defs[other.id] == []
