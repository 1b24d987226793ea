"""The catalog JSON API: public search and categories, the merchant's product CRUD, and the attacks on it
(SECURITY rows 1, 2, 3, 4, 7)."""

from __future__ import annotations

import pytest

from mall.catalog import services as catalog
from tests.integration.catalog_helpers import TEA_DEFS, api_product, png, token

MINE = "/api/v1/merchant/products"


@pytest.fixture
async def merchant(factory):
    user = await factory.merchant()
    await factory.attributes(user.shop_id, TEA_DEFS)
    return user


async def test_a_merchant_creates_reads_changes_and_deletes_a_product(api, merchant, container):
    auth = await token(api, merchant.email)

    created = await api.post(MINE, json=api_product(), headers=auth)

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["shop_id"] == merchant.shop_id and body["status"] == "listed" and body["visible"] is True
    assert body["min_price"] == body["max_price"] == 98000 and body["needs_attention"] == {}
    assert body["description_html"] == "<p>High mountain.</p>"
    product_id = body["id"]
    assert (await api.get(f"{MINE}/{product_id}", headers=auth)).json()["name"]["zh_Hant"] == "阿里山烏龍茶"
    listing = (await api.get(MINE, headers=auth)).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == product_id

    variants = [{"sku": "AL-75", "price": 52000, "stock": 3, "options": {"weight": "75g"}},
                {"sku": "AL-150", "price": 98000, "stock": 5, "options": {"weight": "150g"}}]  # fmt: skip
    patched = await api.patch(f"{MINE}/{product_id}", json={"variants": variants}, headers=auth)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["min_price"], patched.json()["max_price"]) == (52000, 98000)
    assert patched.json()["name"]["en"] == "Alishan Oolong"  # untouched fields stay

    delisted = await api.put(f"{MINE}/{product_id}/status", json={"status": "delisted"}, headers=auth)
    assert delisted.status_code == 200 and delisted.json()["status"] == "delisted"
    assert (await api.get(f"/api/v1/products/{product_id}")).status_code == 404

    assert (await api.delete(f"{MINE}/{product_id}", headers=auth)).status_code == 204
    assert (await api.get(f"{MINE}/{product_id}", headers=auth)).status_code == 404


async def test_a_variant_keeps_its_id_while_its_sku_stays(api, merchant):
    auth = await token(api, merchant.email)
    product = (await api.post(MINE, json=api_product(), headers=auth)).json()
    before = product["variants"][0]["id"]
    patched = await api.patch(
        f"{MINE}/{product['id']}", json={"variants": [{"sku": "AL-150", "price": 99000, "stock": 1}]}, headers=auth
    )
    assert patched.json()["variants"][0]["id"] == before


async def test_another_shops_product_is_a_404_and_stays_unchanged(api, merchant, factory, container):
    theirs = await factory.product(name="Their tea", variants=[{"sku": "THEIRS", "price": 5000, "stock": 3}])
    auth = await token(api, merchant.email)

    assert (await api.get(f"{MINE}/{theirs.id}", headers=auth)).status_code == 404
    assert (await api.patch(f"{MINE}/{theirs.id}", json={"name": {"en": "Mine now"}}, headers=auth)).status_code == 404
    assert (await api.put(f"{MINE}/{theirs.id}/status", json={"status": "delisted"}, headers=auth)).status_code == 404
    assert (await api.delete(f"{MINE}/{theirs.id}", headers=auth)).status_code == 404
    assert (await api.get(MINE, headers=auth)).json()["total"] == 0

    after = await catalog.get_public_product(container.products, theirs.id)
    assert after is not None and after.name == {"en": "Their tea"} and after.variants[0].stock == 3


@pytest.mark.parametrize(
    "extra",
    [
        {"shop_id": "0" * 24},
        {"status": "listed"},
        {"shop_visible": True},
        {"min_price": 1},
        {"max_price": 1},
        {"terms": ["tea"]},
        {"id": "0" * 24},
        {"created_at": "2020-01-01T00:00:00Z"},
    ],
)
async def test_fields_the_server_owns_are_refused(api, merchant, container, extra):
    auth = await token(api, merchant.email)
    response = await api.post(MINE, json=api_product(**extra), headers=auth)
    assert response.status_code == 422
    assert next(iter(extra)) in response.json()["error"]["fields"]
    assert await catalog.count_products(container.products, merchant.shop_id) == 0


async def test_patch_refuses_server_owned_fields_too(api, merchant, container):
    auth = await token(api, merchant.email)
    product = (await api.post(MINE, json=api_product(), headers=auth)).json()
    for extra in ({"shop_id": "0" * 24}, {"status": "listed"}, {"min_price": 1}, {"shop_visible": False}):
        assert (await api.patch(f"{MINE}/{product['id']}", json=extra, headers=auth)).status_code == 422, extra
    stored = await catalog.get_public_product(container.products, product["id"])
    assert stored.shop_id == merchant.shop_id and stored.min_price == 98000


@pytest.mark.parametrize("field", ["price", "stock"])
@pytest.mark.parametrize("value", [-1, 10**9 + 1, 1.5, "2", None, True])
async def test_bad_price_and_stock_are_422(api, merchant, container, field, value):
    auth = await token(api, merchant.email)
    variant = {"sku": "X-1", "price": 100, "stock": 1, field: value}
    response = await api.post(MINE, json=api_product(variants=[variant]), headers=auth)
    assert response.status_code == 422, response.text
    assert f"variants.0.{field}" in response.json()["error"]["fields"]
    assert await catalog.count_products(container.products, merchant.shop_id) == 0


async def test_zero_price_is_refused_but_zero_stock_is_a_sold_out_variant(api, merchant):
    auth = await token(api, merchant.email)
    free = api_product(variants=[{"sku": "X-1", "price": 0, "stock": 1}])
    assert (await api.post(MINE, json=free, headers=auth)).status_code == 422
    sold_out = api_product(variants=[{"sku": "X-1", "price": 100, "stock": 0}])
    assert (await api.post(MINE, json=sold_out, headers=auth)).status_code == 201


async def test_attributes_are_validated_against_the_shops_schema_field_by_field(api, merchant):
    auth = await token(api, merchant.email)
    response = await api.post(
        MINE, json=api_product(attributes={"weight": "heavy", "organic": "yes", "colour": "red"}), headers=auth
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "attributes.origin": "This field is required.",
        "attributes.weight": "Enter a number.",
        "attributes.organic": "Choose yes or no.",
        "attributes.colour": "This is not one of the shop's attributes.",
    }


async def test_duplicate_sku_codes_are_refused_within_a_shop_but_not_across_shops(api, merchant, factory):
    auth = await token(api, merchant.email)
    assert (await api.post(MINE, json=api_product(), headers=auth)).status_code == 201
    again = await api.post(MINE, json=api_product(name={"en": "Copy"}), headers=auth)
    assert again.status_code == 422 and "variants.0.sku" in again.json()["error"]["fields"]
    twice = api_product(variants=[{"sku": "A", "price": 1, "stock": 1}, {"sku": "A", "price": 1, "stock": 1}])
    assert (await api.post(MINE, json=twice, headers=auth)).status_code == 422

    other = await factory.merchant()
    await factory.attributes(other.shop_id, TEA_DEFS)
    assert (await api.post(MINE, json=api_product(), headers=await token(api, other.email))).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        api_product(name={"$ne": ""}),
        api_product(name={"en": {"$ne": ""}}),
        api_product(category_id={"$ne": None}),
        api_product(attributes={"origin": {"$ne": ""}}),
        api_product(variants=[{"sku": {"$gt": ""}, "price": 1, "stock": 1}]),
    ],
)
async def test_mongo_operators_in_the_body_are_422(api, merchant, container, body):
    auth = await token(api, merchant.email)
    assert (await api.post(MINE, json=body, headers=auth)).status_code == 422
    assert await catalog.count_products(container.products, merchant.shop_id) == 0


@pytest.mark.parametrize(
    "query",
    ["q[$ne]=x", "q=tea&q=oolong", "min_price=1.5", "min_price=-1", "page=0", "sort=cheapest", "shop[$gt]=a", "x=1"],
)
async def test_bad_search_parameters_are_422(api, query):
    response = await api.get(f"/api/v1/products?{query}")
    assert response.status_code == 422, query


async def test_shoppers_and_visitors_cannot_use_the_merchant_api(api, factory):
    assert (await api.get(MINE)).status_code == 401
    shopper = await factory.user()
    auth = await token(api, shopper.email)
    assert (await api.get(MINE, headers=auth)).status_code == 403
    assert (await api.post(MINE, json=api_product(), headers=auth)).status_code == 403


async def test_public_search_and_product_and_categories(api, factory, merchant):
    tea = await factory.category(slug="tea", name={"en": "Tea", "zh_Hant": "茶葉"})
    oolong = await factory.category(slug="oolong", name={"en": "Oolong", "zh_Hant": "烏龍茶"}, parent=tea)
    shop = await factory.c.shops.get(merchant.shop_id)
    cheap = await factory.product(
        shop_id=shop.id, name={"en": "Dongding Oolong", "zh_Hant": "凍頂烏龍茶"}, category=oolong,
        attributes={"origin": "凍頂"}, variants=[{"sku": "DD", "price": 68000, "stock": 3}],
    )  # fmt: skip
    await factory.product(name="Kettle", variants=[{"sku": "K", "price": 150000, "stock": 1}])

    by_category = (await api.get("/api/v1/products?category=tea")).json()
    assert [p["id"] for p in by_category["items"]] == [cheap.id] and by_category["total"] == 1
    assert by_category["items"][0]["variants"][0]["price"] == 68000
    assert (await api.get("/api/v1/products?q=烏龍")).json()["total"] == 1
    assert (await api.get(f"/api/v1/products?shop={shop.slug}")).json()["total"] == 1
    assert (await api.get(f"/api/v1/products?shop={shop.id}")).json()["total"] == 1
    priced = (await api.get("/api/v1/products?min_price=100000&sort=price_desc")).json()
    assert [p["name"]["en"] for p in priced["items"]] == ["Kettle"]
    assert (await api.get("/api/v1/products?category=nope")).status_code == 422
    assert (await api.get("/api/v1/products?shop=no-such-shop")).status_code == 422

    one = await api.get(f"/api/v1/products/{cheap.id}")
    assert one.status_code == 200 and "status" not in one.json() and "terms" not in one.json()
    assert (await api.get("/api/v1/products/not-an-id")).status_code == 404

    tree = (await api.get("/api/v1/categories")).json()["items"]
    assert tree == [
        {"id": tea.id, "slug": "tea", "name": {"en": "Tea", "zh_Hant": "茶葉"},
         "children": [{"id": oolong.id, "slug": "oolong", "name": {"en": "Oolong", "zh_Hant": "烏龍茶"}, "children": []}]}
    ]  # fmt: skip


async def test_pictures_upload_through_the_api_and_svg_is_refused(api, merchant):
    auth = await token(api, merchant.email)
    svg = await api.post(
        "/api/v1/merchant/images", files={"image": ("x.svg", b"<svg/>", "image/svg+xml")}, headers=auth
    )
    assert svg.status_code == 422 and "SVG" in svg.json()["error"]["fields"]["image"]
    uploaded = await api.post("/api/v1/merchant/images", files={"image": ("x.png", png(), "image/png")}, headers=auth)
    assert uploaded.status_code == 201
    name = uploaded.json()["name"]
    created = await api.post(MINE, json=api_product(images=[name]), headers=auth)
    assert created.json()["images"] == [f"/media/{name}"]
    bogus = await api.post(MINE, json=api_product(images=["../../etc/passwd"]), headers=auth)
    assert bogus.status_code == 422


async def test_the_api_is_described_in_openapi(api):
    paths = (await api.get("/api/v1/openapi.json")).json()["paths"]
    assert {"/api/v1/products", "/api/v1/products/{product_id}", "/api/v1/categories"} <= set(paths)
    assert {"get", "post"} <= set(paths["/api/v1/merchant/products"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/merchant/products/{product_id}"])
