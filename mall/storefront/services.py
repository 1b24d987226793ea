"""What each public page shows, gathered from the catalog and shops services.

Only approved shops and listed products reach a shopper: every view goes through the public service calls,
which hide delisted products and suspended shops."""

from __future__ import annotations

import colorsys
from dataclasses import dataclass, field

from mall.catalog import services as catalog
from mall.catalog.models import Category, CategoryNode, Product, SearchPage, SearchQuery, Sort, Variant, label_in
from mall.infra.ids import is_id
from mall.shops import services as shops_services
from mall.shops.models import DEFAULT_THEME, THEME_RE, Shop

COMPARE_LIMIT = 4
FEATURED_SHOPS = 8
NEW_ARRIVALS = 8
PER_PAGE = 24


class NotFound(Exception):
    """The page does not exist for a shopper (unknown, delisted, suspended)."""


class CompareFull(Exception):
    """The compare list already holds COMPARE_LIMIT products."""


def theme_colour(shop: Shop) -> str:
    """The shop's colour, checked again on the way out: only `#rrggbb` reaches a style attribute; darkened (same
    hue) where white text on it would read below 4.5:1, since buttons and badges are white on the shop's colour."""
    colour = (shop.theme_color or "").lower()
    return readable_under_white(colour if THEME_RE.match(colour) else DEFAULT_THEME)


WCAG_AA = 4.5


def _contrast_with_white(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of white against an sRGB colour (channels 0..1)."""
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def readable_under_white(colour: str) -> str:
    """`#rrggbb`, or the darkest-needed shade of it (lightness lowered, hue and saturation kept) that carries white
    text at WCAG AA."""
    rgb = tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    if _contrast_with_white(rgb) >= WCAG_AA:
        return colour
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgb)
    while lightness > 0:
        lightness = max(0.0, lightness - 0.01)
        shade = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, lightness, saturation))
        if _contrast_with_white(tuple(c / 255 for c in shade)) >= WCAG_AA:
            break
    return "#" + "".join(f"{c:02x}" for c in shade)


# --- home ---------------------------------------------------------------------------------------------------


@dataclass
class HomeView:
    categories: list[Category]
    featured: list[Product]
    new_arrivals: list[Product]
    shops: list[Shop]
    shop_by_id: dict[str, Shop]


async def home(products, categories, shops) -> HomeView:
    """Top-level categories, one recent product with a picture per open shop, the newest products, the shops."""
    open_shops, _total = await shops_services.list_public_shops(shops, page=1, per_page=FEATURED_SHOPS)
    featured = await catalog.newest_with_pictures(products, [shop.id for shop in open_shops])
    newest = await catalog.search_products(
        products, categories, SearchQuery(sort=Sort.NEWEST, per_page=NEW_ARRIVALS, facets=False)
    )
    top = children_of(await catalog.list_categories(categories), None)
    shop_by_id = await _shops_for(shops, [*featured, *newest.items], known=open_shops)
    return HomeView(top, featured, newest.items, open_shops, shop_by_id)


async def _shops_for(shops, items: list[Product], known: list[Shop] = ()) -> dict[str, Shop]:
    by_id = {shop.id: shop for shop in known}
    missing = sorted({p.shop_id for p in items} - set(by_id))
    if missing:
        by_id.update(await shops_services.shops_by_ids(shops, missing))
    return by_id


# --- categories ----------------------------------------------------------------------------------------------


async def category_tree(categories) -> list[CategoryNode]:
    """The whole tree, each level in the operators' order."""
    return await catalog.category_tree(categories)


def flatten_tree(nodes: list[CategoryNode], depth: int = 0) -> list[tuple[Category, int]]:
    """(category, depth) in tree order, for an indented <select>."""
    out: list[tuple[Category, int]] = []
    for node in nodes:
        out.append((node.category, depth))
        out.extend(flatten_tree(node.children, depth + 1))
    return out


def category_options(all_categories: list[Category]) -> list[tuple[Category, int]]:
    return flatten_tree(catalog.build_tree(all_categories))


def children_of(all_categories: list[Category], category_id: str | None) -> list[Category]:
    return [c for c in all_categories if c.parent_id == category_id]


# --- search --------------------------------------------------------------------------------------------------


@dataclass
class SearchView:
    page: SearchPage
    shop_by_id: dict[str, Shop]
    categories: list[Category]
    shops: list[Shop]
    category: Category | None = None
    shop: Shop | None = None
    subcategories: list[Category] = field(default_factory=list)
    trail: list[Category] = field(default_factory=list)


class UnknownFilter(Exception):
    """A category or shop named in the URL does not exist (or is not open)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


async def search(
    products,
    categories,
    shops,
    *,
    q: str = "",
    category_slug: str = "",
    shop_slug: str = "",
    min_price: int | None = None,
    max_price: int | None = None,
    attrs: dict[str, list[str]] | None = None,
    sort: Sort = Sort.RELEVANCE,
    page: int = 1,
    per_page: int = PER_PAGE,
    min_rating: int | None = None,
) -> SearchView:
    """Run a shopper's search; a category includes its descendants; unknown slugs raise UnknownFilter."""
    all_categories = await catalog.list_categories(categories)
    category = None
    if category_slug:
        category = next((c for c in all_categories if c.slug == category_slug), None)
        if category is None:
            raise UnknownFilter("category")
    shop = None
    if shop_slug:
        shop = await shops_services.get_public_shop(shops, shop_slug)
        if shop is None:
            raise UnknownFilter("shop")
    query = SearchQuery(
        q=q,
        category_id=category.id if category else None,
        shop_id=shop.id if shop else None,
        min_price=min_price,
        max_price=max_price,
        attrs=attrs or {},
        min_rating=min_rating,
        sort=sort,
        page=page,
        per_page=per_page,
    )
    result = await catalog.search_products(products, categories, query)
    open_shops, _total = await shops_services.list_public_shops(shops, page=1, per_page=100)
    if shop is not None and all(s.id != shop.id for s in open_shops):
        open_shops = [*open_shops, shop]  # the chosen shop stays selectable past the first hundred
    return SearchView(
        page=result,
        shop_by_id=await _shops_for(shops, result.items, known=open_shops),
        categories=all_categories,
        shops=open_shops,
        category=category,
        shop=shop,
        subcategories=children_of(all_categories, category.id) if category else [],
        trail=catalog.trail(all_categories, category.id)[:-1] if category else [],
    )


# --- product -------------------------------------------------------------------------------------------------


@dataclass
class AttributeRow:
    key: str
    label: str
    value: str  # already formatted; booleans stay bool for the template to translate
    unit: str = ""
    is_bool: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # the merchant's label per language

    def label_in(self, locale: str) -> str:
        return label_in(self.labels, self.label, locale)


@dataclass
class ProductView:
    product: Product
    shop: Shop
    variant: Variant
    dimensions: list[tuple[str, list[str]]]  # option name -> values, in first-seen order
    attributes: list[AttributeRow]


async def available_product(products, shops, product_id: str) -> tuple[Product, Shop]:
    """A listed product of an open shop, or NotFound (bad id, delisted, suspended or unknown shop)."""
    product = await catalog.get_public_product(products, product_id) if is_id(product_id) else None
    if product is None or not product.variants:
        raise NotFound(product_id)
    shop = await shops_services.get_shop(shops, product.shop_id)
    if shop is None or not shop.is_public:
        raise NotFound(product_id)
    return product, shop


async def product_page(products, shops, attribute_sets, product_id: str, variant_id: str = "") -> ProductView:
    """A product page with the chosen variant (or the first one in stock)."""
    product, shop = await available_product(products, shops, product_id)
    defs = await catalog.get_attribute_defs(attribute_sets, shop.id)
    return ProductView(
        product=product,
        shop=shop,
        variant=choose_variant(product, variant_id),
        dimensions=option_dimensions(product),
        attributes=attribute_rows(product, defs),
    )


def choose_variant(product: Product, variant_id: str = "") -> Variant:
    chosen = next((v for v in product.variants if v.id == variant_id), None)
    return chosen or next((v for v in product.variants if v.stock > 0), product.variants[0])


def option_dimensions(product: Product) -> list[tuple[str, list[str]]]:
    dims: dict[str, list[str]] = {}
    for variant in product.variants:
        for name, value in variant.options.items():
            values = dims.setdefault(name, [])
            if value not in values:
                values.append(value)
    return list(dims.items())


def variant_for(product: Product, current: Variant, dimension: str, value: str) -> Variant | None:
    """The variant a shopper gets by changing one option: keep the others when such a variant exists."""
    wanted = {**current.options, dimension: value}
    exact = next((v for v in product.variants if v.options == wanted), None)
    return exact or next((v for v in product.variants if v.options.get(dimension) == value), None)


def _format_value(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def attribute_rows(product: Product, defs) -> list[AttributeRow]:
    """One row per attribute the product has, labelled and ordered by the shop's definitions."""
    by_key = {d.key: d for d in defs}
    keys = [d.key for d in defs if d.key in product.attributes]
    keys += sorted(k for k in product.attributes if k not in by_key)
    rows = []
    for key in keys:
        value = product.attributes[key]
        if value is None or value == "":
            continue
        definition = by_key.get(key)
        rows.append(
            AttributeRow(
                key=key,
                label=definition.label if definition else key,
                value=value if isinstance(value, bool) else _format_value(value),
                unit=definition.unit if definition else "",
                is_bool=isinstance(value, bool),
                labels=definition.labels if definition else {},
            )
        )
    return rows


# --- compare -------------------------------------------------------------------------------------------------


def compare_ids(session_value) -> list[str]:
    """The compare list from the session, cleaned: ids only, no duplicates, at most COMPARE_LIMIT."""
    if not isinstance(session_value, list):
        return []
    ids: list[str] = []
    for value in session_value:
        if is_id(value) and value not in ids:
            ids.append(value)
    return ids[:COMPARE_LIMIT]


def add_to_compare(ids: list[str], product_id: str) -> list[str]:
    if product_id in ids:
        return ids
    if len(ids) >= COMPARE_LIMIT:
        raise CompareFull
    return [*ids, product_id]


@dataclass
class CompareRow:
    key: str
    label: str
    cells: list[AttributeRow | None]
    labels: dict[str, str] = field(default_factory=dict)

    def label_in(self, locale: str) -> str:
        return label_in(self.labels, self.label, locale)


@dataclass
class CompareView:
    products: list[Product]
    shop_by_id: dict[str, Shop]
    rows: list[CompareRow]


async def compare(products, shops, attribute_sets, ids: list[str]) -> CompareView:
    """Products side by side, one row per attribute key across them, labelled by each product's own shop."""
    found = await catalog.products_by_ids(products, ids)
    by_id = found if isinstance(found, dict) else {p.id: p for p in found}
    shop_by_id = await shops_services.shops_by_ids(shops, sorted({p.shop_id for p in by_id.values()}))
    items = [by_id[i] for i in ids if i in by_id and by_id[i].shop_id in shop_by_id]
    items = [p for p in items if shop_by_id[p.shop_id].is_public]
    defs_by_shop = await catalog.attribute_defs_for_shops(attribute_sets, sorted({p.shop_id for p in items}))
    per_product = [attribute_rows(p, defs_by_shop.get(p.shop_id, [])) for p in items]
    order: list[str] = []
    labels: dict[str, AttributeRow] = {}
    for rows in per_product:
        for row in rows:
            if row.key not in labels:
                order.append(row.key)
                labels[row.key] = row
    table = []
    for key in order:
        cells = [next((r for r in rows if r.key == key), None) for rows in per_product]
        table.append(CompareRow(key=key, label=labels[key].label, cells=cells, labels=labels[key].labels))
    return CompareView(products=items, shop_by_id=shop_by_id, rows=table)


# --- shops ---------------------------------------------------------------------------------------------------


async def shop_directory(shops, *, page: int, per_page: int, category: str = "", q: str = ""):
    return await shops_services.list_public_shops(
        shops, page=page, per_page=per_page, category=category or None, q=q or None
    )


@dataclass
class ShopView:
    shop: Shop
    theme: str
    page: SearchPage


async def shop_page(products, categories, shops, slug: str, *, sort: Sort, page: int) -> ShopView:
    shop = await shops_services.get_public_shop(shops, slug)
    if shop is None:
        raise NotFound(slug)
    result = await catalog.search_products(
        products, categories, SearchQuery(shop_id=shop.id, sort=sort, page=page, per_page=PER_PAGE, facets=False)
    )
    return ShopView(shop=shop, theme=theme_colour(shop), page=result)
