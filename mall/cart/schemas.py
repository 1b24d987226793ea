"""Cart requests and answers. Closed models: a price, shop or total sent by a client is refused (422)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mall.cart.models import MAX_QTY

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
Id = Annotated[str, Field(pattern=r"^[0-9a-f]{24}$")]
Qty = Annotated[int, Field(ge=1, le=MAX_QTY)]


class CartItemIn(BaseModel):
    model_config = Closed
    product_id: Id
    variant_id: Id
    qty: Qty = 1


class CartQtyIn(BaseModel):
    model_config = Closed
    qty: Qty


class CouponCodeIn(BaseModel):
    """A coupon code typed in the cart (upper-cased by the promotions' services)."""

    model_config = Closed
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$")


class ShopRef(BaseModel):
    id: str
    name: str


class CartLineOut(BaseModel):
    id: str
    product_id: str
    variant_id: str
    name: str
    sku: str
    options: dict[str, str]
    shop: ShopRef | None
    qty: int
    unit_price: int = Field(description="current price, minor units")
    price_seen: int = Field(description="the price the shopper last saw, minor units")
    line_total: int
    available: int
    problems: list[str] = Field(description="unavailable | low_stock | price_changed")


class CartOut(BaseModel):
    items: list[CartLineOut]
    count: int
    subtotal: int
    currency: str
    ready: bool = Field(description="every line can be bought as it stands")
