"""What is stored about promotions (pure dataclasses), and the engine's view of each when it is live.

A shop promotion (限時折扣 or 滿減), a coupon (優惠券) and a campaign (聯合促銷) each have a window and a
status a person sets (active / paused / stopped, and a campaign's draft / scheduled / live / ended);
what shoppers see is derived from both (`state`). Money in minor units, time aware UTC."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from mall.promotions.models import (
    Campaign,
    Coupon,
    CouponKind,
    LimitedTimeDiscount,
    Scope,
    SpendThreshold,
    Tier,
)


class State(StrEnum):
    """What a person sees now."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"  # upcoming
    LIVE = "live"
    PAUSED = "paused"
    ENDED = "ended"
    STOPPED = "stopped"


class Control(StrEnum):
    """What a merchant or marketer set on a shop promotion or a coupon."""

    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"  # final


def _state(control: str, starts_at: datetime, ends_at: datetime, now: datetime) -> State:
    if control == Control.STOPPED:
        return State.STOPPED
    if now >= ends_at:
        return State.ENDED
    if control == Control.PAUSED:
        return State.PAUSED
    return State.SCHEDULED if now < starts_at else State.LIVE


def tiers_from(raw: list[dict]) -> tuple[Tier, ...]:
    return tuple(Tier(t["min_spend"], save=t.get("save"), percent=t.get("percent")) for t in raw)


def tiers_to(tiers) -> list[dict]:
    return [{"min_spend": t.min_spend, "save": t.save, "percent": t.percent} for t in tiers]


class ShopPromotionKind(StrEnum):
    LIMITED_TIME = "limited_time"
    SPEND_THRESHOLD = "spend_threshold"


@dataclass
class ShopPromotion:
    """A shop's 限時折扣 (variant_ids + percent_off | fixed_price) or 滿減 (tiers, free_shipping)."""

    id: str
    shop_id: str
    kind: ShopPromotionKind
    name: str
    starts_at: datetime
    ends_at: datetime
    created_by: str
    created_at: datetime
    control: Control = Control.ACTIVE
    variant_ids: list[str] = field(default_factory=list)
    percent_off: int | None = None
    fixed_price: int | None = None
    tiers: list[dict] = field(default_factory=list)
    free_shipping: bool = False

    def state(self, now: datetime) -> State:
        return _state(self.control, self.starts_at, self.ends_at, now)

    def engine(self) -> LimitedTimeDiscount | SpendThreshold:
        if self.kind == ShopPromotionKind.LIMITED_TIME:
            return LimitedTimeDiscount(
                id=self.id, shop_id=self.shop_id, name=self.name, variant_ids=frozenset(self.variant_ids),
                percent_off=self.percent_off, fixed_price=self.fixed_price, starts_at=self.starts_at,
                ends_at=self.ends_at,
            )  # fmt: skip
        return SpendThreshold(
            id=self.id, shop_id=self.shop_id, name=self.name, tiers=tiers_from(self.tiers),
            free_shipping=self.free_shipping, starts_at=self.starts_at, ends_at=self.ends_at,
        )  # fmt: skip


@dataclass
class CouponRecord:
    """A coupon: shop scope (shop_id) or platform scope; `total` redemptions at most, `per_user` each;
    `claimable` ones are claimed into a wallet first, the others are entered as a code."""

    id: str
    code: str
    scope: Scope
    name: str
    kind: CouponKind
    value: int
    min_spend: int
    starts_at: datetime
    ends_at: datetime
    total: int
    per_user: int
    created_by: str
    created_at: datetime
    shop_id: str | None = None
    cap: int | None = None
    claimable: bool = False
    control: Control = Control.ACTIVE
    used: int = 0  # redemptions held by checkouts now (taken, not given back)
    claimed: int = 0

    def state(self, now: datetime) -> State:
        return _state(self.control, self.starts_at, self.ends_at, now)

    @property
    def left(self) -> int:
        return max(self.total - self.used, 0)

    def engine(self) -> Coupon:
        return Coupon(
            id=self.id, code=self.code, scope=self.scope, shop_id=self.shop_id, kind=self.kind, value=self.value,
            cap=self.cap, min_spend=self.min_spend, starts_at=self.starts_at, ends_at=self.ends_at,
        )  # fmt: skip


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    LIVE = "live"
    PAUSED = "paused"
    STOPPED = "stopped"
    ENDED = "ended"


@dataclass
class CampaignRecord:
    """A joint platform campaign: theme and banner, a rule (platform-wide tiers or percent off) on the
    products merchants opted in and an operator approved; the platform funds platform_share_percent."""

    id: str
    name: str
    theme: str
    starts_at: datetime
    ends_at: datetime
    platform_share_percent: int
    created_by: str
    created_at: datetime
    status: CampaignStatus = CampaignStatus.DRAFT
    tiers: list[dict] = field(default_factory=list)
    percent_off: int | None = None
    banner: str | None = None  # an uploaded image's file name
    version: int = 1
    min_health_score: int | None = None  # entries only from shops whose health score is at least this

    def state(self, now: datetime) -> State:
        if self.status in (CampaignStatus.STOPPED, CampaignStatus.ENDED):
            return State(self.status.value)
        if now >= self.ends_at:
            return State.ENDED  # a draft whose time passed is over too
        if self.status == CampaignStatus.DRAFT:
            return State.DRAFT
        if self.status == CampaignStatus.PAUSED:
            return State.PAUSED
        return State.LIVE if self.status == CampaignStatus.LIVE else State.SCHEDULED

    def engine(self, product_ids) -> Campaign:
        return Campaign(
            id=self.id, name=self.name, product_ids=frozenset(product_ids), tiers=tiers_from(self.tiers),
            percent_off=self.percent_off, platform_share_percent=self.platform_share_percent,
            starts_at=self.starts_at, ends_at=self.ends_at,
        )  # fmt: skip


class EntryStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass
class CampaignEntry:
    """A merchant's product in a campaign, under its funding split, once an operator approved it."""

    id: str  # "<campaign id>:<product id>"
    campaign_id: str
    shop_id: str
    product_id: str
    status: EntryStatus
    created_at: datetime
    decided_by: str | None = None
    reason: str = ""


@dataclass
class WalletCoupon:
    """A coupon a shopper claimed (one per coupon and shopper)."""

    coupon_id: str
    user_id: str
    claimed_at: datetime
