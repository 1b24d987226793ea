"""What the review pages and API share: the refusal as an HTTP answer, JSON shapes, the API's documented
answers, photo uploads."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import SanicException

from mall.infra.images import ImageRejected
from mall.reviews import services
from mall.reviews.models import Review
from mall.reviews.schemas import ReviewOut, ShopReviewOut, SummaryOut
from mall.web.api import TooManyRequests
from mall.web.apidoc import doc
from mall.web.forms import Invalid
from mall.web.i18n import gettext as _
from mall.web.uploads import stored_image

# The answers only these routes give (mall.web.apidoc adds 401, 403, 404, 413 and 422 by the route's nature).
ANSWERS = {
    409: "not now: already done, outside the window, not delivered yet",
    429: "too many: see Retry-After",
}


class Refused(SanicException):
    quiet = True


def refused(exc: services.ReviewError) -> SanicException:
    message = _(exc.message)
    if exc.status == 422:
        return Invalid({exc.field or "body": message}, message)
    if exc.status == 429:
        return TooManyRequests(message, headers={"Retry-After": str(max(1, exc.retry_after))})
    return Refused(message, status_code=exc.status)


def api_doc(summary: str, *, answers=(), upload: bool = False, **kw):
    """`doc` with the reviews' tag, the answers of `answers` that only these routes give, and a photo `upload`."""
    errors = {status: ANSWERS[status] for status in answers if status in ANSWERS}
    return doc(summary, tag=kw.pop("tag", "reviews"), upload="photo" if upload else None, errors=errors, **kw)


def when(value) -> str:
    return value.isoformat() if value else ""


def media(name: str) -> str:
    return f"/media/{name}"


def review_out(review: Review, shop_name: str, *, staff: bool = False) -> dict:
    reply = {"text": review.reply.text, "at": when(review.reply.at), "shop_name": shop_name} if review.reply else None
    followup = None
    if review.followup is not None:
        f = review.followup
        f_reply = {"text": f.reply.text, "at": when(f.reply.at), "shop_name": shop_name} if f.reply else None
        followup = {"text": f.text, "at": when(f.at), "photos": [media(p) for p in f.photos], "reply": f_reply}
    out = {
        "id": review.id, "product_id": review.product_id, "stars": review.stars, "text": review.text,
        "tags": list(review.tags), "photos": [media(p) for p in review.photos], "author": review.display_name,
        "anonymous": review.anonymous, "variant": dict(review.options), "created_at": when(review.created_at),
        "helpful": review.helpful, "refunded": review.refunded, "reply": reply, "followup": followup,
    }  # fmt: skip
    if staff:
        out.update(order_id=review.order_id, status=str(review.status), hidden_reason=review.hidden_reason,
                   reports_open=review.reports_open)  # fmt: skip
        return ShopReviewOut.model_validate(out).model_dump()
    return ReviewOut.model_validate(out).model_dump()


def summary_out(figures) -> dict:
    return SummaryOut(
        average=figures.average, count=figures.count,
        distribution={str(s): figures.dist.get(str(s), 0) for s in (5, 4, 3, 2, 1)},
        with_photos=figures.photos, with_followup=figures.followups, sold=figures.sold,
    ).model_dump()  # fmt: skip


async def upload_photos(request: Request, field: str, limit: int) -> tuple[list, str | None]:
    """Each uploaded picture re-encoded (metadata gone, SVG refused) and recorded as the person's review photo:
    (photos, the first refusal or None)."""
    c = request.app.ctx.c
    files = [f for f in (request.files.getlist(field) or [] if request.files else []) if f.body]
    photos, error = [], None
    if len(files) > limit:
        error = _("At most %(n)d photos.") % {"n": limit}
    for upload in files[:limit]:
        try:
            name = await stored_image(c.settings, upload.body)
        except ImageRejected as exc:
            error = error or "%s: %s" % (upload.name or _("photo"), _(str(exc)))
            continue
        photos.append(await services.add_photo(c, user_id=request.ctx.user.id, name=name))
    return photos, error
