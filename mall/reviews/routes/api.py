"""JSON API v1 for reviews: read a product's reviews (public); write reviews, follow-ups, helpful votes and
reports (signed in); reply (a merchant, within the own shop only); decide on reports and repair the figures
(operators). Photos upload first and are referred to by id."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import json

from mall.catalog import services as catalog
from mall.reviews import services
from mall.reviews.routes import bp
from mall.reviews.routes.common import api_doc, refused, review_out, summary_out, upload_photos
from mall.reviews.schemas import (
    DecisionIn,
    FollowupIn,
    HelpfulOut,
    HideIn,
    MerchantQuery,
    PhotoOut,
    PostedOut,
    RecomputeOut,
    ReplyIn,
    ReportIn,
    ReportOut,
    ReviewOut,
    ReviewPageOut,
    ReviewQuery,
    ReviewsIn,
    ShopReviewOut,
    ShopReviewPageOut,
)
from mall.shops import services as shops
from mall.web.forms import Invalid, parse_json, parse_query

API = "/api/v1"


async def _shop_name(c, shop_id: str) -> str:
    shop = await shops.get_shop(c.shops, shop_id)
    return shop.name if shop else ""


@bp.get(f"{API}/products/<product_id:str>/reviews", ctx_access="public")
@api_doc(
    "A product's reviews with its summary (average, distribution, with photos, sold). Filters: ?stars=1-5, "
    "photos=true, followup=true; sort=newest|helpful; page=",
    response=ReviewPageOut, query=ReviewQuery,
)  # fmt: skip
async def api_product_reviews(request: Request, product_id: str):
    c = request.app.ctx.c
    query = parse_query(request, ReviewQuery)
    product = await catalog.get_public_product(c.products, product_id)
    if product is None:
        raise NotFound("no such product")
    chosen = services.ReviewFilter(
        stars=query.stars, photos=query.photos, followup=query.followup, sort=services.ReviewSort(query.sort),
        page=query.page,
    )  # fmt: skip
    found = await services.product_reviews(c, product.id, chosen)
    name = await _shop_name(c, product.shop_id)
    body = {
        "summary": summary_out(found.figures), "items": [review_out(r, name) for r in found.items],
        "page": found.page, "pages": found.pages, "total": found.total,
    }  # fmt: skip
    return json(ReviewPageOut.model_validate(body).model_dump())


@bp.post(f"{API}/uploads/review-photos", ctx_access="user")
@api_doc(
    "Upload one review photo (multipart field `photo`; JPEG, PNG, WebP or GIF, re-encoded, metadata removed, SVG "
    "refused); use the returned id in photo_ids",
    response=PhotoOut, status=201, answers=(401, 422), upload=True,
)  # fmt: skip
async def api_upload_photo(request: Request):
    photos, error = await upload_photos(request, "photo", 1)
    if error or not photos:
        raise Invalid({"photo": error or "send one picture in the multipart field `photo`"})
    return json({"id": photos[0].id, "url": f"/media/{photos[0].name}"}, status=201)


@bp.post(f"{API}/orders/<order_id:str>/reviews", ctx_access="user")
@api_doc(
    "Review lines of your delivered or completed order (once per line, within the review window), with the "
    "shop ratings (DSR) the first time: 201; 403 for anyone but the buyer; 409 when reviewed already, not "
    "delivered yet or the window is over",
    body=ReviewsIn, response=PostedOut, status=201, answers=(401, 403, 409, 422, 429),
)  # fmt: skip
async def api_post_reviews(request: Request, order_id: str):
    c = request.app.ctx.c
    data = parse_json(request, ReviewsIn)
    lines = [
        services.LineReview(line=item.line_id, stars=item.stars, text=item.text, tags=list(item.tags),
                            photo_ids=list(item.photo_ids), anonymous=item.anonymous)
        for item in data.lines
    ]  # fmt: skip
    ratings = services.ShopRatings(**data.shop_ratings.model_dump()) if data.shop_ratings else None
    try:
        posted = await services.post_reviews(
            c, user=request.ctx.user, order_id=order_id, lines=lines, shop_ratings=ratings
        )
    except services.ReviewError as exc:
        raise refused(exc) from None
    name = await _shop_name(c, posted.reviews[0].shop_id)
    rating = posted.rating
    body = {
        "reviews": [review_out(r, name) for r in posted.reviews],
        "shop_ratings": {"described": rating.described, "service": rating.service, "shipping": rating.shipping}
        if rating else None,
    }  # fmt: skip
    return json(PostedOut.model_validate(body).model_dump(), status=201)


@bp.post(f"{API}/reviews/<review_id:str>/followup", ctx_access="user")
@api_doc(
    "Add your one follow-up (追評) to your review, within followup_window_days: text and photos, no stars",
    body=FollowupIn, response=ReviewOut, answers=(401, 403, 404, 409, 422, 429),
)  # fmt: skip
async def api_followup(request: Request, review_id: str):
    c = request.app.ctx.c
    data = parse_json(request, FollowupIn)
    try:
        review = await services.post_followup(
            c, user=request.ctx.user, review_id=review_id, text=data.text, photo_ids=list(data.photo_ids)
        )
    except services.ReviewError as exc:
        raise refused(exc) from None
    return json(review_out(review, await _shop_name(c, review.shop_id)))


@bp.post(f"{API}/reviews/<review_id:str>/helpful", ctx_access="user")
@api_doc(
    "Mark a review helpful: one vote per person (a repeat changes nothing)",
    response=HelpfulOut, answers=(401, 404, 409),
)  # fmt: skip
async def api_helpful(request: Request, review_id: str):
    try:
        count, new = await services.vote_helpful(request.app.ctx.c, user_id=request.ctx.user.id, review_id=review_id)
    except services.ReviewError as exc:
        raise refused(exc) from None
    return json({"helpful": count, "counted": new})


@bp.post(f"{API}/reviews/<review_id:str>/report", ctx_access="user")
@api_doc(
    "Report a review to the operators with a reason (spam, offensive, off_topic, fake, personal_info)",
    body=ReportIn, response=ReportOut, answers=(401, 404, 409, 422, 429),
)  # fmt: skip
async def api_report(request: Request, review_id: str):
    data = parse_json(request, ReportIn)
    try:
        new = await services.report(
            request.app.ctx.c, user_id=request.ctx.user.id, review_id=review_id, reason=data.reason
        )
    except services.ReviewError as exc:
        raise refused(exc) from None
    return json({"reported": new})


# --- merchants: their own shop only ------------------------------------------------------------------------------


@bp.get(f"{API}/merchant/reviews", ctx_access="merchant")
@api_doc(
    "Your shop's reviews, newest first (hidden ones marked). Filters: ?stars=1-5, unreplied=true; page=",
    response=ShopReviewPageOut, query=MerchantQuery, tag="merchant",
)  # fmt: skip
async def api_merchant_reviews(request: Request):
    c = request.app.ctx.c
    query = parse_query(request, MerchantQuery)
    found, total = await services.shop_reviews(
        c, shop_id=request.ctx.shop_id, stars=query.stars, unreplied=query.unreplied, page=query.page
    )
    name = await _shop_name(c, request.ctx.shop_id)
    body = {
        "items": [review_out(r, name, staff=True) for r in found], "page": query.page,
        "pages": max(1, -(-total // 20)), "total": total,
    }  # fmt: skip
    return json(ShopReviewPageOut.model_validate(body).model_dump())


@bp.post(f"{API}/merchant/reviews/<review_id:str>/reply", ctx_access="merchant")
@api_doc(
    "Reply publicly to a review of your shop, once (followup=true: to its follow-up, once); another shop's "
    "review is a 404",
    body=ReplyIn, response=ShopReviewOut, answers=(401, 403, 404, 409, 422), tag="merchant",
)  # fmt: skip
async def api_reply(request: Request, review_id: str):
    c = request.app.ctx.c
    data = parse_json(request, ReplyIn)
    try:
        review = await services.reply(
            c, shop_id=request.ctx.shop_id, actor_id=request.ctx.user.id, review_id=review_id, text=data.text,
            followup=data.followup,
        )  # fmt: skip
    except services.ReviewError as exc:
        raise refused(exc) from None
    return json(review_out(review, await _shop_name(c, review.shop_id), staff=True))


# --- operators ---------------------------------------------------------------------------------------------------


@bp.post(f"{API}/operator/reviews/<review_id:str>/decision", ctx_access="operator")
@api_doc(
    "Decide on a reported review: hide it with a reason (its author is told; it leaves every average) or "
    "dismiss the reports",
    body=DecisionIn, response=ShopReviewOut, answers=(401, 403, 404, 409, 422), tag="operator",
)  # fmt: skip
async def api_decision(request: Request, review_id: str):
    c = request.app.ctx.c
    data = parse_json(request, DecisionIn).root
    try:
        if isinstance(data, HideIn):
            review = await services.hide(c, operator_id=request.ctx.user.id, review_id=review_id, reason=data.reason)
        else:
            review = await services.dismiss(c, operator_id=request.ctx.user.id, review_id=review_id)
    except services.ReviewError as exc:
        raise refused(exc) from None
    return json(review_out(review, await _shop_name(c, review.shop_id), staff=True))


@bp.post(f"{API}/operator/reviews/recompute", ctx_access="operator")
@api_doc(
    "Rebuild every kept review figure (ratings, distributions, sold counts, DSR) from the reviews and orders, "
    "in the running app, and report what had drifted (?dry_run=true: report only)",
    response=RecomputeOut, answers=(401, 403), tag="operator",
)  # fmt: skip
async def api_recompute(request: Request):
    fix = request.args.get("dry_run", "") not in ("1", "true")
    report = await services.recompute(request.app.ctx.c, fix=fix)
    return json(recompute_out(report))


def recompute_out(report) -> dict:
    return RecomputeOut(
        products=report.products, sales=report.sales, days=report.days, drift=len(report.drift),
        repaired=report.fixed and bool(report.drift), report=report.lines(),
    ).model_dump()  # fmt: skip
