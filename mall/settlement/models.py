"""The ledger, statements, payouts and commission rules: pure data, no I/O.

Accounts (balances are debit − credit; a liability or a revenue is negative):
  clearing              payments clearing: what shoppers paid in (debit), what payouts paid out (credit)
  refunds               money given back to shoppers (credit): clearing + refunds is the money held
  platform:commission   the platform's commission revenue (credit)
  platform:promotions   the platform's promotion expense: the discounts it funds (debit)
  platform:adjustments  refunds beyond what an order had left, borne by the platform (debit)
  shop:<id>:pending     owed to the shop, not yet settled into a statement (credit)
  shop:<id>:available   owed to the shop, settled into a statement, not yet sent (credit)
  shop:<id>:transit     payouts sent to the shop, not yet confirmed paid (credit)"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

CLEARING = "clearing"
REFUNDS = "refunds"
COMMISSION = "platform:commission"
PROMOTIONS = "platform:promotions"
ADJUSTMENTS = "platform:adjustments"
PLATFORM_ACCOUNTS = (CLEARING, REFUNDS, COMMISSION, PROMOTIONS, ADJUSTMENTS)


def pending(shop_id: str) -> str:
    return f"shop:{shop_id}:pending"


def available(shop_id: str) -> str:
    return f"shop:{shop_id}:available"


def transit(shop_id: str) -> str:
    return f"shop:{shop_id}:transit"


def shop_accounts(shop_id: str) -> tuple[str, str, str]:
    return pending(shop_id), available(shop_id), transit(shop_id)


@dataclass(frozen=True)
class Leg:
    account: str
    debit: int = 0
    credit: int = 0


def legs(*moves: tuple[str, int]) -> list[Leg]:
    """(account, signed amount) -> legs: positive debits, negative credits; zeros left out, same accounts merged."""
    net: dict[str, int] = {}
    for account, amount in moves:
        net[account] = net.get(account, 0) + amount
    return [Leg(a, max(v, 0), max(-v, 0)) for a, v in net.items() if v]


def is_balanced(entry_legs: list[Leg]) -> bool:
    return all(leg.debit >= 0 and leg.credit >= 0 for leg in entry_legs) and sum(
        leg.debit for leg in entry_legs
    ) == sum(leg.credit for leg in entry_legs)


class EntryKind(StrEnum):
    PAID = "paid"  # an order paid: the shop earns its lines and shipping, the platform its commission
    REFUND = "refund"  # part or all of an order given back: its earnings reversed in proportion
    PASSTHROUGH = "passthrough"  # money in and straight back out for an order that was never paid (a late payment)
    STATEMENT = "statement"  # a statement settles the shop's items: pending -> available
    PAYOUT_SENT = "payout_sent"  # available -> in transit
    PAYOUT_PAID = "payout_paid"  # in transit -> out of clearing
    PAYOUT_FAILED = "payout_failed"  # in transit -> back to available


class ItemKind(StrEnum):
    """A statement's lines: what one entry did to one order line (or its shipping) of one shop."""

    SALE = "sale"
    SHIPPING = "shipping"
    REFUND = "refund"  # negative amounts
    SHIPPING_REFUND = "shipping_refund"


@dataclass
class Item:
    """One order line's (position) or shipping's (position None) part of an entry, in the shop's view. Refund
    items carry negative amounts. `eligible_at`: when it may be settled (its order completed + settle_after_days);
    `statement_id` once a statement took it (set once, never again)."""

    id: str
    entry_key: str
    kind: ItemKind
    shop_id: str
    order_id: str
    order_number: str
    position: int | None
    net: int
    subsidy: int
    commission: int
    rate_bp: int
    at: datetime
    subsidies: dict[str, int] = field(default_factory=dict)
    name: dict[str, str] = field(default_factory=dict)
    sku: str = ""
    qty: int = 0
    refund_id: str | None = None
    case_id: str | None = None
    eligible_at: datetime | None = None
    statement_id: str | None = None

    @property
    def revenue(self) -> int:
        return self.net + self.subsidy

    @property
    def merchant(self) -> int:
        return self.revenue - self.commission

    @property
    def is_refund(self) -> bool:
        return self.kind in (ItemKind.REFUND, ItemKind.SHIPPING_REFUND)

    def display_name(self, locale: str) -> str:
        return self.name.get(locale) or self.name.get("en") or next(iter(self.name.values()), "")


@dataclass(frozen=True)
class Totals:
    """A statement's figures. net = sales + shipping + refunds (negative) − commission (net of reversals)."""

    sales: int = 0  # revenue of the lines settled: what shoppers paid + platform subsidies
    subsidies: int = 0  # of the sales, what the platform funded
    shipping: int = 0
    refunds: int = 0  # revenue taken back by refunds (<= 0)
    commission: int = 0  # commission net of reversals
    lines: int = 0

    @property
    def net(self) -> int:
        return self.sales + self.shipping + self.refunds - self.commission


class StatementStatus(StrEnum):
    ISSUING = "issuing"  # claimed its items; a crash here is finished by the next run
    ISSUED = "issued"  # immutable from here on


@dataclass
class Statement:
    """One shop's statement (對帳單) for one period (a local date). closing = carried + totals.net; held is kept
    back for open disputes; payable = what a payout sends (never negative: a negative closing is carried)."""

    id: str
    number: str
    shop_id: str
    period: str
    status: StatementStatus
    started_at: datetime
    totals: Totals = field(default_factory=Totals)
    carried: int = 0
    held: int = 0
    issued_at: datetime | None = None

    @property
    def closing(self) -> int:
        return self.carried + self.totals.net

    @property
    def payable(self) -> int:
        return max(self.closing - self.held, 0)


class PayoutStatus(StrEnum):
    APPROVED = "approved"  # written first; a crash before it is sent is finished by the sweep
    SENT = "sent"  # in transit
    PAID = "paid"
    FAILED = "failed"  # the money went back to the shop's balance


@dataclass
class Payout:
    id: str
    statement_id: str
    shop_id: str
    amount: int
    status: PayoutStatus
    approved_by: str
    approved_at: datetime
    provider: str
    provider_ref: str | None = None
    sent_at: datetime | None = None
    settled_at: datetime | None = None  # paid or failed
    failure: str | None = None


class RuleScope(StrEnum):
    DEFAULT = "default"
    CATEGORY = "category"
    SHOP = "shop"


@dataclass(frozen=True)
class CommissionRule:
    """A rate (basis points) from a date on: the platform default, one category (and those below it), or one shop
    (which beats its categories). Earnings keep the rate they were posted with: a new rule never rewrites them."""

    id: str
    scope: RuleScope
    target_id: str | None
    rate_bp: int
    effective_from: datetime
    created_at: datetime
    created_by: str


def rate_for(
    rules: list[CommissionRule], *, shop_id: str, category_trail: list[str], at: datetime, default_bp: int
) -> int:
    """The rate that applies at `at`: the shop's rule, else the nearest category's (deepest first), else the default
    rule, else `default_bp`; of each, the one most recently in effect."""

    def latest(scope: RuleScope, target: str | None) -> CommissionRule | None:
        found = [r for r in rules if r.scope is scope and r.target_id == target and r.effective_from <= at]
        return max(found, key=lambda r: (r.effective_from, r.created_at), default=None)

    for scope, target in [
        (RuleScope.SHOP, shop_id),
        *((RuleScope.CATEGORY, c) for c in reversed(category_trail)),
        (RuleScope.DEFAULT, None),
    ]:
        rule = latest(scope, target)
        if rule is not None:
            return rule.rate_bp
    return default_bp
