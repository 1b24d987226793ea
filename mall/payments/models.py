"""Payments, refunds and provider webhook events: pure data, no I/O.

One payment covers one checkout (everything the shopper pays at once).
Amounts are integer minor units of the payment's currency."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    CANCELLED = "cancelled"


class EventType(StrEnum):
    SUCCEEDED = "payment.succeeded"
    FAILED = "payment.failed"
    REFUND_SUCCEEDED = "refund.succeeded"  # the provider confirms a refund (refund_id says which)


class RefundStatus(StrEnum):
    REQUESTED = "requested"  # counted on the payment and sent to the provider; its signed webhook confirms it
    SUCCEEDED = "succeeded"
    REFUSED = "refused"


# Which statuses an event may move a payment out of. A failed payment can be
# paid on a later attempt; a paid one never goes back to failed. The provider
# is the truth about money: a success that arrives after the mall cancelled the
# payment (its checkout expired) is still recorded, and the orders side refunds it.
EVENT_TRANSITIONS: dict[EventType, tuple[tuple[PaymentStatus, ...], PaymentStatus]] = {
    EventType.SUCCEEDED: (
        (PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.CANCELLED),
        PaymentStatus.SUCCEEDED,
    ),
    EventType.FAILED: ((PaymentStatus.PENDING,), PaymentStatus.FAILED),
}
SETTLEABLE = (PaymentStatus.PENDING, PaymentStatus.FAILED)
REFUNDABLE = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED)


@dataclass
class Payment:
    id: str
    checkout_id: str
    amount: int
    currency: str
    provider: str
    status: str
    redirect_url: str
    created_at: datetime
    refunded_amount: int = 0
    user_id: str | None = None
    return_url: str | None = None
    checkout_number: str | None = None
    paid_at: datetime | None = None
    updated_at: datetime | None = None
    last_event_id: str | None = None
    refund_ids: list[str] = field(default_factory=list)

    @property
    def refundable(self) -> int:
        """What is left to refund (0 unless the payment succeeded)."""
        return self.amount - self.refunded_amount if self.status in REFUNDABLE else 0

    @property
    def settleable(self) -> bool:
        return self.status in SETTLEABLE

    def to_doc(self) -> dict:
        doc = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "id"}
        return {"_id": self.id, **doc}

    @classmethod
    def from_doc(cls, doc: dict) -> Payment:
        known = {k: doc[k] for k in cls.__dataclass_fields__ if k in doc and k != "id"}
        return cls(id=doc["_id"], **known)


@dataclass
class Refund:
    id: str
    payment_id: str
    key: str
    amount: int
    reason: str
    status: str
    created_at: datetime
    provider_ref: str | None = None

    def to_doc(self) -> dict:
        return {"_id": self.id, **{k: getattr(self, k) for k in self.__dataclass_fields__ if k != "id"}}

    @classmethod
    def from_doc(cls, doc: dict) -> Refund:
        return cls(id=doc["_id"], **{k: doc[k] for k in cls.__dataclass_fields__ if k in doc and k != "id"})


@dataclass(frozen=True)
class WebhookEvent:
    """A provider's verified statement about one payment."""

    id: str
    type: EventType
    payment_id: str
    amount: int
    created: int
    refund_id: str | None = None  # refund.succeeded: the refund it confirms

    @property
    def is_refund(self) -> bool:
        return self.type is EventType.REFUND_SUCCEEDED


@dataclass(frozen=True)
class RecordedEvent:
    event_id: str
    type: str
    payment_id: str
    amount: int
    received_at: datetime
    handled_at: datetime | None


@dataclass(frozen=True)
class WebhookReceipt:
    """What receiving one verified event did. `notify` says the orders side
    must hear about it (the event moved the payment now, or an earlier delivery
    of it moved the payment but never finished)."""

    event: WebhookEvent
    payment: Payment
    duplicate: bool
    notify: bool


@dataclass(frozen=True)
class SignedDelivery:
    raw_body: bytes
    headers: dict[str, str]
    event_id: str


class WebhookRejected(Exception):
    """A webhook call that must change nothing. `status` is the HTTP answer."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class RefundRefused(Exception):
    """reason: not_found | not_paid | invalid_amount | exceeds_remaining | key_reused | busy"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PaymentConflict(Exception):
    """The checkout already has a payment for another amount or currency."""


class PaymentProvider(Protocol):
    """What the mall needs from a payment provider. Card data stays with the provider."""

    name: str

    async def start(self, payment: Payment) -> str:
        """Where to send the shopper to pay (a URL)."""
        ...

    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """The event, only if the provider really sent it just now; else WebhookRejected."""
        ...

    async def refund(self, payment: Payment, amount: int, *, key: str) -> str:
        """Return `amount` to the shopper; the provider's reference. Same key = same refund.
        The provider confirms it later with a signed `refund.succeeded` webhook."""
        ...
