"""After-sales requests and answers of the JSON API. Closed models: statuses, shop ids, refunded amounts are never
accepted from a client (an unknown field is a 422); numbers are bounded with ge/le only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
PhotoId = Annotated[
    str, Field(pattern=r"^[0-9a-f]{32}\.webp$", description="an id from POST /api/v1/after-sales/photos")
]
KINDS = Literal["refund_only", "return_and_refund"]
REASONS = Literal["no_reason", "damaged", "not_as_described", "wrong_item", "missing_parts", "not_received"]
Money = Annotated[int, Field(ge=1, le=10**12, description="minor units")]


class RequestIn(BaseModel):
    model_config = Closed
    line_id: int = Field(ge=0, le=999, description="the line's position in the order's lines (0 = first)")
    kind: KINDS
    reason: REASONS = Field(description="no_reason = 七天無理由 (within no_reason_return_days of delivery)")
    qty: int = Field(ge=1, le=100_000, description="units of the line")
    amount: Money = Field(description="asked, minor units: never more than what was paid for those units")
    note: str = Field(default="", max_length=1000)
    photo_ids: list[PhotoId] = Field(default_factory=list, max_length=6)


class ReturnShipmentIn(BaseModel):
    model_config = Closed
    carrier: str = Field(min_length=1, max_length=60)
    tracking_no: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{2,39}$")


class EscalateIn(BaseModel):
    model_config = Closed
    note: str = Field(default="", max_length=1000, description="what the platform should know")


class EvidenceIn(BaseModel):
    model_config = Closed
    note: str = Field(default="", max_length=1000)
    photo_ids: list[PhotoId] = Field(default_factory=list, max_length=6)


class NoBodyIn(BaseModel):
    model_config = Closed


class MerchantDecisionIn(BaseModel):
    model_config = Closed
    action: Literal["accept", "offer", "reject"]
    amount: Money | None = Field(default=None, description="offer: the partial refund, less than asked")
    reason: str | None = Field(default=None, max_length=500, description="reject: why (shown to the shopper)")
    return_address: str | None = Field(default=None, max_length=300, description="accept a return: where to send it")


class ReceivedIn(BaseModel):
    model_config = Closed
    restock: bool = Field(description="put the returned units back into the SKU's stock")


class OperatorDecisionIn(BaseModel):
    model_config = Closed
    outcome: Literal["refund_full", "refund_partial", "no_refund"]
    amount: Money | None = Field(default=None, description="refund_partial: how much")
    reason: str = Field(min_length=3, max_length=500, description="shown to both sides")


class StepOut(BaseModel):
    at: datetime
    actor: str
    action: str
    note: str
    amount: int | None = None
    photos: list[str]
    code: str | None = None


class CaseOut(BaseModel):
    id: str
    number: str
    order_id: str
    order_number: str
    line_id: int
    status: Literal[
        "requested",
        "offered",
        "rejected",
        "declined",
        "awaiting_return",
        "return_shipped",
        "disputed",
        "refunding",
        "refunded",
        "closed",
    ]
    deadline: datetime | None = Field(description="when the case acts by itself if nobody does (null: never)")
    kind: KINDS
    reason: REASONS
    qty: int
    amount: int
    shipping: int = Field(description="of the amount, the order's shipping")
    note: str
    photos: list[str]
    offer: int | None = None
    return_address: str
    carrier: str
    tracking_no: str
    reject_reason: str
    outcome: str | None = None
    outcome_reason: str
    refunded: int = Field(description="minor units refunded (shipping included)")
    created_at: datetime
    timeline: list[StepOut]

    @classmethod
    def of(cls, case) -> CaseOut:
        return cls(
            id=case.id, number=case.number, order_id=case.order_id, order_number=case.order_number,
            line_id=case.line, status=case.status.value, deadline=case.due_at, kind=case.kind.value,
            reason=case.reason.value, qty=case.qty, amount=case.amount, shipping=case.shipping, note=case.note,
            photos=case.photos, offer=case.offer, return_address=case.return_address, carrier=case.carrier,
            tracking_no=case.tracking_no, reject_reason=case.reject_reason, outcome=case.outcome,
            outcome_reason=case.outcome_reason, refunded=case.refunded + case.refunded_shipping,
            created_at=case.created_at,
            timeline=[
                StepOut(at=s.at, actor=s.actor, action=s.action, note=s.note, amount=s.amount, photos=s.photos,
                        code=s.code)
                for s in case.timeline
            ],
        )  # fmt: skip


class CasePageOut(BaseModel):
    items: list[CaseOut]
    page: int
    pages: int
    total: int


class PhotoOut(BaseModel):
    id: str
    url: str


class MerchantQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filter: Literal["", "waiting", "overdue_soon", "disputes", "open", "closed"] = ""
    page: int = Field(default=1, ge=1, le=10_000)


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: int = Field(default=1, ge=1, le=10_000)
