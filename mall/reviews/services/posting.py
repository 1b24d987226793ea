"""Writing reviews: photos first (uploaded, re-encoded, owned by their uploader), then the reviews of an
order's lines with the order's shop ratings, then one follow-up per line. Every rule of who may write what is
checked against the order itself (models.review_refusal); the unique keys make it hold under races too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mall.catalog import services as catalog
from mall.infra.ids import is_id, new_id
from mall.infra.text import N_
from mall.orders import services as orders
from mall.reviews import events
from mall.reviews.models import (
    DSR_KEYS,
    MAX_PHOTOS,
    MAX_TEXT,
    STARS,
    TAGS,
    FollowUp,
    Photo,
    Refusal,
    Review,
    ReviewStatus,
    ShopRating,
    Windows,
    followup_refusal,
    plain_text,
    review_delta,
    review_refusal,
)
from mall.reviews.services import figures
from mall.reviews.services.errors import FOLLOWUP_REFUSALS, NOT_FOUND, ReviewError, refusal

HOUR = 3600


@dataclass
class LineReview:
    """What the buyer writes about one line (its position in the order)."""

    line: int
    stars: int
    text: str = ""
    tags: Sequence[str] = ()
    photo_ids: Sequence[str] = ()
    anonymous: bool = False


@dataclass
class ShopRatings:
    described: int
    service: int
    shipping: int


@dataclass
class Posted:
    reviews: list[Review] = field(default_factory=list)
    rating: ShopRating | None = None


def windows(c) -> Windows:
    return Windows(review_days=c.settings.review_window_days, followup_days=c.settings.followup_window_days)


async def limit(c, action: str, user_id: str, per_hour: int) -> None:
    """At most `per_hour` of `action` per person per hour: 429 with the seconds to wait."""
    verdict = await c.limiter.hit(f"reviews:{action}:{user_id}", per_hour, HOUR)
    if not verdict.allowed:
        raise ReviewError(N_("Too many in a short time. Try again later."), 429, retry_after=verdict.retry_after)


# --- photos --------------------------------------------------------------------------------------------------


async def add_photo(c, *, user_id: str, name: str) -> Photo:
    """Record an image already stored (re-encoded, metadata stripped) as this person's review photo."""
    photo = Photo(id=new_id(), user_id=user_id, name=name, created_at=c.clock.now())
    await c.reviews.add_photo(photo)
    return photo


async def own_photos(c, user_id: str, photo_ids: Sequence[str]) -> list[Photo]:
    """The person's own unused photos, in the order given; 422 when one is not (someone else's, used, unknown)."""
    ids = list(dict.fromkeys(photo_ids))
    if len(ids) > MAX_PHOTOS:
        raise ReviewError(N_("At most 6 photos."), 422, field="photo_ids")
    if not all(is_id(i) for i in ids):
        raise ReviewError(N_("Those photos cannot be used."), 422, field="photo_ids")
    found = {p.id: p for p in await c.reviews.unused_photos(user_id, ids)} if ids else {}
    if len(found) != len(ids):
        raise ReviewError(N_("Those photos cannot be used."), 422, field="photo_ids")
    return [found[i] for i in ids]


# --- reviews ---------------------------------------------------------------------------------------------------


def _text(value: str, field_name: str) -> str:
    text = plain_text(value)
    if len(text) > MAX_TEXT:
        raise ReviewError(N_("Keep it to 1,000 characters."), 422, field=field_name)
    return text


def _checked(item: LineReview) -> LineReview:
    prefix = f"lines.{item.line}."
    if type(item.stars) is not int or item.stars not in STARS:
        raise ReviewError(N_("Choose 1 to 5 stars."), 422, field=prefix + "stars")
    tags = list(dict.fromkeys(item.tags))
    if any(tag not in TAGS for tag in tags):
        raise ReviewError(N_("Choose tags from the list."), 422, field=prefix + "tags")
    text = _text(item.text, prefix + "text")
    return LineReview(item.line, item.stars, text, tags, list(item.photo_ids), bool(item.anonymous))


def _checked_ratings(ratings: ShopRatings) -> ShopRatings:
    for key in DSR_KEYS:
        value = getattr(ratings, key)
        if type(value) is not int or value not in STARS:
            raise ReviewError(N_("Rate the shop with 1 to 5 stars each."), 422, field=f"shop_ratings.{key}")
    return ratings


async def buyers_order(c, *, user_id: str, order_id: str):
    """The order, only for its buyer (anyone else, or an unknown order: 403 alike, so ids reveal nothing)."""
    try:
        return await orders.shopper_order(c, user_id=user_id, order_id=order_id)
    except orders.NotFound:
        raise refusal(Refusal.NOT_BUYER) from None


async def post_reviews(
    c, *, user, order_id: str, lines: Sequence[LineReview], shop_ratings: ShopRatings | None
) -> Posted:
    """Review some (or all) lines of a delivered order, with the order's shop ratings the first time."""
    order = await buyers_order(c, user_id=user.id, order_id=order_id)
    if not lines:
        raise ReviewError(N_("Review at least one item."), 422, field="lines")
    if len({item.line for item in lines}) != len(lines):
        raise ReviewError(N_("Each item once."), 422, field="lines")
    checked = [_checked(item) for item in lines]
    reviewed = {review.line for review in await c.reviews.of_order(order.id)}
    now = c.clock.now()
    for item in checked:
        why = review_refusal(
            order, item.line, user_id=user.id, now=now, windows=windows(c), reviewed=item.line in reviewed
        )
        if why is not None:
            raise refusal(why)
    rated = await c.reviews.rating(order.id)
    if shop_ratings is None and rated is None:
        raise ReviewError(N_("Rate the shop for this order too."), 422, field="shop_ratings")
    if shop_ratings is not None and rated is not None:
        raise ReviewError(N_("You have already rated the shop for this order."), 409)
    photos = {item.line: await own_photos(c, user.id, item.photo_ids) for item in checked}
    await limit(c, "post", user.id, c.settings.review_rate_limit)
    posted = Posted()
    if shop_ratings is not None:
        posted.rating = await _rate(c, order, user.id, _checked_ratings(shop_ratings))
    for item in checked:
        posted.reviews.append(await _add(c, order, user, item, [p.id for p in photos[item.line]], photos))
    return posted


async def _rate(c, order, user_id: str, ratings: ShopRatings) -> ShopRating:
    category = await catalog.main_category(c.products, c.categories, order.shop_id)
    rating = ShopRating(
        order_id=order.id, shop_id=order.shop_id, user_id=user_id, described=ratings.described,
        service=ratings.service, shipping=ratings.shipping, created_at=c.clock.now(), category_id=category,
    )  # fmt: skip
    if not await c.reviews.add_rating(rating):
        raise ReviewError(N_("You have already rated the shop for this order."), 409)
    await figures.add_rating(c, rating)
    return rating


async def _add(c, order, user, item: LineReview, photo_ids: list[str], photos: dict) -> Review:
    line = order.lines[item.line]
    names = {p.id: p.name for p in photos[item.line]}
    review = Review(
        id=new_id(), order_id=order.id, line=item.line, product_id=line.product_id, variant_id=line.variant_id,
        shop_id=order.shop_id, user_id=user.id, author_name=user.name, stars=item.stars, text=item.text,
        created_at=c.clock.now(), options=dict(line.options), tags=list(item.tags),
        photos=[names[i] for i in photo_ids], anonymous=item.anonymous,
    )  # fmt: skip
    if not await c.reviews.claim_photos(user.id, photo_ids, review.id):
        raise ReviewError(N_("Those photos cannot be used."), 422, field=f"lines.{item.line}.photo_ids")
    if not await c.reviews.add(review):
        await c.reviews.claim_photos_back(photo_ids, review.id)
        raise refusal(Refusal.ALREADY_REVIEWED)
    await figures.move_product(c, review.product_id, review_delta(review))
    await c.events.publish(events.POSTED, events.review_payload(review))
    return review


async def post_followup(c, *, user, review_id: str, text: str, photo_ids: Sequence[str] = ()) -> Review:
    """追評: one per review, by its author, within `followup_window_days`; text and photos, no stars."""
    review = await c.reviews.get(review_id) if is_id(review_id) else None
    if review is None:
        raise ReviewError(NOT_FOUND, 404)
    why = followup_refusal(review, user_id=user.id, now=c.clock.now(), windows=windows(c))
    if why is not None:
        raise refusal(why, FOLLOWUP_REFUSALS)
    if review.status is not ReviewStatus.VISIBLE:
        raise ReviewError(N_("This review was hidden by the mall."), 409)
    body = _text(text, "text")
    if not body:
        raise ReviewError(N_("Write something first."), 422, field="text")
    photos = await own_photos(c, user.id, photo_ids)
    await limit(c, "post", user.id, c.settings.review_rate_limit)
    if not await c.reviews.claim_photos(user.id, [p.id for p in photos], review.id):
        raise ReviewError(N_("Those photos cannot be used."), 422, field="photo_ids")
    followup = FollowUp(text=body, at=c.clock.now(), photos=[p.name for p in photos])
    updated = await c.reviews.add_followup(review.id, user.id, followup)
    if updated is None:
        await c.reviews.claim_photos_back([p.id for p in photos], review.id)
        raise refusal(Refusal.ALREADY_REVIEWED, FOLLOWUP_REFUSALS)
    delta = {"followups": 1}
    if followup.photos and not review.photos:
        delta["photos"] = 1
    await figures.move_product(c, review.product_id, delta)
    await c.events.publish(events.FOLLOWUP, events.review_payload(updated))
    return updated
