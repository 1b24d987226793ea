"""What shoppers may see: listed products of visible (not suspended) shops, searched without `$text`.

Search asks the database for one page (filtered, sorted and cut there, on an index: see the repository) and
a count; facets are grouped by the database too, one small group per shop and value, never one row per
product. Facet counts are disjunctive: each facet is counted with the other facets' filters applied but not
its own, so a shopper can widen a choice (one grouping for the facets nobody chose, one per chosen facet)."""

from __future__ import annotations

from collections import Counter, defaultdict

from mall.catalog.models import AttributeDef, AttrType, Facet, Product, SearchPage, SearchQuery
from mall.catalog.repository import CategoryRepository, ProductRepository, search_filter
from mall.catalog.schema_gen import KEY_RE
from mall.catalog.search import query_terms
from mall.catalog.services.categories import descendant_ids
from mall.infra.ids import is_id

MAX_PER_PAGE = 100
MAX_CHOSEN_FACETS = 10  # attribute filters at once (the storefront's form allows fewer)
FACET_TYPES = (AttrType.ENUM, AttrType.BOOLEAN)


async def get_public_product(products: ProductRepository, product_id: str) -> Product | None:
    """The product when it is listed and its shop visible; None otherwise (or for a malformed id)."""
    return await products.get(product_id, public=True) if is_id(product_id) else None


async def products_by_ids(
    products: ProductRepository, ids: list[str], *, include_hidden: bool = False
) -> list[Product]:
    """Public products for these ids, in the order asked; unknown or hidden ones are left out
    (`include_hidden`: delisted products and those of suspended shops too, for staff pages)."""
    wanted = list(dict.fromkeys(i for i in ids if is_id(i)))
    by_id = {p.id: p for p in await products.many(wanted, public=not include_hidden)} if wanted else {}
    return [by_id[i] for i in wanted if i in by_id]


def facet_value(value) -> str | None:
    """Attribute values as facet strings: booleans are "true" / "false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


async def search_products(
    products: ProductRepository, categories: CategoryRepository, query: SearchQuery
) -> SearchPage:
    """One page of public products matching the query, with facets for enum and yes/no attributes (unless
    `query.facets` is off)."""
    page, per_page = max(1, int(query.page)), max(1, min(int(query.per_page), MAX_PER_PAGE))
    terms = query_terms(query.q) if query.q else []
    if query.q and query.q.strip() and not terms:
        return SearchPage(items=[], total=0, page=page, per_page=per_page)
    category_ids = await descendant_ids(categories, query.category_id) if query.category_id else None
    chosen = dict(
        sorted((str(k), sorted(set(map(str, vs)))) for k, vs in query.attrs.items() if KEY_RE.match(str(k)) and vs)
    )
    chosen = dict(list(chosen.items())[:MAX_CHOSEN_FACETS])

    def where(attrs: dict[str, list[str]]) -> dict:
        return search_filter(
            terms=terms, category_ids=category_ids, shop_id=query.shop_id, min_price=query.min_price,
            max_price=query.max_price, min_rating=query.min_rating, attrs=attrs,
        )  # fmt: skip

    hits = where(chosen)
    # the shops with a match before the facet choices give the facets (and, with no choice, the total)
    per_shop = await products.count_per_shop(where({})) if query.facets else {}
    total = sum(per_shop.values()) if query.facets and not chosen else await products.count(hits)
    skip, items = (page - 1) * per_page, []
    if total > skip:
        items = await products.search_page(hits, sort=query.sort, terms=terms, skip=skip, limit=per_page)
    facets = await _facets(products, where, chosen, sorted(per_shop)) if per_shop else []
    return SearchPage(items=items, total=total, page=page, per_page=per_page, facets=facets)


async def _facets(products: ProductRepository, where, chosen: dict[str, list[str]], shop_ids: list[str]) -> list[Facet]:
    """Facets of the shops with a matching product (their own definitions: a key counts only where the shop made
    it an enum or yes/no), each value counted with the other facets' choices applied."""
    defs_by_shop = await products.attribute_sets.for_shops(shop_ids)
    labels: dict[str, AttributeDef] = {}
    orders: dict[str, list[str]] = {}
    facetable: set[tuple[str, str]] = set()
    for shop_id in sorted(defs_by_shop):
        for d in defs_by_shop[shop_id]:
            if d.type not in FACET_TYPES:
                continue
            facetable.add((shop_id, d.key))
            labels.setdefault(d.key, d)
            order = orders.setdefault(d.key, [])
            values = ["true", "false"] if d.type == AttrType.BOOLEAN else d.options
            order.extend(v for v in values if v not in order)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    groupings = [(where(chosen), [k for k in labels if k not in chosen])]
    groupings += [(where({k: vs for k, vs in chosen.items() if k != key}), [key]) for key in chosen if key in labels]
    for hits, keys in groupings:
        for shop_id, key, stored, n in await products.facet_counts(hits, keys):
            value = facet_value(stored)
            if value is not None and (shop_id, key) in facetable:
                counts[key][value] += n
    facets = []
    for key, definition in labels.items():
        for value in chosen.get(key, ()):
            counts[key].setdefault(value, 0)
        if counts[key]:
            order = orders[key]
            ranked = sorted(counts[key], key=lambda v: (order.index(v) if v in order else len(order), v))
            values = [(v, counts[key][v]) for v in ranked]
            facets.append(Facet(key=key, label=definition.label, values=values, labels=definition.labels))
    return facets


async def newest_with_pictures(products: ProductRepository, shop_ids: list[str]) -> list[Product]:
    """The newest public product with a picture of each of these shops (those that have one), in their order."""
    found = [await products.newest_with_picture(shop_id) for shop_id in shop_ids]
    return [product for product in found if product is not None]
