"""Reviews, shop ratings, reports and the figures kept about them: pure data and rules, no I/O.

Who may review is decided here (`review_refusal`): only the buyer of an order line, once the order is
delivered or completed, once per line, within `review_window_days` of completion; one follow-up per line
within `followup_window_days` of the first review. Stars are never edited after posting."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from mall.infra.text import N_

MAX_TEXT = 1000
MAX_REPLY = 500
MAX_PHOTOS = 6
STARS = (1, 2, 3, 4, 5)
LOW_STARS = 2  # 1-2★ count as negative (the health score's share of bad reviews; louder alerts)

# The fixed tags a reviewer may pick (key -> label, translated where shown).
TAGS: dict[str, str] = {
    "quality": N_("Good quality"),
    "fast_shipping": N_("Fast shipping"),
    "as_described": N_("As described"),
    "good_value": N_("Good value"),
    "well_packed": N_("Well packed"),
    "friendly_service": N_("Friendly service"),
}
# Why a review is reported (key -> label).
REPORT_REASONS: dict[str, str] = {
    "spam": N_("Spam or advertising"),
    "offensive": N_("Offensive or abusive"),
    "off_topic": N_("Not about this product"),
    "fake": N_("Looks fake or paid for"),
    "personal_info": N_("Shares someone's personal information"),
}
# The shop ratings (動態評分 / DSR) asked once per order.
DSR_KEYS: dict[str, str] = {
    "described": N_("Item as described"),
    "service": N_("Service"),
    "shipping": N_("Shipping speed"),
}


class ReviewStatus(StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"  # by an operator, with a reason the author is told; out of every average


class ReportStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the review was hidden
    DISMISSED = "dismissed"


class Refusal(StrEnum):
    """Why a line cannot be reviewed (or followed up) now."""

    NOT_BUYER = "not_buyer"
    NOT_DELIVERED = "not_delivered"
    WINDOW_CLOSED = "window_closed"
    ALREADY_REVIEWED = "already_reviewed"
    NO_SUCH_LINE = "no_such_line"


@dataclass
class Reply:
    """The shop's one public answer (to a review, or to its follow-up)."""

    text: str
    at: datetime
    by: str  # the merchant's user id (owner or staff)


@dataclass
class FollowUp:
    """追評: what the buyer adds later; text and photos, no stars."""

    text: str
    at: datetime
    photos: list[str] = field(default_factory=list)
    reply: Reply | None = None


@dataclass
class Review:
    id: str
    order_id: str
    line: int  # the line's position in the order
    product_id: str
    variant_id: str
    shop_id: str
    user_id: str
    author_name: str  # as it was when posted
    stars: int
    text: str
    created_at: datetime
    options: dict[str, str] = field(default_factory=dict)  # the variant bought ("規格: 150g")
    tags: list[str] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)  # media file names
    anonymous: bool = False
    reply: Reply | None = None
    followup: FollowUp | None = None
    status: ReviewStatus = ReviewStatus.VISIBLE
    helpful: int = 0
    refunded: bool = False  # the order was refunded in full: marked, not hidden
    reports_open: int = 0
    hidden_reason: str = ""
    hidden_at: datetime | None = None
    moderation: list[dict] = field(default_factory=list)  # the audit trail: at, by, action, reason

    @property
    def has_photos(self) -> bool:
        return bool(self.photos or (self.followup and self.followup.photos))

    @property
    def visible(self) -> bool:
        return self.status is ReviewStatus.VISIBLE

    @property
    def display_name(self) -> str:
        return masked(self.author_name) if self.anonymous else self.author_name

    @property
    def all_photos(self) -> list[str]:
        return [*self.photos, *(self.followup.photos if self.followup else [])]


BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def plain_text(value: str) -> str:
    """What a person typed, as plain text: control characters (other than newline and tab) and direction
    overrides (U+202E...) dropped, line ends made \\n, surrounding blanks trimmed. Shown escaped, never as HTML."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = (ch for ch in value if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in BIDI_CONTROLS))
    return "".join(kept).strip()


def masked(name: str) -> str:
    """An anonymous reviewer: first and last character, stars between ("S***n"); one or two chars -> "*"s."""
    name = (name or "").strip()
    if len(name) <= 2:
        return name[:1] + "***" if name else "***"
    return f"{name[0]}***{name[-1]}"


@dataclass
class ShopRating:
    """The order's shop ratings (DSR), 1-5 each; one per order (its id is the order's)."""

    order_id: str
    shop_id: str
    user_id: str
    described: int
    service: int
    shipping: int
    created_at: datetime
    category_id: str | None = None  # the shop's main category when rated: the platform comparison


@dataclass
class Report:
    id: str
    review_id: str
    shop_id: str
    reporter_id: str
    reason: str  # a REPORT_REASONS key
    created_at: datetime
    status: ReportStatus = ReportStatus.OPEN
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass
class Photo:
    """An uploaded review photo: its owner may attach it to one review (or follow-up)."""

    id: str
    user_id: str
    name: str  # the media file
    created_at: datetime
    used_by: str | None = None  # the review it belongs to


# --- the rules -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    review_days: int
    followup_days: int


def review_refusal(
    order, line: int, *, user_id: str, now: datetime, windows: Windows, reviewed: bool
) -> Refusal | None:
    """Why `user_id` may not review line `line` of `order` now (None: they may)."""
    if order is None or order.user_id != user_id:
        return Refusal.NOT_BUYER
    if not 0 <= line < len(order.lines):
        return Refusal.NO_SUCH_LINE
    status = str(order.status)
    if status not in ("delivered", "completed"):
        return Refusal.NOT_DELIVERED
    if reviewed:
        return Refusal.ALREADY_REVIEWED
    if status == "completed" and order.completed_at and now > order.completed_at + timedelta(days=windows.review_days):
        return Refusal.WINDOW_CLOSED
    return None


def followup_refusal(review: Review | None, *, user_id: str, now: datetime, windows: Windows) -> Refusal | None:
    if review is None or review.user_id != user_id:
        return Refusal.NOT_BUYER
    if review.followup is not None:
        return Refusal.ALREADY_REVIEWED
    if now > review.created_at + timedelta(days=windows.followup_days):
        return Refusal.WINDOW_CLOSED
    return None


def review_deadline(order, windows: Windows) -> datetime | None:
    """Until when the order's lines may be reviewed (None while it is delivered, not yet completed)."""
    if str(order.status) == "completed" and order.completed_at:
        return order.completed_at + timedelta(days=windows.review_days)
    return None


# --- figures -------------------------------------------------------------------------------------------


def rounded(total: int, count: int) -> float | None:
    """The average to one decimal, half up (4.25 -> 4.3): what is shown, filtered on ("4★ and up") and sorted."""
    if count <= 0:
        return None
    return float((Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class ProductFigures:
    """What is kept per product: visible reviews (count, star total, distribution, with photos, with a
    follow-up) and units sold (paid, minus refunded). `version` grows with every change (the catalog's copy
    only ever moves forward)."""

    product_id: str
    count: int = 0
    total: int = 0
    dist: dict[str, int] = field(default_factory=lambda: {str(s): 0 for s in STARS})
    photos: int = 0
    followups: int = 0
    sold: int = 0
    version: int = 0

    @property
    def average(self) -> float | None:
        return rounded(self.total, self.count)

    def share(self, stars: int) -> int:
        """Whole percent of the reviews with these stars (for the distribution bars)."""
        return round(100 * self.dist.get(str(stars), 0) / self.count) if self.count else 0

    def comparable(self) -> dict:
        return {
            "count": self.count,
            "total": self.total,
            "dist": {str(s): self.dist.get(str(s), 0) for s in STARS},
            "photos": self.photos,
            "followups": self.followups,
            "sold": self.sold,
        }


def review_delta(review: Review, sign: int = 1) -> dict[str, int]:
    """The `$inc` one visible review adds to (sign=1) or takes from (sign=-1) its product's figures."""
    delta = {"count": sign, "total": sign * review.stars, f"dist.{review.stars}": sign}
    if review.has_photos:
        delta["photos"] = sign
    if review.followup is not None:
        delta["followups"] = sign
    return delta


@dataclass
class DsrAverages:
    """A shop's (or a category's) DSR over a window: averages to one decimal, None without ratings."""

    count: int
    described: float | None
    service: float | None
    shipping: float | None

    @property
    def overall(self) -> float | None:
        values = [v for v in (self.described, self.service, self.shipping) if v is not None]
        return round(sum(values) / len(values), 2) if values else None

    def get(self, key: str) -> float | None:
        return getattr(self, key)


def dsr_from_sums(count: int, sums: dict[str, int]) -> DsrAverages:
    return DsrAverages(count, *(rounded(sums.get(key, 0), count) for key in DSR_KEYS))


def versus(shop: float | None, platform: float | None) -> int | None:
    """Whole percent the shop is above (+) or below (-) the platform's average ("高於同行 12%")."""
    if shop is None or not platform:
        return None
    return round(100 * (shop - platform) / platform)
