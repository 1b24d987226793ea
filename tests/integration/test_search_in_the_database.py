"""Search sorts, cuts and counts in the database: every sort pages through each match exactly once, in the order
shoppers were promised (newest, price, rating, sales, best match by stored term weights, newest breaking ties),
and facets grouped by the database count what counting every match in Python counted."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from mall.catalog import services as catalog
from mall.catalog.models import AttributeDef, AttrType, SearchQuery, Sort
from mall.catalog.search import query_terms, relevance
from mall.catalog.services.queries import facet_value

COLOR = AttributeDef(key="color", label="Colour", type=AttrType.ENUM, options=["red", "green", "blue"])
ORGANIC = AttributeDef(key="organic", label="Organic", type=AttrType.BOOLEAN)
SIZE = AttributeDef(key="size", label="Size", type=AttrType.ENUM, options=["S", "M"])
COLOR_AS_TEXT = AttributeDef(key="color", label="Colour", type=AttrType.TEXT)  # not a facet in this shop


async def a_catalog(container, factory) -> tuple[dict[str, dict], set[tuple[str, str]]]:
    """Two shops' products with prices, figures and creation times that tie on purpose, and facet attributes
    (one shop files colour as free text, which must not be counted)."""
    tea_shop, cloth_shop = await factory.shop(), await factory.shop()
    await factory.attributes(tea_shop.id, [COLOR, ORGANIC])
    await factory.attributes(cloth_shop.id, [COLOR_AS_TEXT, SIZE])
    names = ["Oolong tea", "Green tea", "Tea cup", "Black tea set", "Tea towel", "Jasmine tea", "Mug"]
    made = []
    for n in range(28):
        shop = tea_shop if n % 3 else cloth_shop
        attributes = (
            {"color": ["red", "green", "blue"][n % 3], "organic": n % 4 == 0}
            if shop is tea_shop
            else {"color": "red", "size": ["S", "M"][n % 2]}
        )
        product = await factory.product(
            shop_id=shop.id, name=names[n % len(names)], attributes=attributes,
            variants=[{"price": 10000 + 500 * (n % 5), "stock": 5}],
        )  # fmt: skip
        made.append(product)
        if n % 4 == 3:
            container.clock.advance(seconds=1)  # runs of products created in the same second: ties on time
    for n, product in enumerate(made):
        rating = None if n % 5 == 0 else round(3 + (n % 3) * 0.5, 1)
        await container.products.set_review_figures(
            product.id, rating=rating, count=n % 4 if rating else 0, sold=(n * 7) % 5, version=1
        )
    docs = {doc["_id"]: doc async for doc in container.products.products.find({})}
    return docs, {(tea_shop.id, "color"), (tea_shop.id, "organic"), (cloth_shop.id, "size")}


def expected_order(docs: list[dict], sort: Sort, terms: list[str]) -> list[str]:
    """The promised order, as the Python sort the database replaced spelled it."""
    rows = sorted(docs, key=lambda r: (r.get("created_at") or datetime.min, r["_id"]), reverse=True)
    if sort == Sort.PRICE_ASC:
        rows.sort(key=lambda r: r.get("min_price", 0))
    elif sort == Sort.PRICE_DESC:
        rows.sort(key=lambda r: r.get("min_price", 0), reverse=True)
    elif sort == Sort.RATING:
        rows.sort(key=lambda r: (r.get("rating_avg") or 0, r.get("rating_count") or 0), reverse=True)
    elif sort == Sort.SALES:
        rows.sort(key=lambda r: r.get("sold") or 0, reverse=True)
    elif sort == Sort.RELEVANCE and terms:
        rows.sort(key=lambda r: relevance(r.get("term_weights") or {}, terms), reverse=True)
    return [r["_id"] for r in rows]


def matching(docs: dict[str, dict], q: str, chosen: dict[str, list[str]] | None = None) -> list[dict]:
    terms = query_terms(q)
    return [
        d
        for d in docs.values()
        if all(t in d["terms"] for t in terms)
        and all(facet_value(d["attributes"].get(k)) in vs for k, vs in (chosen or {}).items())
    ]


@pytest.mark.parametrize("sort", list(Sort))
@pytest.mark.parametrize("q", ["", "tea"])
async def test_every_sort_pages_through_each_match_once_in_its_order(container, factory, sort, q):
    docs, _facetable = await a_catalog(container, factory)
    wanted = expected_order(matching(docs, q), sort, query_terms(q))
    assert len(wanted) > 14

    seen, totals = [], set()
    for page in range(1, 6):
        found = await catalog.search_products(
            container.products, container.categories, SearchQuery(q=q, sort=sort, page=page, per_page=7)
        )
        seen += [p.id for p in found.items]
        totals.add(found.total)

    assert seen == wanted
    assert totals == {len(wanted)}


@pytest.mark.parametrize(
    "chosen", [{}, {"color": ["red"]}, {"color": ["red", "green"], "organic": ["true"]}, {"size": ["M"]}]
)
async def test_facets_count_what_every_match_would_have_counted(container, factory, chosen):
    docs, facetable = await a_catalog(container, factory)

    found = await catalog.search_products(
        container.products, container.categories, SearchQuery(q="tea", attrs=chosen, per_page=5)
    )

    expected: dict[str, Counter] = {}
    for key in ("color", "organic", "size"):
        others = {k: vs for k, vs in chosen.items() if k != key}
        counted = Counter(
            facet_value(d["attributes"].get(key))
            for d in matching(docs, "tea", others)
            if key in d["attributes"] and (d["shop_id"], key) in facetable
        )
        for value in chosen.get(key, ()):
            counted.setdefault(value, 0)
        if counted:
            expected[key] = counted
    assert {f.key: dict(f.values) for f in found.facets} == {k: dict(v) for k, v in expected.items()}
    for colours in ([v for v, _n in f.values] for f in found.facets if f.key == "color"):
        assert colours == [c for c in COLOR.options if c in colours]  # in the order the shop defined them
    assert found.total == len(matching(docs, "tea", chosen))
