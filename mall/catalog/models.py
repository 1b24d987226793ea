"""Catalog data: the platform's category tree, each shop's attribute schema,
products with embedded variants (SKUs). Pure data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class AttrType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    ENUM = "enum"
    BOOLEAN = "boolean"


LABEL_LOCALES = ("zh_Hant", "en")  # the languages a merchant may label an attribute in


def label_in(labels: dict[str, str], fallback: str, locale: str) -> str:
    """A merchant's label in the reader's language, else their own label (whatever language it is in)."""
    return labels.get(locale) or fallback


@dataclass
class AttributeDef:
    """One field of a shop's attribute schema, defined by the merchant: `label` (shown when the reader's
    language has none of its own) and optional `labels` per language ({"en": "Origin", "zh_Hant": "產地"})."""

    key: str  # ^[a-z][a-z0-9_]{0,31}$
    label: str
    type: AttrType
    unit: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)  # enum only
    can_be_negative: bool = False  # number only: a quantity (weight, pages) is 0 or more unless this says otherwise
    labels: dict[str, str] = field(default_factory=dict)  # locale -> label, LABEL_LOCALES only

    def label_in(self, locale: str) -> str:
        return label_in(self.labels, self.label, locale)


class ProductStatus(StrEnum):
    LISTED = "listed"  # 上架
    DELISTED = "delisted"  # 下架


@dataclass
class Variant:
    id: str
    sku: str
    options: dict[str, str]  # e.g. {"size": "M", "colour": "red"}; {} for a single-variant product
    price: int  # minor units
    stock: int


@dataclass
class Category:
    id: str
    slug: str
    name: dict[str, str]  # {"en": ..., "zh_Hant": ...}
    parent_id: str | None = None
    position: int = 0


@dataclass
class Product:
    id: str
    shop_id: str
    category_id: str | None
    name: dict[str, str]  # {"en": ..., "zh_Hant": ...}; at least one
    description_html: str  # sanitized with nh3 before it is stored
    attributes: dict
    variants: list[Variant]
    images: list[str]  # media file names
    status: ProductStatus
    created_at: datetime
    updated_at: datetime
    shop_visible: bool = True  # False while the shop is suspended
    # Kept by the reviews domain (read-only here): average stars to one decimal, visible reviews, units sold.
    rating_avg: float | None = None
    rating_count: int = 0
    sold: int = 0

    @property
    def min_price(self) -> int:
        return min(v.price for v in self.variants)

    @property
    def max_price(self) -> int:
        return max(v.price for v in self.variants)

    @property
    def total_stock(self) -> int:
        return sum(v.stock for v in self.variants)

    def display_name(self, locale: str) -> str:
        return self.name.get(locale) or self.name.get("en") or next(iter(self.name.values()), "")


class Sort(StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NEWEST = "newest"
    RATING = "rating"
    SALES = "sales"


@dataclass
class SearchQuery:
    """What a shopper asks the storefront for; every field already parsed and typed."""

    q: str = ""
    category_id: str | None = None  # includes the category's descendants
    shop_id: str | None = None
    min_price: int | None = None  # minor units
    max_price: int | None = None
    attrs: dict[str, list[str]] = field(default_factory=dict)  # facet filters: key -> accepted values
    min_rating: int | None = None  # "4★ and up": the stored average (one decimal) at least this
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    per_page: int = 24
    facets: bool = True  # off where no facet is shown: the database is not asked for them


@dataclass
class Facet:
    key: str
    label: str
    values: list[tuple[str, int]]  # (value, matching product count)
    labels: dict[str, str] = field(default_factory=dict)  # the label per language (AttributeDef.labels)

    def label_in(self, locale: str) -> str:
        return label_in(self.labels, self.label, locale)


@dataclass
class SearchPage:
    items: list[Product]
    total: int
    page: int
    per_page: int
    facets: list[Facet] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class CategoryNode:
    """A category with its children, for menus and the category page (`category_tree`)."""

    category: Category
    children: list[CategoryNode] = field(default_factory=list)


@dataclass
class VariantDraft:
    """One SKU as a merchant enters it; price already in minor units.

    `stock_was` is the stock the merchant saw when the form was loaded: when given, saving applies the
    change (stock - stock_was) to the current stock, so units sold meanwhile are not put back."""

    sku: str
    price: int
    stock: int
    options: dict[str, str] = field(default_factory=dict)
    stock_was: int | None = None


@dataclass
class ProductDraft:
    """Everything a merchant may set on a product (never its shop, terms, prices or visibility).

    `description` is what the merchant typed (plain text or limited HTML); it is sanitized before storing."""

    name: dict[str, str]
    category_id: str | None
    description: str
    attributes: dict
    variants: list[VariantDraft]
    images: list[str] = field(default_factory=list)


@dataclass
class MerchantProduct:
    """A row of the merchant's product list: the product and what needs fixing ({key: problem})."""

    product: Product
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def needs_attention(self) -> bool:
        return bool(self.problems)
