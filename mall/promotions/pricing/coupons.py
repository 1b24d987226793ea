"""The coupon stages: at most one coupon per shop, and one for the platform."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mall.promotions.models import Coupon, CouponKind, PromotionKind, Scope
from mall.promotions.pricing.allocate import percent_of
from mall.promotions.pricing.explained import Applied, Detail, Rejected, RejectReason
from mall.promotions.pricing.ledger import Ledger, base_of

KIND = {Scope.SHOP: PromotionKind.SHOP_COUPON, Scope.PLATFORM: PromotionKind.PLATFORM_COUPON}


def coupon_saving(coupon: Coupon, base: int, step: int = 1) -> int:
    """Fixed: its value; percent: that percent of the base rounded down (to the step), at most its cap.
    Never above base."""
    if coupon.kind is CouponKind.FIXED:
        return min(coupon.value, base)
    saving = percent_of(base, coupon.value, step)
    return saving if coupon.cap is None else min(saving, coupon.cap)


def coupon_detail(coupon: Coupon) -> Detail:
    fixed = coupon.kind is CouponKind.FIXED
    return Detail(code=coupon.code, min_spend=coupon.min_spend, save=coupon.value if fixed else None,
                  percent=None if fixed else coupon.value, cap=coupon.cap)  # fmt: skip


def apply_coupons(ledger: Ledger, chosen: Sequence[Coupon], scope: Scope, now: datetime) -> list[Rejected]:
    """The chosen coupons of `scope`, in the order chosen: in each scope (a shop, or the platform) the
    first that can apply does; any later one is rejected one_per_scope. A coupon's base is its scope's
    eligible lines after the earlier stages; min_spend is compared with that base.
    Shop coupons are 100 % merchant-funded, platform coupons 100 % platform-funded."""
    taken: dict[str | None, str] = {}
    rejected = []
    for coupon in (coupon for coupon in chosen if coupon.scope is scope):
        lines = ledger.eligible(coupon.shop_id)
        base = base_of(lines)
        if coupon.shop_id in taken:
            reject = Rejected(coupon.id, coupon.code, RejectReason.ONE_PER_SCOPE, in_favour_of=taken[coupon.shop_id])
        elif now < coupon.starts_at:
            reject = Rejected(coupon.id, coupon.code, RejectReason.NOT_STARTED)
        elif now >= coupon.ends_at:
            reject = Rejected(coupon.id, coupon.code, RejectReason.EXPIRED)
        elif not lines:
            reject = Rejected(coupon.id, coupon.code, RejectReason.NO_ELIGIBLE_ITEMS)
        elif base < coupon.min_spend:
            reject = Rejected(coupon.id, coupon.code, RejectReason.MIN_SPEND_NOT_REACHED, coupon.min_spend - base)
        else:
            applied = Applied(
                coupon.id, KIND[scope], coupon.shop_id, coupon_saving(coupon, base, ledger.step), coupon_detail(coupon)
            )
            ledger.grant(applied, lines, platform_percent=100 if scope is Scope.PLATFORM else 0)
            taken[coupon.shop_id] = coupon.id
            continue
        rejected.append(reject)
    return rejected
