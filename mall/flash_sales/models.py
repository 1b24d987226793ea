"""Flash sale records (pure dataclasses) and the port through which orders report what sold."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Status(StrEnum):
    """Stored status. "running" is never stored: a scheduled sale within its window is running."""

    PENDING_APPROVAL = "pending_approval"  # platform-featured, waiting for an operator; no stock moved yet
    REJECTED = "rejected"
    ALLOCATING = "allocating"  # its quantity is leaving the SKU's stock (crash-repairable)
    SCHEDULED = "scheduled"
    EDITING = "editing"  # an edit before the start is moving stock (crash-repairable)
    CANCELLED = "cancelled"
    ENDED = "ended"  # over, and the unsold units went back to the SKU's stock


LIVE = (Status.SCHEDULED, Status.EDITING, Status.ALLOCATING)


class SaleState(StrEnum):
    """What a shopper sees now (derived from the status and the clock)."""

    PENDING_APPROVAL = "pending_approval"
    REJECTED = "rejected"
    UPCOMING = "upcoming"
    RUNNING = "running"
    ENDED = "ended"
    CANCELLED = "cancelled"


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
    status: str
    created_by: str
    featured: bool = False
    created_at: datetime | None = None
    version: int = 1
    edit: dict | None = None  # EDITING: {"changes": {...}, "delta": units, "move": move id, "since": time}
    opened_at: datetime | None = None  # the opening was announced (once)
    closed_at: datetime | None = None  # the end was announced (once)
    returned_at: datetime | None = None  # unsold units are back in the SKU's stock (once)
    decided_by: str | None = None  # the operator who approved or rejected a featured sale
    reject_reason: str = ""
    min_health_score: int | None = None  # featured: the shop's health score must be at least this

    def state(self, now: datetime) -> SaleState:
        if self.status == Status.PENDING_APPROVAL:
            return SaleState.PENDING_APPROVAL
        if self.status == Status.REJECTED:
            return SaleState.REJECTED
        if self.status == Status.CANCELLED:
            return SaleState.CANCELLED
        if self.status == Status.ENDED or now >= self.ends_at:
            return SaleState.ENDED
        return SaleState.UPCOMING if now < self.starts_at else SaleState.RUNNING

    def editable(self, now: datetime) -> bool:
        """Changes (and cancelling) are for sales that sell nothing yet: before the start, or still pending."""
        if self.status == Status.PENDING_APPROVAL:
            return now < self.ends_at
        return self.status == Status.SCHEDULED and now < self.starts_at


RESERVATION_RE = re.compile(r"^([0-9a-f]{24})\.([0-9a-f]{24})$")


def reservation_id(sale_id: str, hold_id: str) -> str:
    """What a shopper holds: the sale and the hold, so a checkout finds both."""
    return f"{sale_id}.{hold_id}"


def parse_reservation(value: object) -> tuple[str, str] | None:
    match = RESERVATION_RE.match(value) if isinstance(value, str) else None
    return (match.group(1), match.group(2)) if match else None


@dataclass
class Reservation:
    reason: str  # ok | not_started | ended | sold_out | limit_reached | rate_limited | missing
    id: str | None = None  # reservation id (sale.hold)
    expires_at: datetime | None = None
    retry_after: int = 0  # seconds, when rate_limited
    remaining: int | None = None


@dataclass
class Hold:
    sale_id: str
    hold_id: str
    user_id: str
    qty: int
    expires_at: datetime
    claimed_by: str | None  # the checkout paying for it


@dataclass(frozen=True)
class LiveHold:
    """A shopper's hold still waiting for them, as their pages lead back to it: the checkout of the reservation,
    or the checkout that claimed it (placed, waiting for payment)."""

    reservation: str
    sale_id: str
    expires_at: datetime
    now: datetime
    checkout_id: str | None = None

    @property
    def url(self) -> str:
        return f"/checkouts/{self.checkout_id}" if self.checkout_id else f"/checkout?reservation={self.reservation}"

    @property
    def seconds_left(self) -> int:
        return max(0, int(-(-(self.expires_at - self.now).total_seconds() // 1)))

    @property
    def clock(self) -> dict[str, int]:
        """Epoch milliseconds for flash.js: the server's now and the expiry."""
        return {"now": int(self.now.timestamp() * 1000), "ends": int(self.expires_at.timestamp() * 1000)}


@dataclass
class Sold:
    """What orders say sold through a sale (the truth): units per user, units per hold, and how many
    lines are mid-payment ("selling": counted as sold, so a rebuild may undersell, never oversell)."""

    by_user: dict[str, int] = field(default_factory=dict)
    by_hold: dict[str, int] = field(default_factory=dict)
    unsettled: int = 0

    @property
    def units(self) -> int:
        return sum(self.by_hold.values())


class SoldLedger(Protocol):
    """Implemented by the orders domain (wired in mall.bootstrap): flash lines of checkouts."""

    async def sold(self, sale_id: str) -> Sold: ...


@dataclass
class Figures:
    allocated: int
    remaining: int
    held: int
    sold_redis: int
    sold: int  # MongoDB orders: the truth
    drift: int
    reserved: int = 0  # units ever reserved (Redis), for the conversion rate
    rebuilt: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def conversion(self) -> float | None:
        """Share of reserved units that were paid for."""
        return self.sold / self.reserved if self.reserved else None
