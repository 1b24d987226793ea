"""Finance API requests and answers (closed models: an unknown field is a 422), and the payout webhook's body."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
Money = Annotated[int, Field(description="minor units of `currency`")]


class PayoutEventIn(BaseModel):
    """The signed JSON body of a sandbox payout webhook (parsed strictly)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    id: str = Field(pattern=r"^evt_[A-Za-z0-9_-]{8,64}$")
    type: Literal["payout.paid", "payout.failed"]
    payout_id: str = Field(pattern=r"^[0-9a-f]{24}$")
    amount: int = Field(ge=1)
    created: int
    reason: str = Field(default="", max_length=200)


class PageQuery(BaseModel):
    model_config = Closed
    page: int = Field(default=1, ge=1, le=10_000)


class BalanceOut(BaseModel):
    currency: str
    pending: Money = Field(description="earned, not yet settleable or not yet in a statement")
    available: Money = Field(description="settled into statements, not yet paid out (may be negative: carried)")
    held: Money = Field(description="of what is available, kept back while a dispute is open")
    in_transit: Money = Field(description="payouts sent, not yet confirmed paid")
    paid_out: Money


class PayoutOut(BaseModel):
    id: str
    statement_id: str
    shop_id: str
    amount: Money
    status: Literal["approved", "sent", "paid", "failed"]
    approved_at: datetime
    sent_at: datetime | None = None
    settled_at: datetime | None = None

    @classmethod
    def of(cls, payout) -> PayoutOut:
        return cls(**{name: getattr(payout, name) for name in cls.model_fields if name != "status"},
                   status=payout.status.value)  # fmt: skip


class StatementOut(BaseModel):
    id: str
    number: str
    shop_id: str
    period: date
    issued_at: datetime | None
    sales: Money = Field(description="revenue of the lines settled: what shoppers paid + platform-funded discounts")
    subsidies: Money = Field(description="of the sales, the part the platform funded (platform coupons, campaigns)")
    shipping: Money
    refunds: Money = Field(description="revenue taken back by refunds (zero or negative)")
    commission: Money = Field(description="commission, net of what refunds reversed")
    net: Money = Field(description="sales + shipping + refunds − commission")
    carried: Money = Field(description="the balance brought forward (negative after late refunds)")
    closing: Money = Field(description="carried + net")
    held: Money = Field(description="kept back while a dispute is open")
    payable: Money = Field(description="what a payout sends: closing − held, never below zero")
    lines: int
    payout: PayoutOut | None = None

    @classmethod
    def of(cls, statement, payout=None) -> StatementOut:
        t = statement.totals
        return cls(
            id=statement.id, number=statement.number, shop_id=statement.shop_id,
            period=date.fromisoformat(statement.period), issued_at=statement.issued_at, sales=t.sales,
            subsidies=t.subsidies, shipping=t.shipping, refunds=t.refunds,
            commission=t.commission, net=t.net, carried=statement.carried, closing=statement.closing,
            held=statement.held, payable=statement.payable, lines=t.lines,
            payout=PayoutOut.of(payout) if payout else None,
        )  # fmt: skip


class StatementPageOut(BaseModel):
    currency: str
    items: list[StatementOut]
    page: int
    pages: int
    total: int


class StatementLineOut(BaseModel):
    kind: Literal["sale", "shipping", "refund", "shipping_refund"]
    order_id: str
    order_number: str
    line_id: int | None = Field(description="the line's position in the order (0-based); null for shipping")
    name: str
    sku: str
    qty: int
    net: Money = Field(description="what the shopper paid (negative: refunded)")
    subsidy: Money = Field(description="platform-funded discount")
    revenue: Money
    rate_bp: int = Field(description="commission rate in basis points")
    commission: Money
    merchant: Money = Field(description="revenue − commission: what the shop is owed for it")
    refund_id: str | None = None
    case_id: str | None = Field(default=None, description="the after-sales case, when a refund came from one")
    at: datetime


class StatementDetailOut(BaseModel):
    currency: str
    statement: StatementOut
    lines: list[StatementLineOut]
    page: int
    pages: int
    total: int


class CampaignSubsidyOut(BaseModel):
    promotion_id: str
    name: str
    subsidy: Money


class SummaryOut(BaseModel):
    currency: str
    gmv: Money = Field(description="what shoppers paid for paid orders")
    refunds: Money
    commission: Money = Field(description="commission earned, net of reversals")
    subsidies: Money = Field(description="discounts the platform funded, net of reversals")
    platform_net: Money = Field(description="commission − subsidies")
    take_rate_bp: int = Field(description="commission ÷ (GMV − refunds), in basis points")
    owed: Money = Field(description="owed to shops: pending + available + in transit")
    in_transit: Money
    paid_out: Money
    campaigns: list[CampaignSubsidyOut]
    awaiting_approval: list[StatementOut]


class ApprovedOut(BaseModel):
    payout: PayoutOut


class CommissionRuleIn(BaseModel):
    model_config = Closed
    scope: Literal["default", "category", "shop"]
    target_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{24}$", description="the category or shop")
    rate_bp: int = Field(ge=0, le=10_000, description="basis points: 500 = 5%")
    effective_from: str = Field(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        json_schema_extra={"format": "date"},
        description="YYYY-MM-DD: the rule applies from this day on (platform time zone), today or later",
    )

    @field_validator("effective_from")
    @classmethod
    def _a_real_day(cls, value: str) -> str:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError("a calendar date, YYYY-MM-DD") from None
        return value


class CommissionRulesIn(BaseModel):
    model_config = Closed
    rules: list[CommissionRuleIn] = Field(min_length=1, max_length=50)


class CommissionRuleOut(BaseModel):
    id: str
    scope: Literal["default", "category", "shop"]
    target_id: str | None
    rate_bp: int
    effective_from: datetime
    created_at: datetime


class CommissionRulesOut(BaseModel):
    default_bp: int = Field(description="the settings' rate, used while no default rule is in effect")
    rules: list[CommissionRuleOut]


class LedgerCheckOut(BaseModel):
    balanced: bool = Field(description="every entry balanced, every total equal to its entries, every paid line once")
    accounts: dict[str, int] = Field(description="balance (debit − credit) of every account, from the entries")
    entries: int
    problems: list[str]


class RuleFormIn(BaseModel):
    """The commission rule form as posted (text; parsed by mall.settlement.forms)."""

    model_config = Closed
    scope: str = Field(default="default", max_length=20)
    category_id: str = Field(default="", max_length=24)
    shop_id: str = Field(default="", max_length=24)
    rate: str = Field(default="", max_length=20)
    effective_from: str = Field(default="", max_length=20)


class ErrorDetail(BaseModel):
    status: int
    message: str
    request_id: str
    fields: dict[str, str] | None = Field(default=None, description="on a 422: what is wrong with each field")


class ErrorOut(BaseModel):
    """Every refusal the finance API gives (mall.web.errors)."""

    error: ErrorDetail
