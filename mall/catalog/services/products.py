"""Merchants' products: create, edit, list / delist, delete; always inside the merchant's own shop.

The shop id comes from the caller (the session), never from the input; prices, terms and visibility are
derived here, never taken from the input. Attributes are validated against the shop's generated JSON Schema."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from mall.catalog.models import (
    AttributeDef,
    MerchantProduct,
    Product,
    ProductDraft,
    ProductStatus,
    Variant,
    VariantDraft,
)
from mall.catalog.repository import AttributeSetRepository, CategoryRepository, ProductRepository, SkuTaken
from mall.catalog.richtext import MAX_LENGTH, description_html
from mall.catalog.schema_gen import attribute_problems, validate_attributes
from mall.catalog.search import product_terms
from mall.catalog.services.categories import category_texts
from mall.catalog.services.errors import Busy, InvalidInput, NotFound
from mall.infra.ids import is_id, new_id
from mall.infra.images import is_media_name
from mall.infra.text import N_

LANGS = ("en", "zh_Hant")
NAME_MAX = 120
LIMIT = 10**9  # largest price (minor units) and stock
MAX_VARIANTS = 100
MAX_DIMENSIONS = 3
MAX_IMAGES = 10
OPTION_MAX = 40
FOLLOW_ROUNDS = 10  # passes while the shop's status keeps changing under a new product
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_variants(variants: list[VariantDraft]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not variants:
        return {"variants": N_("Add at least one variant with its price and stock.")}
    if len(variants) > MAX_VARIANTS:
        return {"variants": N_("At most 100 variants.")}
    dimensions = list(variants[0].options)
    if len(dimensions) > MAX_DIMENSIONS:
        errors["variants"] = N_("At most three option dimensions (e.g. size, colour, style).")
    skus: set[str] = set()
    combos: set[tuple] = set()
    for i, v in enumerate(variants):
        if not isinstance(v.sku, str) or not SKU_RE.match(v.sku):
            errors[f"variants.{i}.sku"] = N_("1–40 letters, digits, dots, dashes or underscores.")
        elif v.sku in skus:
            errors[f"variants.{i}.sku"] = N_("Each SKU code can be used once.")
        skus.add(v.sku)
        if not _is_int(v.price) or v.price <= 0:
            errors[f"variants.{i}.price"] = N_("Enter a price above zero.")
        elif v.price > LIMIT:
            errors[f"variants.{i}.price"] = N_("That price is too large.")
        if not _is_int(v.stock) or v.stock < 0:
            errors[f"variants.{i}.stock"] = N_("Enter a whole number of at least 0.")
        elif v.stock > LIMIT:
            errors[f"variants.{i}.stock"] = N_("That stock is too large.")
        if list(v.options) != dimensions or any(
            not isinstance(x, str) or not x.strip() or len(x) > OPTION_MAX for x in [*v.options, *v.options.values()]
        ):
            errors[f"variants.{i}.options"] = N_("Give every variant a value for each option (at most 40 characters).")
        combo = tuple(v.options.values())
        if len(variants) > 1 and combo in combos:
            errors[f"variants.{i}.options"] = N_("Two variants have the same options.")
        combos.add(combo)
    if len(variants) > 1 and not dimensions:
        errors["variants"] = N_("Several variants need options that tell them apart (e.g. size).")
    return errors


def check_draft(draft: ProductDraft, defs: list[AttributeDef], category_ok: bool) -> dict[str, str]:
    """Every problem with a draft, keyed by field path; empty when it can be saved."""
    errors: dict[str, str] = {}
    if set(draft.name) - set(LANGS) or not any(isinstance(v, str) and v.strip() for v in draft.name.values()):
        errors["name"] = N_("Enter a name in English or Chinese (or both).")
    elif any(len(v) > NAME_MAX for v in draft.name.values()):
        errors["name"] = N_("At most 120 characters.")
    if not category_ok:
        errors["category_id"] = N_("Choose a category from the list.")
    if len(draft.description or "") > MAX_LENGTH:
        errors["description"] = N_("The description is too long.")
    for key, message in validate_attributes(defs, draft.attributes).items():
        errors[f"attributes.{key}"] = message
    errors.update(check_variants(draft.variants))
    if len(draft.images) > MAX_IMAGES:
        errors["images"] = N_("At most 10 pictures.")
    elif not all(is_media_name(name) for name in draft.images) or len(set(draft.images)) != len(draft.images):
        errors["images"] = N_("Unknown picture.")
    return errors


async def check_product(
    categories: CategoryRepository, attribute_sets: AttributeSetRepository, *, shop_id: str, draft: ProductDraft
) -> dict[str, str]:
    """What `create_product` / `update_product` would refuse in this draft (nothing is written)."""
    everything = await categories.all()
    category_ok = draft.category_id is None or any(c.id == draft.category_id for c in everything)
    return check_draft(draft, await attribute_sets.get(shop_id), category_ok)


async def _validated(categories, attribute_sets, shop_id: str, draft: ProductDraft) -> list:
    errors = await check_product(categories, attribute_sets, shop_id=shop_id, draft=draft)
    if errors:
        raise InvalidInput(errors)
    return await categories.all()


def _variants(drafts: list[VariantDraft], previous: list[Variant]) -> list[Variant]:
    """A variant keeps its id while its SKU code stays the same (carts refer to variant ids). With
    `stock_was`, the merchant's change is applied to the current stock (never below zero)."""
    before = {v.sku: v for v in previous}
    out = []
    for d in drafts:
        old = before.get(d.sku)
        stock = d.stock
        if old is not None and d.stock_was is not None:
            stock = min(LIMIT, max(0, old.stock + d.stock - d.stock_was))
        out.append(
            Variant(id=old.id if old else new_id(), sku=d.sku, options=dict(d.options), price=d.price, stock=stock)
        )
    return out


def _terms(product: Product, all_categories) -> tuple[list[str], dict[str, int]]:
    return product_terms(
        names=[v for v in product.name.values() if v],
        categories=category_texts(all_categories, product.category_id),
        details=[*(v for v in product.attributes.values() if isinstance(v, str)), *(v.sku for v in product.variants)],
    )


def _clean_name(name: dict[str, str]) -> dict[str, str]:
    return {lang: name[lang].strip() for lang in LANGS if isinstance(name.get(lang), str) and name[lang].strip()}


async def create_product(
    products: ProductRepository,
    categories: CategoryRepository,
    attribute_sets: AttributeSetRepository,
    clock,
    *,
    shop_id: str,
    draft: ProductDraft,
    status: ProductStatus = ProductStatus.LISTED,
    shop_visible: bool | Callable[[], Awaitable[bool]] = True,
) -> Product:
    """A new product in `shop_id`; raises InvalidInput with every problem. `shop_visible`: False for a
    suspended shop, so the product stays hidden until the shop is reinstated; or a function that reads the
    shop's visibility now, asked again after the product is stored, so a suspend or reinstate landing in
    between (whose pass over the shop's products missed this one) is followed."""
    visible_now = shop_visible if callable(shop_visible) else None
    shop_visible = await visible_now() if visible_now else shop_visible
    everything = await _validated(categories, attribute_sets, shop_id, draft)
    now = clock.now()
    product = Product(
        id=new_id(),
        shop_id=shop_id,
        category_id=draft.category_id,
        name=_clean_name(draft.name),
        description_html=description_html(draft.description),
        attributes=dict(draft.attributes),
        variants=_variants(draft.variants, []),
        images=list(draft.images),
        status=ProductStatus(status),
        created_at=now,
        updated_at=now,
        shop_visible=shop_visible,
    )
    terms, weights = _terms(product, everything)
    rev = new_id()
    try:
        await products.add(product, terms=terms, weights=weights, rev=rev)
    except SkuTaken as exc:
        raise _sku_taken(draft, exc) from None
    await _terms_follow_categories(products, categories, product, everything, rev)
    if visible_now is not None:
        product.shop_visible = await _follow_shop(products, product, visible_now)
    return product


async def _follow_shop(products: ProductRepository, product: Product, visible_now) -> bool:
    """Set the new product's visibility until the shop's status, read after the write, agrees with it."""
    visible = product.shop_visible
    for _ in range(FOLLOW_ROUNDS):
        now = await visible_now()
        if now == visible:
            break
        visible = now
        await products.set_visible(product.id, product.shop_id, visible)
    return visible


async def update_product(
    products: ProductRepository,
    categories: CategoryRepository,
    attribute_sets: AttributeSetRepository,
    clock,
    *,
    shop_id: str,
    product_id: str,
    draft: ProductDraft,
) -> Product:
    """Replace what the merchant may change; NotFound when the product is not in `shop_id` (nothing written).

    The draft must satisfy the shop's current attribute schema: an edit is when a flagged product is fixed."""
    everything = await _validated(categories, attribute_sets, shop_id, draft)
    for _attempt in range(5):
        current = await get_merchant_product(products, shop_id=shop_id, product_id=product_id)
        product = Product(
            id=current.id,
            shop_id=current.shop_id,
            category_id=draft.category_id,
            name=_clean_name(draft.name),
            description_html=description_html(draft.description),
            attributes=dict(draft.attributes),
            variants=_variants(draft.variants, current.variants),
            images=list(draft.images),
            status=current.status,
            created_at=current.created_at,
            updated_at=clock.now(),
            shop_visible=current.shop_visible,
        )
        terms, weights = _terms(product, everything)
        rev = new_id()
        try:
            if await products.replace(product, terms=terms, weights=weights, expected=current.variants, rev=rev):
                await _terms_follow_categories(products, categories, product, everything, rev)
                return product
        except SkuTaken as exc:
            raise _sku_taken(draft, exc) from None
    raise Busy(product_id)


async def _terms_follow_categories(products, categories, product: Product, used: list, rev: str) -> None:
    """A category renamed while the product was being saved: the rename's rebuild may have read the product
    before this save stored terms made from the old name. The names are read again after the save, and the
    terms rebuilt (only while this save is the latest: a later one checks for itself)."""
    for _ in range(FOLLOW_ROUNDS):
        everything = await categories.all()
        if category_texts(everything, product.category_id) == category_texts(used, product.category_id):
            return
        terms, weights = _terms(product, everything)
        if not await products.set_terms(product.id, terms, weights, rev=rev):
            return
        used = everything


def _sku_taken(draft: ProductDraft, exc: SkuTaken) -> InvalidInput:
    index = next((i for i, v in enumerate(draft.variants) if v.sku == exc.sku), 0)
    return InvalidInput({f"variants.{index}.sku": N_("Another product of your shop already uses this SKU code.")})


def draft_from(product: Product, defs: list[AttributeDef]) -> ProductDraft:
    """The stored product as a draft (the edit form, a partial API update); drops attributes the shop no
    longer defines. The description is the stored, already sanitized HTML."""
    known = {d.key for d in defs}
    return ProductDraft(
        name=dict(product.name),
        category_id=product.category_id,
        description=product.description_html,
        attributes={k: v for k, v in product.attributes.items() if k in known},
        variants=[
            VariantDraft(sku=v.sku, price=v.price, stock=v.stock, options=dict(v.options)) for v in product.variants
        ],
        images=list(product.images),
    )


async def get_merchant_product(products: ProductRepository, *, shop_id: str, product_id: str) -> Product:
    """The product if it belongs to `shop_id`, whatever its status; NotFound otherwise."""
    product = await products.get(product_id, shop_id=shop_id) if is_id(product_id) and shop_id else None
    if product is None:
        raise NotFound(product_id)
    return product


async def set_product_status(
    products: ProductRepository, clock, *, shop_id: str, product_id: str, status: ProductStatus
) -> Product:
    """上架 / 下架. Not an edit: a flagged product may be listed or delisted without fixing it first."""
    product = (
        await products.set_status(product_id, shop_id, ProductStatus(status), clock.now())
        if is_id(product_id)
        else None
    )
    if product is None:
        raise NotFound(product_id)
    return product


async def delete_product(products: ProductRepository, *, shop_id: str, product_id: str) -> None:
    if not is_id(product_id) or not await products.delete(product_id, shop_id):
        raise NotFound(product_id)


async def merchant_products(
    products: ProductRepository,
    attribute_sets: AttributeSetRepository,
    *,
    shop_id: str,
    status: ProductStatus | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[MerchantProduct], int]:
    """A page of the shop's products, newest edits first, each with what needs fixing under today's schema."""
    page, per_page = max(1, page), max(1, min(per_page, 100))
    items, total = await products.merchant_page(shop_id, status=status, skip=(page - 1) * per_page, limit=per_page)
    defs = await attribute_sets.get(shop_id)
    return [MerchantProduct(p, attribute_problems(defs, p.attributes)) for p in items], total


async def count_needing_attention(
    products: ProductRepository, attribute_sets: AttributeSetRepository, shop_id: str
) -> int:
    defs = await attribute_sets.get(shop_id)
    rows = await products.attributes_of_shop(shop_id)
    return sum(1 for row in rows if attribute_problems(defs, row.get("attributes") or {}))


async def count_products(products: ProductRepository, shop_id: str) -> int:
    """All the shop's products, listed or not."""
    return await products.count_for_shop(shop_id)


async def set_shop_visibility(products: ProductRepository, shop_id: str, visible: bool) -> int:
    """Hide (suspend) or show again (reinstate) every product of a shop; returns how many changed."""
    return await products.set_shop_visible(shop_id, bool(visible))
