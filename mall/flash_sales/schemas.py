"""Flash-sale API models (closed: unknown fields are refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
Id = Annotated[str, Field(pattern=r"^[0-9a-f]{24}$")]


def _aware(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("an ISO 8601 date and time") from None
    if when.tzinfo is None:
        raise ValueError("a time zone is required")
    return value


Price = Annotated[int, Field(gt=0, le=10**12)]
Quantity = Annotated[int, Field(gt=0, le=1_000_000)]
Limit = Annotated[int, Field(gt=0, le=1000)]
When = Annotated[str, Field(max_length=40, json_schema_extra={"format": "date-time"})]


class FlashSaleIn(BaseModel):
    """sku_id is the variant id; price in minor units; times are ISO 8601 with a zone."""

    model_config = Closed
    product_id: Id
    sku_id: Id
    price: Price
    quantity: Quantity
    per_user_limit: Limit
    starts_at: When
    ends_at: When

    _check_times = field_validator("starts_at", "ends_at")(classmethod(lambda cls, v: _aware(v)))

    def window(self) -> tuple[datetime, datetime]:
        return datetime.fromisoformat(self.starts_at), datetime.fromisoformat(self.ends_at)


class FeaturedSaleIn(FlashSaleIn):
    """A marketer's featured sale may ask its shop for a minimum health score (0-100)."""

    min_health_score: int | None = Field(default=None, ge=0, le=100)


class FlashSaleEditIn(BaseModel):
    """Only what changes; before the start only."""

    model_config = Closed
    price: Price | None = None
    quantity: Quantity | None = None
    per_user_limit: Limit | None = None
    starts_at: When | None = None
    ends_at: When | None = None

    _check_times = field_validator("starts_at", "ends_at")(classmethod(lambda cls, v: _aware(v)))

    def changes(self) -> dict:
        out = self.model_dump(exclude_none=True)
        for key in ("starts_at", "ends_at"):
            if key in out:
                out[key] = datetime.fromisoformat(out[key])
        return out


class ReservationIn(BaseModel):
    model_config = Closed
    quantity: int = Field(default=1, gt=0, le=1000)


class CreatedOut(BaseModel):
    id: str
    status: str = Field(description="upcoming, running, or pending_approval (a featured sale awaiting an operator)")


class FlashSaleOut(BaseModel):
    id: str
    shop_id: str
    product_id: str
    sku_id: str
    price: int
    quantity: int
    per_user_limit: int
    starts_at: datetime
    ends_at: datetime
    status: str
    featured: bool
    remaining: int | None = None


class FlashSaleListOut(BaseModel):
    items: list[FlashSaleOut]
    now: datetime


class RemainingQuery(BaseModel):
    """ids: up to 50 sale ids, comma-separated."""

    model_config = Closed
    ids: str = Field(max_length=50 * 25, pattern=r"^[0-9a-f]{24}(,[0-9a-f]{24}){0,49}$")

    def sale_ids(self) -> list[str]:
        return list(dict.fromkeys(self.ids.split(",")))


class RemainingOut(BaseModel):
    remaining: dict[str, int] = Field(description="sale id -> units left; sales shoppers cannot see are left out")


class ReservationOut(BaseModel):
    reservation_id: str
    expires_at: datetime


class RefusedOut(BaseModel):
    reason: str


class UnitsCheckIn(BaseModel):
    model_config = Closed
    rebuild: bool = Field(
        default=False,
        description="rebuild Redis from the orders even when it has the sale (live reservations are dropped)",
    )


class UnitsCheckOut(BaseModel):
    """allocated = remaining + held + sold; `sold` is what the orders say (the truth)."""

    sale_id: str
    allocated: int
    remaining: int
    held: int
    sold: int
    sold_in_redis: int
    drift: int = Field(description="units unaccounted for (negative: over-allocated); 0 when every unit adds up")
    rebuilt: bool = Field(description="Redis was rebuilt from the orders by this check")
    notes: list[str]
