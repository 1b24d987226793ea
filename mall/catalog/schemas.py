"""Request and response models of the catalog JSON API. Requests are closed (unknown fields -> 422) and
parsed strictly for JSON: a dict where a string belongs, "2" or 1.5 where an integer belongs, all 422.

A merchant's body never names the shop, the status, the prices summary, the terms or the visibility:
those come from the session and the server."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from mall.catalog.models import ProductStatus, Sort
from mall.infra.text import Name

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
ID = r"^[0-9a-f]{24}$"
LIMIT = 10**9

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
AttrValue = bool | int | float | Annotated[str, Field(max_length=500)]
OptionText = Annotated[Name, Field(min_length=1, max_length=40)]
MediaName = Annotated[str, Field(pattern=r"^[0-9a-f]{32}\.webp$")]
Instant = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class NameIn(BaseModel):
    model_config = Closed
    en: Annotated[Name, Field(max_length=120)] = ""
    zh_Hant: Annotated[Name, Field(max_length=120)] = ""


class VariantIn(BaseModel):
    model_config = Closed
    sku: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
    options: dict[OptionText, OptionText] = Field(default_factory=dict, max_length=3)
    price: int = Field(gt=0, le=LIMIT, description="minor units of the configured currency")
    stock: int = Field(ge=0, le=LIMIT)


class ProductIn(BaseModel):
    model_config = Closed
    name: NameIn
    category_id: str | None = Field(default=None, pattern=ID)
    description: str = Field(default="", max_length=20_000, description="plain text or limited HTML")
    attributes: dict[Key, AttrValue] = Field(default_factory=dict, max_length=40)
    variants: list[VariantIn] = Field(min_length=1, max_length=100)
    images: list[MediaName] = Field(default_factory=list, max_length=10)


class ProductPatch(BaseModel):
    """Only the fields sent change; `attributes` and `variants` are replaced as a whole."""

    model_config = Closed
    name: NameIn | None = None
    category_id: str | None = Field(default=None, pattern=ID)
    description: str | None = Field(default=None, max_length=20_000)
    attributes: dict[Key, AttrValue] | None = Field(default=None, max_length=40)
    variants: list[VariantIn] | None = Field(default=None, min_length=1, max_length=100)
    images: list[MediaName] | None = Field(default=None, max_length=10)


class StatusIn(BaseModel):
    model_config = Closed
    status: Literal["listed", "delisted"] = Field(description="listed (上架) or delisted (下架)")


class ProductQuery(BaseModel):
    model_config = Closed
    q: str = Field(default="", max_length=200)
    category: str = Field(default="", max_length=60, description="category slug (includes subcategories)")
    shop: str = Field(default="", max_length=60, description="shop slug or id")
    min_price: int | None = Field(default=None, ge=0, le=LIMIT)
    max_price: int | None = Field(default=None, ge=0, le=LIMIT)
    sort: Sort = Sort.RELEVANCE
    page: int = Field(default=1, ge=1, le=1000)
    per_page: int = Field(default=24, ge=1, le=100)


class MerchantQuery(BaseModel):
    model_config = Closed
    status: ProductStatus | None = None
    page: int = Field(default=1, ge=1, le=1000)
    per_page: int = Field(default=20, ge=1, le=100)


class VariantOut(BaseModel):
    id: str
    sku: str
    options: dict[str, str]
    price: int
    stock: int


class ProductOut(BaseModel):
    id: str
    shop_id: str
    category_id: str | None
    name: dict[str, str]
    description_html: str
    attributes: dict
    variants: list[VariantOut]
    images: list[str]
    min_price: int
    max_price: int
    created_at: Instant


class ProductPageOut(BaseModel):
    items: list[ProductOut]
    total: int
    page: int
    pages: int


class MerchantProductOut(ProductOut):
    status: ProductStatus
    visible: bool
    needs_attention: dict[str, str] = Field(default_factory=dict, description="attribute key -> problem")


class MerchantPageOut(BaseModel):
    items: list[MerchantProductOut]
    total: int
    page: int
    pages: int


class CategoryLeafOut(BaseModel):
    id: str
    slug: str
    name: dict[str, str]
    children: list = Field(default_factory=list)


class CategoryMidOut(CategoryLeafOut):
    children: list[CategoryLeafOut] = Field(default_factory=list)


class CategoryOut(CategoryLeafOut):
    """A top-level category; the tree is at most three levels deep."""

    children: list[CategoryMidOut] = Field(default_factory=list)


class CategoriesOut(BaseModel):
    items: list[CategoryOut]


class ImageOut(BaseModel):
    name: str
    url: str


# --- HTML forms (parsed in lax mode, still closed) -----------------------------------------------------------


class CategoryNameForm(BaseModel):
    model_config = Closed
    name_en: Annotated[Name, Field(min_length=1, max_length=60)]
    name_zh_Hant: Annotated[Name, Field(min_length=1, max_length=60)]


class CategoryForm(CategoryNameForm):
    slug: str = Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
    parent_id: str = Field(default="", pattern=r"^([0-9a-f]{24})?$")


class MoveForm(BaseModel):
    model_config = Closed
    direction: str = Field(pattern=r"^(up|down)$")
