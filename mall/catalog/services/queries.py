"""What shoppers may see: listed products of visible (not suspended) shops, searched without `$text`.

Search runs one indexed query for light rows of everything that matches (terms `$all`, category subtree,
shop, price), then filters by facet values, counts facets, sorts and pages in Python, and loads full
documents for the page only. Facet counts are disjunctive: each facet is counted with the other facets'
filters applied but not its own, so a shopper can widen a choice."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from mall.catalog.models import AttributeDef, AttrType, Facet, Product, SearchPage, SearchQuery, Sort
from mall.catalog.repository import CategoryRepository, ProductRepository
from mall.catalog.schema_gen import KEY_RE
from mall.catalog.search import query_terms, relevance
from mall.catalog.services.categories import descendant_ids
from mall.infra.ids import is_id

MAX_PER_PAGE = 100
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
    """One page of public products matching the query, with facets for enum and yes/no attributes."""
    page, per_page = max(1, int(query.page)), max(1, min(int(query.per_page), MAX_PER_PAGE))
    terms = query_terms(query.q) if query.q else []
    if query.q and query.q.strip() and not terms:
        return SearchPage(items=[], total=0, page=page, per_page=per_page)
    category_ids = await descendant_ids(categories, query.category_id) if query.category_id else None
    rows = await products.search_rows(
        terms=terms,
        category_ids=category_ids,
        shop_id=query.shop_id,
        min_price=query.min_price,
        max_price=query.max_price,
        min_rating=query.min_rating,
    )
    chosen = {k: set(map(str, vs)) for k, vs in query.attrs.items() if KEY_RE.match(str(k)) and vs}
    defs_by_shop = await products.attribute_sets.for_shops(sorted({row["shop_id"] for row in rows}))
    facetable = {(shop_id, d.key) for shop_id, defs in defs_by_shop.items() for d in defs if d.type in FACET_TYPES}

    def matches(row: dict, skip: str | None = None) -> bool:
        attrs = row.get("attributes") or {}
        return all(facet_value(attrs.get(k)) in vs for k, vs in chosen.items() if k != skip)

    hits = _sorted([row for row in rows if matches(row)], query.sort, terms)
    facets = _facets(rows, defs_by_shop, facetable, chosen, matches)
    start = (page - 1) * per_page
    page_ids = [row["_id"] for row in hits[start : start + per_page]]
    by_id = {p.id: p for p in await products.many(page_ids, public=True)} if page_ids else {}
    items = [by_id[i] for i in page_ids if i in by_id]
    return SearchPage(items=items, total=len(hits), page=page, per_page=per_page, facets=facets)


def _sorted(rows: list[dict], sort: Sort, terms: list[str]) -> list[dict]:
    """Deterministic orders: newest (then id) breaks every tie."""
    rows = sorted(rows, key=lambda r: (r.get("created_at") or datetime.min, r["_id"]), reverse=True)
    if sort == Sort.PRICE_ASC:
        rows.sort(key=lambda r: r.get("min_price", 0))
    elif sort == Sort.PRICE_DESC:
        rows.sort(key=lambda r: r.get("min_price", 0), reverse=True)
    elif sort == Sort.RATING:  # best rated first; more reviews win a tie; unrated last
        rows.sort(key=lambda r: (r.get("rating_avg") or 0, r.get("rating_count") or 0), reverse=True)
    elif sort == Sort.SALES:
        rows.sort(key=lambda r: r.get("sold") or 0, reverse=True)
    elif sort == Sort.RELEVANCE and terms:
        rows.sort(key=lambda r: relevance(r.get("term_weights") or {}, terms), reverse=True)
    return rows


def _facets(rows, defs_by_shop, facetable, chosen, matches) -> list[Facet]:
    labels: dict[str, AttributeDef] = {}
    orders: dict[str, list[str]] = {}
    for shop_id in sorted(defs_by_shop):
        for d in defs_by_shop[shop_id]:
            if d.type not in FACET_TYPES:
                continue
            labels.setdefault(d.key, d)
            order = orders.setdefault(d.key, [])
            values = ["true", "false"] if d.type == AttrType.BOOLEAN else d.options
            order.extend(v for v in values if v not in order)
    facets = []
    for key, definition in labels.items():
        counts: Counter[str] = Counter()
        for row in rows:
            value = facet_value((row.get("attributes") or {}).get(key))
            if value is not None and (row["shop_id"], key) in facetable and matches(row, skip=key):
                counts[value] += 1
        for value in chosen.get(key, ()):
            counts.setdefault(value, 0)
        if counts:
            order = orders[key]
            ranked = sorted(counts, key=lambda v: (order.index(v) if v in order else len(order), v))
            values = [(v, counts[v]) for v in ranked]
            facets.append(Facet(key=key, label=definition.label, values=values, labels=definition.labels))
    return facets
