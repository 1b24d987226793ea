"""The operators' category tree: add, rename, reorder, delete only when empty (SECURITY row 2)."""

from __future__ import annotations

from mall.catalog import services as catalog
from mall.catalog.models import SearchQuery

HOME = "/operator/categories"


async def signed_in_operator(web, factory):
    operator = await factory.operator()
    await web.sign_in(operator.email)
    await web.page(HOME)
    return operator


async def slugs(container) -> list[tuple[str, int]]:
    return [(c.slug, c.position) for c in await catalog.list_categories(container.categories) if c.parent_id is None]


async def test_an_operator_builds_a_two_level_tree(web, factory, container):
    await signed_in_operator(web, factory)
    added = await web.form(HOME, {"name_en": "Tea", "name_zh_Hant": "茶葉", "slug": "tea", "parent_id": ""})
    assert added.status_code == 302
    tea = await catalog.get_category_by_slug(container.categories, "tea")
    child = await web.form(HOME, {"name_en": "Oolong", "name_zh_Hant": "烏龍茶", "slug": "oolong", "parent_id": tea.id})
    assert child.status_code == 302

    (node,) = await catalog.category_tree(container.categories)
    assert node.category.name == {"en": "Tea", "zh_Hant": "茶葉"}
    assert [n.category.slug for n in node.children] == ["oolong"]
    page = await web.page(HOME)
    assert "Category added." in page.text and "/c/oolong" in page.text and "茶葉" in page.text
    assert f'<option value="{tea.id}"' in page.text  # offered as a parent


async def test_bad_or_taken_addresses_and_missing_names_are_field_errors(web, factory, container):
    await signed_in_operator(web, factory)
    await factory.category(slug="tea")
    for form, message in [
        ({"name_en": "Tea", "name_zh_Hant": "茶", "slug": "tea"}, "Another category already uses this address."),
        ({"name_en": "Tea", "name_zh_Hant": "茶", "slug": "Tea Leaves"}, "lowercase letters, digits and hyphens"),
        ({"name_en": "", "name_zh_Hant": "茶", "slug": "leaves"}, "Enter the name in both languages."),
        ({"name_en": "X", "name_zh_Hant": "茶", "slug": "x", "parent_id": "0" * 24}, "Choose a parent from the list."),
    ]:
        response = await web.form(HOME, form)
        assert response.status_code == 422, form
        assert message in response.text, form
    assert len(await catalog.list_categories(container.categories)) == 1


async def test_the_tree_is_at_most_three_levels_deep(factory, container):
    a = await factory.category(slug="a")
    b = await factory.category(slug="b", parent=a)
    c = await factory.category(slug="c", parent=b)
    try:
        await factory.category(slug="d", parent=c)
    except catalog.InvalidInput as exc:
        assert "parent_id" in exc.errors
    else:  # pragma: no cover
        raise AssertionError("a fourth level was accepted")


async def test_renaming_updates_both_names_and_search_finds_the_new_name(web, factory, container):
    await signed_in_operator(web, factory)
    tea = await factory.category(slug="tea", name={"en": "Tea", "zh_Hant": "茶"})
    await factory.product(name="Dongding", category=tea)
    assert (await web.page(f"{HOME}/{tea.id}/edit")).status_code == 200

    renamed = await web.form(f"{HOME}/{tea.id}/edit", {"name_en": "Fine tea", "name_zh_Hant": "好茶葉"})

    assert renamed.status_code == 302
    assert (await catalog.get_category(container.categories, tea.id)).name == {"en": "Fine tea", "zh_Hant": "好茶葉"}
    found = await catalog.search_products(container.products, container.categories, SearchQuery(q="茶葉"))
    assert [p.name["en"] for p in found.items] == ["Dongding"]
    bad = await web.form(f"{HOME}/{tea.id}/edit", {"name_en": "", "name_zh_Hant": ""})
    assert bad.status_code == 422 and "Enter the name in both languages." in bad.text


async def test_reordering_moves_a_category_among_its_siblings(web, factory, container):
    await signed_in_operator(web, factory)
    await factory.category(slug="tea")
    await factory.category(slug="books")
    home = await factory.category(slug="home")

    up = await web.form(f"{HOME}/{home.id}/move", {"direction": "up"}, headers={"HX-Request": "true"})

    assert up.status_code == 200 and "<table" in up.text and "<html" not in up.text
    assert await slugs(container) == [("tea", 0), ("home", 1), ("books", 2)]
    down = await web.form(f"{HOME}/{home.id}/move", {"direction": "down"})
    assert down.status_code == 302
    assert await slugs(container) == [("tea", 0), ("books", 1), ("home", 2)]
    await web.form(f"{HOME}/{home.id}/move", {"direction": "down"})  # already last: nothing moves
    assert await slugs(container) == [("tea", 0), ("books", 1), ("home", 2)]


async def test_only_empty_categories_can_be_deleted_and_the_reason_is_shown(web, factory, container):
    await signed_in_operator(web, factory)
    tea = await factory.category(slug="tea", name={"en": "Tea", "zh_Hant": "茶"})
    oolong = await factory.category(slug="oolong", name={"en": "Oolong", "zh_Hant": "烏龍"}, parent=tea)
    product = await factory.product(category=oolong)

    refused = await web.form(f"{HOME}/{tea.id}/delete")
    assert refused.status_code == 302
    assert "It still has subcategories" in (await web.page(HOME)).text
    await web.form(f"{HOME}/{oolong.id}/delete")
    assert "Products are still filed under it" in (await web.page(HOME)).text
    assert len(await catalog.list_categories(container.categories)) == 2

    await catalog.delete_product(container.products, shop_id=product.shop_id, product_id=product.id)
    await web.form(f"{HOME}/{oolong.id}/delete")
    await web.form(f"{HOME}/{tea.id}/delete")
    assert await catalog.list_categories(container.categories) == []
    assert "No categories yet" in (await web.page(HOME)).text


async def test_only_operators_manage_categories(web, factory, container):
    tea = await factory.category(slug="tea")
    assert (await web.get(HOME)).status_code == 302
    merchant = await factory.merchant()
    await web.sign_in(merchant.email)
    assert (await web.get(HOME)).status_code == 403
    assert (await web.form(HOME, {"name_en": "X", "name_zh_Hant": "X", "slug": "x"})).status_code == 403
    assert (await web.form(f"{HOME}/{tea.id}/delete")).status_code == 403
    assert len(await catalog.list_categories(container.categories)) == 1


async def test_unknown_category_ids_are_404(web, factory):
    await signed_in_operator(web, factory)
    assert (await web.get(f"{HOME}/{'0' * 24}/edit")).status_code == 404
    assert (await web.form(f"{HOME}/not-an-id/delete")).status_code == 404
