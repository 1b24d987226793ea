"""A merchant's edit never undoes what checkouts took meanwhile: the stock typed in the form is applied as a
change to the current stock (SECURITY row 6: stock never below zero, units conserved)."""

from __future__ import annotations

import pytest

from mall.catalog import services as catalog
from mall.catalog.repository import ProductRepository
from tests.integration.catalog_helpers import TEA_DEFS, product_form


async def edit_form_values(web, product_id: str) -> dict:
    page = await web.page(f"/merchant/products/{product_id}/edit")
    token = page.text.split('name="vrow" value="')[1].split('"')[0]
    was = page.text.split(f'name="v.{token}.stock_was" value="')[1].split('"')[0]
    return {"vrow": token, f"v.{token}.sku": "DD-150", f"v.{token}.price": "680", f"v.{token}.stock_was": was}, token


@pytest.fixture
async def tea(factory):
    owner = await factory.merchant()
    await factory.attributes(owner.shop_id, TEA_DEFS)
    product = await factory.product(
        shop_id=owner.shop_id, attributes={"origin": "凍頂"}, variants=[{"sku": "DD-150", "price": 68000, "stock": 10}]
    )
    return owner, product


async def stock_of(container, owner, product) -> int:
    stored = await catalog.get_merchant_product(container.products, shop_id=owner.shop_id, product_id=product.id)
    return stored.variants[0].stock


async def test_units_sold_while_the_form_was_open_stay_sold(web, container, tea):
    owner, product = tea
    await web.sign_in(owner.email)
    fields, token = await edit_form_values(web, product.id)
    assert await catalog.take_stock(container.products, product.id, product.variants[0].id, 3)  # a checkout

    unchanged = await web.form(
        f"/merchant/products/{product.id}/edit", product_form(**fields, **{f"v.{token}.stock": "10"})
    )

    assert unchanged.status_code == 302
    assert await stock_of(container, owner, product) == 7


async def test_a_restock_adds_to_what_is_left(web, container, tea):
    owner, product = tea
    await web.sign_in(owner.email)
    fields, token = await edit_form_values(web, product.id)
    assert await catalog.take_stock(container.products, product.id, product.variants[0].id, 4)

    restocked = await web.form(
        f"/merchant/products/{product.id}/edit", product_form(**fields, **{f"v.{token}.stock": "15"})
    )

    assert restocked.status_code == 302
    assert await stock_of(container, owner, product) == 11  # 10 - 4 sold + 5 added
    await web.page(f"/merchant/products/{product.id}/edit")
    fields, token = await edit_form_values(web, product.id)
    lowered = await web.form(
        f"/merchant/products/{product.id}/edit", product_form(**fields, **{f"v.{token}.stock": "0"})
    )
    assert lowered.status_code == 302 and await stock_of(container, owner, product) == 0


class AlwaysChanged(ProductRepository):
    """A product that checkouts change between every read and write."""

    async def replace(self, product, **kw) -> bool:
        return False


async def test_an_edit_that_keeps_losing_the_race_is_refused_not_applied(container, tea):
    owner, product = tea
    products = AlwaysChanged(container.db)
    draft = catalog.draft_from(product, TEA_DEFS)
    draft.name = {"en": "Renamed"}
    with pytest.raises(catalog.Busy):
        await catalog.update_product(
            products, container.categories, container.attribute_sets, container.clock,
            shop_id=owner.shop_id, product_id=product.id, draft=draft,
        )  # fmt: skip
    stored = await catalog.get_merchant_product(container.products, shop_id=owner.shop_id, product_id=product.id)
    assert stored.name != {"en": "Renamed"}
