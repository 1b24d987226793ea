"""Flash sale records (pure dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class FlashSale:
    id: str
    shop_id: str
    product_id: str
    variant_id: str
    price: int
    quantity: int
    per_user_limit: int
    starts_at: datetime
    ends_at: datetime
    status: str  # scheduled | cancelled | ended (running is scheduled within its window)
    created_by: str
    featured: bool = False
    created_at: datetime | None = None

    def state(self, now: datetime) -> str:
        if self.status in ("cancelled", "ended"):
            return self.status
        if now < self.starts_at:
            return "scheduled"
        return "running" if now < self.ends_at else "ended"


@dataclass
class Reservation:
    reason: str  # ok | not_started | ended | sold_out | limit_reached | missing
    hold_id: str | None = None
    expires_at: datetime | None = None


@dataclass
class Figures:
    allocated: int
    remaining: int
    held: int
    sold_redis: int
    sold: int  # MongoDB truth
    drift: int
    rebuilt: bool = False
    notes: list[str] = field(default_factory=list)
