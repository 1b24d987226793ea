"""Reputation API answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DsrOut(BaseModel):
    days: int
    count: int = Field(description="orders rated in those days")
    described: float | None
    service: float | None
    shipping: float | None
    versus_category: dict[str, int | None] = Field(
        description="whole percent above (+) or below (-) the platform's average in the shop's main category"
    )


class ComponentOut(BaseModel):
    key: str
    label: str
    explain: str
    weight: int
    share: int = Field(description="its effective weight in percent (of the components that could be measured)")
    unit: str = Field(description="stars (1-5 average) or percent")
    value: float | None = Field(description="null: nothing to measure yet (left out of the score)")
    numerator: int
    denominator: int
    good: float = Field(description="at or better than this: full points")
    bad: float = Field(description="at or worse than this: no points")
    points: float | None


class HealthOut(BaseModel):
    status: str = Field(description="rated, or new (too few orders for a number)")
    score: int | None = Field(description="0-100")
    computed_at: str
    window_days: int
    orders: int
    min_orders: int
    components: list[ComponentOut]


class ReputationOut(BaseModel):
    shop_id: str
    dsr: DsrOut
    health: HealthOut | None = Field(description="null until first computed")
