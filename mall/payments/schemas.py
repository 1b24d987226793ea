"""Payment API models, and the sandbox webhook event as the provider sends it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WebhookEventIn(BaseModel):
    """The signed JSON body of a sandbox webhook (parsed strictly, unknown fields refused)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    id: str = Field(pattern=r"^evt_[A-Za-z0-9_-]{8,64}$", description="unique per event; a repeated id is ignored")
    type: Literal["payment.succeeded", "payment.failed", "refund.succeeded"]
    payment_id: str = Field(pattern=r"^[0-9a-f]{24}$")
    amount: int = Field(ge=1, description="minor units; must equal the payment's amount (a refund's: the refund's)")
    created: int = Field(description="unix seconds")
    refund_id: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{24}$", description="refund.succeeded only: the refund it confirms"
    )


class WebhookAck(BaseModel):
    received: bool
    duplicate: bool


class SandboxForm(BaseModel):
    model_config = Closed
    outcome: Literal["succeed", "fail"]


class PaymentOut(BaseModel):
    id: str
    checkout_id: str
    checkout_number: str | None = None
    amount: int = Field(description="minor units of `currency`")
    currency: str
    provider: str
    status: Literal["pending", "succeeded", "failed", "refunded", "partially_refunded", "cancelled"]
    refunded_amount: int
    redirect_url: str = Field(description="where the shopper pays (the sandbox page in sandbox mode)")
    created_at: datetime
    paid_at: datetime | None = None

    @classmethod
    def of(cls, payment) -> PaymentOut:
        return cls(**{name: getattr(payment, name) for name in cls.model_fields})


class SandboxOutcomeOut(BaseModel):
    payment: PaymentOut
    event_id: str
    applied: bool = Field(description="false when the event arrived too late to change the payment")
