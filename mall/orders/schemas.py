"""Checkout and order requests and answers. Closed models: prices, totals, shop ids
and statuses are never accepted from a client (an unknown field is a 422)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mall.infra.text import Name
from mall.orders.models import REGIONS

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
Id = Annotated[str, Field(pattern=r"^[0-9a-f]{24}$")]
Note = Annotated[str, Field(max_length=500)]
IDEMPOTENCY_KEY = r"^[A-Za-z0-9_.:-]{8,100}$"
Instant = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class AddressIn(BaseModel):
    model_config = Closed
    name: Annotated[Name, Field(min_length=1, max_length=60)]
    phone: str = Field(pattern=r"^\+?[0-9][0-9 ()-]{5,19}$")
    postal_code: str = Field(pattern=r"^[0-9]{3}([0-9]{2,3})?$")
    region: str = Field(description="a Taiwan region code, e.g. TPE, NWT, KHH", json_schema_extra={"enum": [*REGIONS]})
    line: str = Field(min_length=3, max_length=200)

    @field_validator("region")
    @classmethod
    def known_region(cls, value: str) -> str:
        if value not in REGIONS:
            raise ValueError("unknown region")
        return value


class CheckoutIn(BaseModel):
    model_config = Closed
    address: AddressIn | Id = Field(description="new address fields, or the id of a saved address")
    notes: dict[Id, Note] = Field(default_factory=dict, max_length=50, description="{shop id: note to that shop}")
    reservation_id: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{24}\.[0-9a-f]{24}$",
        description="buy this flash-sale reservation (POST /api/v1/flash-sales/{id}/reservations), not the cart",
    )
    coupon_codes: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=10, description="coupons to apply (at most one per shop and one platform)"
    )
    expected_total: int | None = Field(
        default=None, ge=0, description="the total you showed; a promotion that changed it since gives a 409"
    )


class ShipIn(BaseModel):
    model_config = Closed
    carrier: str = Field(min_length=1, max_length=60)
    tracking_number: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{2,39}$")


class MerchantCancelIn(BaseModel):
    model_config = Closed
    reason: str = Field(min_length=3, max_length=500)


class ShopperCancelIn(BaseModel):
    model_config = Closed
    reason: str = Field(default="", max_length=500)


class ShopRef(BaseModel):
    id: str
    name: str


class OrderSummaryOut(BaseModel):
    id: str
    number: str
    shop: ShopRef
    total: int
    status: str


class CheckoutOut(BaseModel):
    checkout_id: str
    number: str
    status: str
    total: int
    currency: str
    expires_at: Instant
    orders: list[OrderSummaryOut]
    payment_id: str | None
    payment_url: str | None


class OrderLineOut(BaseModel):
    product_id: str
    variant_id: str
    sku: str
    name: str
    options: dict[str, str]
    unit_price: int
    qty: int
    total: int


class TimelineOut(BaseModel):
    at: Instant
    actor: str
    action: str
    detail: str
    code: str | None = None
    amount: int | None = None


class OrderOut(BaseModel):
    id: str
    number: str
    checkout_id: str
    shop: ShopRef
    status: str
    lines: list[OrderLineOut]
    subtotal: int
    shipping_fee: int
    total: int
    currency: str
    address: dict[str, str]
    note: str
    created_at: Instant
    carrier: str | None = None
    tracking_number: str | None = None
    cancel_reason: str | None = None
    timeline: list[TimelineOut]


class OrderPageOut(BaseModel):
    items: list[OrderOut]
    page: int
    pages: int
    total: int


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: int = Field(default=1, ge=1, le=10_000)


class StatusQuery(PageQuery):
    status: str = Field(
        default="", max_length=20, pattern=r"^(|pending_payment|paid|shipped|delivered|completed|cancelled|expired)$"
    )


class OperatorQuery(StatusQuery):
    q: str = Field(default="", max_length=40)
