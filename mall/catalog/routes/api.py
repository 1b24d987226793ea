"""JSON API: public product search and categories; the merchant's product CRUD (shop from the token or
session user, never from the body). Prices are integer minor units."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound, SanicException
from sanic.response import empty, json

from mall.catalog import services
from mall.catalog.models import CategoryNode, ProductDraft, ProductStatus, SearchQuery, VariantDraft
from mall.catalog.routes import bp
from mall.catalog.routes.common import shop_is_visible, store_uploads
from mall.catalog.schema_gen import attribute_problems
from mall.catalog.schemas import (
    CategoriesOut,
    ImageOut,
    MerchantPageOut,
    MerchantProductOut,
    MerchantQuery,
    ProductIn,
    ProductOut,
    ProductPageOut,
    ProductPatch,
    ProductQuery,
    StatusIn,
    VariantIn,
)
from mall.infra.ids import is_id
from mall.shops import services as shops
from mall.web.apidoc import doc
from mall.web.forms import Invalid, parse_json, parse_query

API = "/api/v1"


class Conflict(SanicException):
    status_code = 409
    quiet = True


MINE = f"{API}/merchant/products"


def product_out(p) -> dict:
    return ProductOut(
        id=p.id,
        shop_id=p.shop_id,
        category_id=p.category_id,
        name=p.name,
        description_html=p.description_html,
        attributes=p.attributes,
        variants=[
            {"id": v.id, "sku": v.sku, "options": v.options, "price": v.price, "stock": v.stock} for v in p.variants
        ],
        images=[f"/media/{name}" for name in p.images],
        min_price=p.min_price,
        max_price=p.max_price,
        created_at=p.created_at.isoformat(),
    ).model_dump()


def merchant_out(p, defs) -> dict:
    return MerchantProductOut(
        **product_out(p),
        status=p.status,
        visible=p.shop_visible,
        needs_attention=attribute_problems(defs, p.attributes),
    ).model_dump(mode="json")


def _category_out(node: CategoryNode) -> dict:
    c = node.category
    return {"id": c.id, "slug": c.slug, "name": c.name, "children": [_category_out(n) for n in node.children]}


# --- public ---------------------------------------------------------------------------------------------------


@bp.get(f"{API}/products", ctx_access="public")
@doc("Search listed products of open shops (422 for an unknown category or shop)", query=ProductQuery,
     response=ProductPageOut, tag="catalog")  # fmt: skip
async def api_products(request: Request):
    c = request.app.ctx.c
    data = parse_query(request, ProductQuery)
    category_id = shop_id = None
    if data.category:
        category = await services.get_category_by_slug(c.categories, data.category)
        if category is None:
            raise Invalid({"category": "unknown category"})
        category_id = category.id
    if data.shop:
        shop = await (
            shops.get_shop(c.shops, data.shop) if is_id(data.shop) else shops.get_public_shop(c.shops, data.shop)
        )
        if shop is None or not shop.is_public:
            raise Invalid({"shop": "unknown shop"})
        shop_id = shop.id
    query = SearchQuery(
        q=data.q,
        category_id=category_id,
        shop_id=shop_id,
        min_price=data.min_price,
        max_price=data.max_price,
        sort=data.sort,
        page=data.page,
        per_page=data.per_page,
        facets=False,  # the API's answer has none
    )
    page = await services.search_products(c.products, c.categories, query)
    return json(
        {"items": [product_out(p) for p in page.items], "total": page.total, "page": page.page, "pages": page.pages}
    )


@bp.get(f"{API}/products/<product_id>", ctx_access="public")
@doc("One listed product", response=ProductOut, tag="catalog")
async def api_product(request: Request, product_id: str):
    product = await services.get_public_product(request.app.ctx.c.products, product_id)
    if product is None:
        raise NotFound("no such product")
    return json(product_out(product))


@bp.get(f"{API}/categories", ctx_access="public")
@doc("The category tree", response=CategoriesOut, tag="catalog")
async def api_categories(request: Request):
    tree = await services.category_tree(request.app.ctx.c.categories)
    return json({"items": [_category_out(node) for node in tree]})


# --- merchant -------------------------------------------------------------------------------------------------


def _variants(items: list[VariantIn]) -> list[VariantDraft]:
    return [VariantDraft(sku=v.sku, price=v.price, stock=v.stock, options=dict(v.options)) for v in items]


def _fail(exc: services.InvalidInput) -> Invalid:
    return Invalid(exc.errors)


async def _defs(request: Request):
    return await services.get_attribute_defs(request.app.ctx.c.attribute_sets, request.ctx.shop_id)


async def _own(request: Request, product_id: str):
    try:
        return await services.get_merchant_product(
            request.app.ctx.c.products, shop_id=request.ctx.shop_id, product_id=product_id
        )
    except services.NotFound:
        raise NotFound("no such product in your shop") from None


@bp.get(MINE, ctx_access="merchant")
@doc("My shop's products, with what needs attention", query=MerchantQuery, response=MerchantPageOut, tag="merchant")
async def api_my_products(request: Request):
    c = request.app.ctx.c
    data = parse_query(request, MerchantQuery)
    rows, total = await services.merchant_products(
        c.products, c.attribute_sets, shop_id=request.ctx.shop_id, status=data.status, page=data.page,
        per_page=data.per_page,
    )  # fmt: skip
    defs = await _defs(request)
    return json(
        {
            "items": [merchant_out(r.product, defs) for r in rows],
            "total": total,
            "page": data.page,
            "pages": max(1, -(-total // data.per_page)),
        }
    )


@bp.post(MINE, ctx_access="merchant")
@doc("Add a product to my shop (listed)", body=ProductIn, response=MerchantProductOut, status=201, tag="merchant")
async def api_create_product(request: Request):
    c = request.app.ctx.c
    data = parse_json(request, ProductIn)
    draft = ProductDraft(
        name=data.name.model_dump(),
        category_id=data.category_id,
        description=data.description,
        attributes=dict(data.attributes),
        variants=_variants(data.variants),
        images=list(data.images),
    )
    try:
        product = await services.create_product(
            c.products, c.categories, c.attribute_sets, c.clock,
            shop_id=request.ctx.shop_id, draft=draft, shop_visible=lambda: shop_is_visible(request),
        )  # fmt: skip
    except services.InvalidInput as exc:
        raise _fail(exc) from None
    return json(merchant_out(product, await _defs(request)), status=201)


@bp.get(f"{MINE}/<product_id>", ctx_access="merchant")
@doc("One product of my shop", response=MerchantProductOut, tag="merchant")
async def api_my_product(request: Request, product_id: str):
    return json(merchant_out(await _own(request, product_id), await _defs(request)))


@bp.patch(f"{MINE}/<product_id>", ctx_access="merchant")
@doc(
    "Change a product of my shop (only the fields sent)",
    body=ProductPatch,
    response=MerchantProductOut,
    tag="merchant",
    errors={409: "The product kept changing (orders): try again"},
)
async def api_update_product(request: Request, product_id: str):
    c = request.app.ctx.c
    data = parse_json(request, ProductPatch)
    product = await _own(request, product_id)
    defs = await _defs(request)
    draft = services.draft_from(product, defs)
    sent = data.model_fields_set
    if "name" in sent and data.name is not None:
        draft.name = data.name.model_dump()
    if "category_id" in sent:
        draft.category_id = data.category_id
    for name in ("description", "attributes", "images"):
        if name in sent and getattr(data, name) is not None:
            setattr(draft, name, getattr(data, name))
    if "variants" in sent and data.variants is not None:
        draft.variants = _variants(data.variants)
    try:
        product = await services.update_product(
            c.products, c.categories, c.attribute_sets, c.clock,
            shop_id=request.ctx.shop_id, product_id=product.id, draft=draft,
        )  # fmt: skip
    except services.InvalidInput as exc:
        raise _fail(exc) from None
    except services.Busy:
        raise Conflict("the product kept changing (orders); try again") from None
    except services.NotFound:
        raise NotFound("no such product in your shop") from None
    return json(merchant_out(product, defs))


@bp.put(f"{MINE}/<product_id>/status", ctx_access="merchant")
@doc("List (上架) or delist (下架) a product of my shop", body=StatusIn, response=MerchantProductOut, tag="merchant")
async def api_set_status(request: Request, product_id: str):
    c = request.app.ctx.c
    data = parse_json(request, StatusIn)
    try:
        product = await services.set_product_status(
            c.products, c.clock, shop_id=request.ctx.shop_id, product_id=product_id, status=ProductStatus(data.status)
        )
    except services.NotFound:
        raise NotFound("no such product in your shop") from None
    return json(merchant_out(product, await _defs(request)))


@bp.delete(f"{MINE}/<product_id>", ctx_access="merchant")
@doc("Delete a product of my shop", status=204, tag="merchant")
async def api_delete_product(request: Request, product_id: str):
    try:
        await services.delete_product(request.app.ctx.c.products, shop_id=request.ctx.shop_id, product_id=product_id)
    except services.NotFound:
        raise NotFound("no such product in your shop") from None
    return empty(status=204)


@bp.post(f"{API}/merchant/images", ctx_access="merchant")
@doc("Upload a product picture (multipart field `image`); use the returned name in `images`", upload="image",
     response=ImageOut, status=201, tag="merchant")  # fmt: skip
async def api_upload_image(request: Request):
    names, error = await store_uploads(request, "image")
    if error or not names:
        raise Invalid({"image": error or "send one picture in the multipart field `image`"})
    return json({"name": names[0], "url": f"/media/{names[0]}"}, status=201)
