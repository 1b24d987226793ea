"""What the pages and the API read: a product's reviews (filters, sorts, pages) with its kept figures, a
shop's reviews for its people, what an order's buyer may still review, a shop's DSR against its category."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from mall.catalog import services as catalog
from mall.infra.ids import is_id
from mall.reviews.models import (
    DSR_KEYS,
    LOW_STARS,
    REPORT_REASONS,
    TAGS,
    DsrAverages,
    ProductFigures,
    Refusal,
    Review,
    ReviewStatus,
    followup_refusal,
    review_deadline,
    versus,
)
from mall.reviews.models import review_refusal as refusal_for
from mall.reviews.services import figures
from mall.reviews.services.posting import windows
from mall.shops import services as shops

PER_PAGE = 10


class ReviewSort(StrEnum):
    NEWEST = "newest"
    HELPFUL = "helpful"


@dataclass(frozen=True)
class ReviewFilter:
    stars: int | None = None
    photos: bool = False
    followup: bool = False
    sort: ReviewSort = ReviewSort.NEWEST
    page: int = 1


@dataclass
class ReviewPage:
    items: list[Review]
    total: int
    page: int
    per_page: int
    figures: ProductFigures

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


async def product_reviews(c, product_id: str, chosen: ReviewFilter, *, per_page: int = PER_PAGE) -> ReviewPage:
    """Visible reviews of a product (hidden ones are nowhere but in their author's and the operators' view)."""
    query: dict = {"product_id": str(product_id), "status": ReviewStatus.VISIBLE.value}
    if chosen.stars is not None:
        query["stars"] = int(chosen.stars)
    if chosen.photos:
        query["has_photos"] = True
    if chosen.followup:
        query["has_followup"] = True
    page = max(1, int(chosen.page))
    items, total = await c.reviews.page(query, sort=str(chosen.sort), skip=(page - 1) * per_page, limit=per_page)
    return ReviewPage(items, total, page, per_page, await figures.product_figures(c, product_id))


@dataclass
class ProductPanel:
    """The product page's reviews: a page of them as filtered, what the viewer voted, the shop's name (replies)."""

    page: ReviewPage
    chosen: ReviewFilter
    voted: set[str]
    shop_name: str
    user_id: str | None = None
    tags: dict = field(default_factory=lambda: dict(TAGS))
    reasons: dict = field(default_factory=lambda: dict(REPORT_REASONS))


async def product_panel(c, product, chosen: ReviewFilter, *, user_id: str | None) -> ProductPanel:
    page = await product_reviews(c, product.id, chosen)
    voted = await c.reviews.voted(user_id, [r.id for r in page.items]) if user_id and page.items else set()
    shop = await shops.get_shop(c.shops, product.shop_id)
    return ProductPanel(page, chosen, voted, shop.name if shop else "", user_id)


async def shop_reviews(
    c, *, shop_id: str, stars: int | None = None, unreplied: bool = False, page: int = 1, per_page: int = 20
) -> tuple[list[Review], int]:
    """Every review of the shop (hidden too, marked), newest first; `unreplied`: a review or follow-up waits."""
    query: dict = {"shop_id": str(shop_id)}
    if stars is not None:
        query["stars"] = int(stars)
    if unreplied:
        query["$or"] = [{"reply": None}, {"has_followup": True, "followup.reply": None}]
    return await c.reviews.page(query, sort="newest", skip=(max(1, page) - 1) * per_page, limit=per_page)


async def get_review(c, review_id: str) -> Review | None:
    return await c.reviews.get(review_id) if is_id(review_id) else None


# --- an order's buyer ---------------------------------------------------------------------------------------


@dataclass
class LineState:
    line: int
    review: Review | None
    refusal: Refusal | None  # why it cannot be reviewed now (None: it can)


@dataclass
class OrderReviews:
    order: object
    lines: list[LineState]
    rated: bool
    deadline: object = None  # until when (None while delivered, before completion)
    followups: list[Review] = field(default_factory=list)  # reviews that may still get a follow-up

    @property
    def open_lines(self) -> list[LineState]:
        return [state for state in self.lines if state.refusal is None]


async def order_reviews(c, order, user_id: str) -> OrderReviews:
    """Which lines of the buyer's order are reviewed, which may be, and whether the shop was rated."""
    existing = {review.line: review for review in await c.reviews.of_order(order.id)}
    now, rules = c.clock.now(), windows(c)
    states = [
        LineState(
            n, existing.get(n),
            refusal_for(order, n, user_id=user_id, now=now, windows=rules, reviewed=n in existing),
        )
        for n in range(len(order.lines))
    ]  # fmt: skip
    followups = [
        r
        for r in existing.values()
        if r.visible and followup_refusal(r, user_id=user_id, now=now, windows=rules) is None
    ]
    rated = await c.reviews.rating(order.id) is not None
    return OrderReviews(order, states, rated, review_deadline(order, rules), followups)


async def reviewable_orders(c, orders: list, user_id: str) -> set[str]:
    """Ids of these orders with a line their buyer may review now (the order list's "Review" buttons)."""
    candidates = [o for o in orders if str(o.status) in ("delivered", "completed")]
    if not candidates:
        return set()
    done: dict[str, set[int]] = {}
    for review in await c.reviews.of_orders([o.id for o in candidates]):
        done.setdefault(review.order_id, set()).add(review.line)
    now, rules = c.clock.now(), windows(c)
    return {
        o.id
        for o in candidates
        if any(
            refusal_for(o, n, user_id=user_id, now=now, windows=rules, reviewed=n in done.get(o.id, set())) is None
            for n in range(len(o.lines))
        )
    }


# --- shop ratings -----------------------------------------------------------------------------------------------


@dataclass
class ShopDsr:
    """A shop's DSR over the last 180 days, each against the platform's average in its main category."""

    shop: DsrAverages
    category: DsrAverages
    category_id: str | None

    def versus(self, key: str) -> int | None:
        """None while no other shop of the category has ratings (a shop is not compared with itself)."""
        if self.category.count <= self.shop.count:
            return None
        return versus(self.shop.get(key), self.category.get(key))

    @property
    def rows(self) -> list[tuple[str, float | None, int | None]]:
        return [(key, self.shop.get(key), self.versus(key)) for key in DSR_KEYS]


async def shop_dsr(c, shop_id: str, *, days: int = figures.DSR_DAYS) -> ShopDsr:
    category_id = await catalog.main_category(c.products, c.categories, shop_id)
    mine = await figures.dsr(c, f"shop:{shop_id}", days)
    platform = await figures.dsr(c, f"cat:{category_id}", days) if category_id else DsrAverages(0, None, None, None)
    return ShopDsr(mine, platform, category_id)


# --- what the reputation reads -------------------------------------------------------------------------------------


async def shop_rating_window(c, shop_id: str, days: int) -> DsrAverages:
    """The shop's DSR over the last `days` days (no platform comparison)."""
    return await figures.dsr(c, f"shop:{shop_id}", days)


async def shop_review_counts(c, shop_id: str, since) -> tuple[int, int]:
    """(visible reviews of the shop since `since`, of which 1-2★)."""
    return await c.reviews.shop_counts(shop_id, since, LOW_STARS)
