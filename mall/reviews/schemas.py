"""Reviews API models. Closed: an unknown field is a 422; stars, tags and reasons are typed before they reach
a service; no id, status, shop or count is ever accepted from a client. Bounds are inclusive (ge / le)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from mall.reviews.models import MAX_PHOTOS, MAX_REPLY, MAX_TEXT, REPORT_REASONS, TAGS

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
Id = Annotated[str, Field(pattern=r"^[0-9a-f]{24}$")]
Stars = Annotated[int, Field(ge=1, le=5)]
Tag = Literal[tuple(TAGS)]  # type: ignore[valid-type]
Reason = Literal[tuple(REPORT_REASONS)]  # type: ignore[valid-type]


class LineIn(BaseModel):
    model_config = Closed
    line_id: int = Field(ge=0, le=999, description="the line's position in the order (0 = first), as GET "
                                                   "/api/v1/orders/{id} lists them")  # fmt: skip
    stars: Stars
    text: str = Field(default="", max_length=MAX_TEXT, description="plain text")
    tags: list[Tag] = Field(default_factory=list, max_length=len(TAGS))
    photo_ids: list[Id] = Field(default_factory=list, max_length=MAX_PHOTOS, description="from POST "
                                "/api/v1/uploads/review-photos")  # fmt: skip
    anonymous: bool = False


class ShopRatingsIn(BaseModel):
    model_config = Closed
    described: Stars = Field(description="item as described")
    service: Stars
    shipping: Stars = Field(description="shipping speed")


class ReviewsIn(BaseModel):
    model_config = Closed
    lines: list[LineIn] = Field(min_length=1, max_length=100)
    shop_ratings: ShopRatingsIn | None = Field(default=None, description="required with the order's first review")


class FollowupIn(BaseModel):
    model_config = Closed
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    photo_ids: list[Id] = Field(default_factory=list, max_length=MAX_PHOTOS)


class ReportIn(BaseModel):
    model_config = Closed
    reason: Reason


class ReplyIn(BaseModel):
    model_config = Closed
    text: str = Field(min_length=1, max_length=MAX_REPLY)
    followup: bool = Field(default=False, description="answer the follow-up (追評) instead of the review")


class HideIn(BaseModel):
    model_config = Closed
    action: str = Field(pattern="^hide$")
    reason: str = Field(min_length=3, max_length=500, description="the author is told")


class DismissIn(BaseModel):
    model_config = Closed
    action: str = Field(pattern="^dismiss$")


class DecisionIn(RootModel[HideIn | DismissIn]):
    """Hide the review with a reason (its author is told), or dismiss its reports."""


class ReviewQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stars: int | None = Field(default=None, ge=1, le=5)
    photos: bool = False
    followup: bool = False
    sort: Literal["newest", "helpful"] = "newest"
    page: int = Field(default=1, ge=1, le=1000)


class MerchantQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stars: int | None = Field(default=None, ge=1, le=5)
    unreplied: bool = False
    page: int = Field(default=1, ge=1, le=1000)


# --- answers ---------------------------------------------------------------------------------------------------


class ReplyOut(BaseModel):
    text: str
    at: str
    shop_name: str


class FollowupOut(BaseModel):
    text: str
    at: str
    photos: list[str]
    reply: ReplyOut | None = None


class ReviewOut(BaseModel):
    id: str
    product_id: str
    stars: int
    text: str
    tags: list[str]
    photos: list[str] = Field(description="image URLs")
    author: str = Field(description="the reviewer's name, masked when anonymous")
    anonymous: bool
    variant: dict[str, str] = Field(description='the options bought, e.g. {"weight": "150g"}')
    created_at: str
    helpful: int
    refunded: bool = Field(description="the order was refunded in full")
    reply: ReplyOut | None = None
    followup: FollowupOut | None = None


class ShopReviewOut(ReviewOut):
    order_id: str
    status: Literal["visible", "hidden"]
    hidden_reason: str = ""
    reports_open: int = 0


class SummaryOut(BaseModel):
    average: float | None = Field(description="stars, one decimal; null without reviews")
    count: int
    distribution: dict[str, int] = Field(description='reviews per star, "5" to "1"')
    with_photos: int
    with_followup: int
    sold: int = Field(description="units sold (paid, minus refunded)")


class ReviewPageOut(BaseModel):
    summary: SummaryOut
    items: list[ReviewOut]
    page: int
    pages: int
    total: int


class ShopReviewPageOut(BaseModel):
    items: list[ShopReviewOut]
    page: int
    pages: int
    total: int


class ShopRatingsOut(BaseModel):
    described: int
    service: int
    shipping: int


class PostedOut(BaseModel):
    reviews: list[ReviewOut]
    shop_ratings: ShopRatingsOut | None = None


class HelpfulOut(BaseModel):
    helpful: int
    counted: bool = Field(description="false when you had voted already")


class ReportOut(BaseModel):
    reported: bool = Field(description="false when you had reported it already")


class PhotoOut(BaseModel):
    id: str
    url: str


class RecomputeOut(BaseModel):
    products: int
    sales: int
    days: int
    drift: int
    repaired: bool
    report: list[str]
