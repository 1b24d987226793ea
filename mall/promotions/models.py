"""What each kind of promotion says: pure data, no I/O. Money in integer minor units, time aware UTC.

Every promotion is live in [starts_at, ends_at) and is built with keywords; percentages are whole
numbers 1..100. Who may create one, and counting a coupon's total and per-user uses, is the caller's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PromotionKind(StrEnum):
    """The stages of pricing, in the fixed order they apply."""

    LIMITED_TIME = "limited_time"  # 限時折扣
    SPEND_THRESHOLD = "spend_threshold"  # 滿減
    SHOP_COUPON = "shop_coupon"  # 優惠券 of one shop
    CAMPAIGN = "campaign"  # 聯合促銷
    PLATFORM_COUPON = "platform_coupon"  # 優惠券 of the platform


class Scope(StrEnum):
    SHOP = "shop"
    PLATFORM = "platform"


class CouponKind(StrEnum):
    FIXED = "fixed"  # value = minor units off
    PERCENT = "percent"  # value = percent off, at most `cap` minor units


def _check_percent(percent: int | None) -> None:
    if percent is not None and not 1 <= percent <= 100:
        raise ValueError(f"a percent is 1..100, not {percent}")


def _check_window(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None or not starts_at < ends_at:
        raise ValueError("a promotion's window is two aware times, start before end")


@dataclass(frozen=True)
class Tier:
    """滿 `min_spend` 減 `save`, or 滿 `min_spend` `percent` % off: exactly one of save / percent."""

    min_spend: int
    save: int | None = None
    percent: int | None = None

    def __post_init__(self) -> None:
        if (self.save is None) == (self.percent is None) or self.min_spend < 0 or (self.save or 0) < 0:
            raise ValueError("a tier has a min_spend >= 0 and exactly one of save >= 0 / percent")
        _check_percent(self.percent)


@dataclass(frozen=True, kw_only=True)
class LimitedTimeDiscount:
    """限時折扣: a lower unit price on chosen SKUs of one shop: `percent_off` or a `fixed_price`."""

    id: str
    shop_id: str
    name: str
    variant_ids: frozenset[str]
    percent_off: int | None = None
    fixed_price: int | None = None
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        if (self.percent_off is None) == (self.fixed_price is None) or (self.fixed_price or 0) < 0:
            raise ValueError("a limited-time discount has exactly one of percent_off / fixed_price >= 0")
        _check_percent(self.percent_off)
        _check_window(self.starts_at, self.ends_at)


@dataclass(frozen=True, kw_only=True)
class SpendThreshold:
    """滿減 on a whole shop: the best tier reached applies; `free_shipping` waives the shop's shipping then."""

    id: str
    shop_id: str
    name: str
    tiers: tuple[Tier, ...]
    free_shipping: bool = False
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        if not self.tiers:
            raise ValueError("a spend threshold has at least one tier")
        _check_window(self.starts_at, self.ends_at)


@dataclass(frozen=True, kw_only=True)
class Coupon:
    """優惠券 the shopper chose: a shop's (shop_id set) or the platform's (shop_id None)."""

    id: str
    code: str
    scope: Scope
    shop_id: str | None = None
    kind: CouponKind
    value: int
    cap: int | None = None  # PERCENT only: the most it saves
    min_spend: int = 0
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        if (self.scope is Scope.SHOP) != (self.shop_id is not None):
            raise ValueError("a shop coupon names its shop; a platform coupon names none")
        if self.value < 0 or self.min_spend < 0 or (self.cap is not None and self.cap < 0):
            raise ValueError("a coupon's value, cap and min_spend are >= 0")
        if self.kind is CouponKind.PERCENT:
            _check_percent(self.value)
        _check_window(self.starts_at, self.ends_at)


@dataclass(frozen=True, kw_only=True)
class Campaign:
    """聯合促銷 on the approved products of opted-in shops: `tiers` (platform-wide spend) or `percent_off`.
    The platform funds `platform_share_percent` of each saving, the merchant the rest."""

    id: str
    name: str
    tiers: tuple[Tier, ...] = ()
    percent_off: int | None = None
    product_ids: frozenset[str]  # the approved entries: opted in by their merchant, approved by an operator
    platform_share_percent: int
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        if bool(self.tiers) == (self.percent_off is not None):
            raise ValueError("a campaign has exactly one of tiers / percent_off")
        if not 0 <= self.platform_share_percent <= 100:
            raise ValueError("platform_share_percent is 0..100")
        _check_percent(self.percent_off)
        _check_window(self.starts_at, self.ends_at)

    @property
    def terms(self) -> tuple[Tier, ...]:
        """percent_off is the one tier 'from 0, percent_off % off'."""
        return self.tiers or (Tier(0, percent=self.percent_off),)


@dataclass(frozen=True)
class Offers:
    """What may apply to one cart: the live promotions of its shops, and the coupons the shopper chose
    (in the order chosen). Promotions outside their window are ignored; chosen coupons are reported."""

    limited: tuple[LimitedTimeDiscount, ...] = ()
    thresholds: tuple[SpendThreshold, ...] = ()
    coupons: tuple[Coupon, ...] = ()
    campaigns: tuple[Campaign, ...] = ()


def is_live(promotion: LimitedTimeDiscount | SpendThreshold | Coupon | Campaign, now: datetime) -> bool:
    return promotion.starts_at <= now < promotion.ends_at
