"""How a priced cart explains itself: each promotion applied and what it saved, each chosen coupon
that did not apply and why. Reasons are codes; pages word them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mall.promotions.models import PromotionKind


@dataclass(frozen=True)
class Detail:
    """What a page needs to word a deal: 滿 300 減 30 (min_spend, save), 全館 9 折 (percent 10),
    coupon NEWYEAR −50 (code, save), 限時 NT$199 (fixed_price), 免運 (free_shipping)."""

    name: str = ""
    code: str | None = None
    min_spend: int = 0
    save: int | None = None
    percent: int | None = None
    cap: int | None = None
    fixed_price: int | None = None
    free_shipping: bool = False


@dataclass(frozen=True)
class Applied:
    """A promotion that saved something: `amount` on goods (exactly the sum of its allocations) and
    `shipping_saved` on its shop's shipping. shop_id is None for platform promotions. A chosen coupon
    that passed its checks is applied even if it saves 0 (a cap of 0), so it is never silently dropped."""

    promotion_id: str
    kind: PromotionKind
    shop_id: str | None
    amount: int
    detail: Detail
    shipping_saved: int = 0


class RejectReason(StrEnum):
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    NO_ELIGIBLE_ITEMS = "no_eligible_items"  # nothing of its shop (or nothing left to discount)
    MIN_SPEND_NOT_REACHED = "min_spend_not_reached"  # short_by says how much more to spend
    ONE_PER_SCOPE = "one_per_scope"  # in_favour_of: the coupon that applies in its scope


@dataclass(frozen=True)
class Rejected:
    """A chosen coupon that does not apply, and why."""

    coupon_id: str
    code: str
    reason: RejectReason
    short_by: int = 0
    in_favour_of: str | None = None
