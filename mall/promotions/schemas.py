"""Promotion API models (closed: unknown fields are refused; amounts are integer minor units)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mall.infra.text import Name

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
Id = Annotated[str, Field(pattern=r"^[0-9a-f]{24}$")]
Amount = Annotated[int, Field(ge=0, le=10**12)]
Positive = Annotated[int, Field(gt=0, le=10**12)]
Percent = Annotated[int, Field(ge=1, le=99)]
When = Annotated[
    str, Field(max_length=40, description="ISO 8601 with a time zone", json_schema_extra={"format": "date-time"})
]
Code = Annotated[str, Field(min_length=1, max_length=32)]


def aware(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("an ISO 8601 date and time") from None
    if when.tzinfo is None:
        raise ValueError("a time zone is required")
    return when


class Windowed(BaseModel):
    model_config = Closed
    starts_at: When
    ends_at: When

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: str) -> str:
        aware(value)
        return value

    def window(self) -> tuple[datetime, datetime]:
        return aware(self.starts_at), aware(self.ends_at)


class TierIn(BaseModel):
    model_config = Closed
    min_spend: Positive
    save: Positive | None = None
    percent: Percent | None = None


class CouponIn(Windowed):
    """A coupon: `code` optional (drawn when absent); `cap` only for percent coupons."""

    scope: Literal["shop", "platform"] = Field(description="shop (merchant routes) or platform (marketers)")
    code: Code | None = None
    name: Annotated[Name, Field(min_length=1, max_length=60)]
    kind: Literal["fixed", "percent"]
    value: Positive = Field(description="minor units off (fixed) or percent off (percent)")
    cap: Positive | None = None
    min_spend: Amount = 0
    total: int = Field(ge=1, le=10**7)
    per_user: int = Field(ge=1, le=100)
    claimable: bool = False


class CreatedCouponOut(BaseModel):
    id: str
    code: str


class ShopPromotionIn(Windowed):
    """限時折扣 (kind limited_time: product_ids, optional variant_ids, percent_off | fixed_price) or
    滿減 (kind spend_threshold: tiers, free_shipping)."""

    kind: Literal["limited_time", "spend_threshold"]
    name: Annotated[Name, Field(min_length=1, max_length=60)]
    product_ids: list[Id] = Field(default_factory=list, max_length=200)
    variant_ids: list[Id] = Field(default_factory=list, max_length=500)
    percent_off: Percent | None = None
    fixed_price: Positive | None = None
    tiers: list[TierIn] = Field(default_factory=list, max_length=5)
    free_shipping: bool = False


class CampaignIn(Windowed):
    name: Annotated[Name, Field(min_length=1, max_length=60)]
    theme: str = Field(default="", max_length=300)
    tiers: list[TierIn] = Field(default_factory=list, max_length=5)
    percent_off: Percent | None = None
    platform_share_percent: int = Field(ge=0, le=100)
    min_health_score: int | None = Field(default=None, ge=0, le=100, description="only shops whose health score "
                                         "is at least this may enter products")  # fmt: skip
    schedule: bool = Field(default=False, description="schedule it at once (else it stays a draft)")


class CampaignActionIn(BaseModel):
    model_config = Closed
    action: Literal["schedule", "launch", "pause", "resume", "stop"]


class EntriesIn(BaseModel):
    model_config = Closed
    product_ids: list[Id] = Field(min_length=1, max_length=100)


class DecisionIn(BaseModel):
    model_config = Closed
    approve: bool
    reason: str = Field(default="", max_length=500)


class CreatedOut(BaseModel):
    id: str
    status: str


class CartPriceIn(BaseModel):
    model_config = Closed
    coupon_codes: list[Code] = Field(default_factory=list, max_length=10)
    region: str | None = Field(default=None, max_length=3, description="a region code for shipping, e.g. TPE")


class AllocationOut(BaseModel):
    promotion_id: str
    kind: str
    amount: int
    platform_funded: int
    merchant_funded: int


class PricedLineOut(BaseModel):
    line_id: str
    product_id: str
    variant_id: str
    qty: int
    unit_price: int
    unit_price_after_limited: int
    list_total: int
    discount: int
    net: int
    allocations: list[AllocationOut]


class AppliedOut(BaseModel):
    promotion_id: str
    kind: str
    shop_id: str | None
    amount: int
    shipping_saved: int
    detail: dict


class PricedShopOut(BaseModel):
    shop_id: str
    subtotal: int
    discount: int
    shipping_fee: int
    shipping_discount: int
    total: int
    lines: list[PricedLineOut]


class ProblemOut(BaseModel):
    code: str
    reason: str
    short_by: int = 0


class CartPriceOut(BaseModel):
    shops: list[PricedShopOut]
    applied: list[AppliedOut]
    problems: list[ProblemOut]
    subtotal: int
    discount: int
    shipping: int
    total: int
    currency: str


class PromotionOut(BaseModel):
    id: str
    kind: str
    name: str
    state: str
    starts_at: datetime
    ends_at: datetime
    shop_id: str | None = None
    detail: dict = Field(default_factory=dict)


class PromotionsOut(BaseModel):
    items: list[PromotionOut]


class MyCouponOut(BaseModel):
    id: str
    code: str
    name: str
    scope: str
    shop_id: str | None
    kind: str
    value: int
    cap: int | None
    min_spend: int
    starts_at: datetime
    ends_at: datetime
    state: str
    uses_left: int


class MyCouponsOut(BaseModel):
    items: list[MyCouponOut]


class ClaimedOut(BaseModel):
    coupon_id: str
    claimed_at: Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class EntryOut(BaseModel):
    id: str
    product_id: str
    status: str = Field(description="pending until an operator decides; approved or rejected")


class EntriesOut(BaseModel):
    entries: list[EntryOut]


class DecidedOut(BaseModel):
    id: str
    status: str


class TopProductOut(BaseModel):
    product_id: str
    units: int
    discount: int


class TopShopOut(BaseModel):
    shop_id: str
    orders: int
    gmv: int


class FiguresOut(BaseModel):
    """Amounts in minor units, from the paid orders the promotion discounted."""

    orders: int
    redemptions: int
    gmv: int
    discount: int
    platform_funded: int
    merchant_funded: int
    units: int
    top_products: list[TopProductOut]
    top_shops: list[TopShopOut]
