"""The merchants' reviews: the shop's reviews (filters: stars, waiting for a reply), one public reply each (and
one to each follow-up), and the toast a new review raises live. Always the merchant's own shop, from the
session: another shop's review is a 404."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.catalog import services as catalog
from mall.reviews import services
from mall.reviews.models import LOW_STARS, TAGS
from mall.reviews.routes import bp
from mall.reviews.schemas import MerchantQuery
from mall.web.forms import Invalid, parse_query
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.templating import is_htmx, render

PER_PAGE = 20


async def _names(c, found) -> dict:
    products = await catalog.products_by_ids(c.products, [r.product_id for r in found], include_hidden=True)
    return {p.id: p for p in products}


@bp.get("/merchant/reviews", ctx_access="merchant")
async def merchant_reviews(request: Request):
    c = request.app.ctx.c
    try:
        query = parse_query(request, MerchantQuery)
    except Invalid:
        query = MerchantQuery()
    found, total = await services.shop_reviews(
        c, shop_id=request.ctx.shop_id, stars=query.stars, unreplied=query.unreplied, page=query.page,
        per_page=PER_PAGE,
    )  # fmt: skip
    return await render(
        request, "reviews/merchant_reviews.html", fragment="reviews/_merchant_list.html", console="merchant",
        active="reviews", reviews=found, total=total, query=query, pages=max(1, -(-total // PER_PAGE)),
        products=await _names(c, found), tags=TAGS, low=LOW_STARS, errors={},
    )  # fmt: skip


async def _mine(request: Request, review_id: str):
    try:
        return await services.shop_review(request.app.ctx.c, shop_id=request.ctx.shop_id, review_id=review_id)
    except services.ReviewError:
        raise NotFound(_("No such review.")) from None


@bp.post("/merchant/reviews/<review_id:str>/reply", ctx_access="merchant")
async def merchant_reply(request: Request, review_id: str):
    c = request.app.ctx.c
    review = await _mine(request, review_id)
    form = request.form or {}
    text = form.get("text", "") or ""
    followup = form.get("followup", "") == "1"
    errors: dict[str, str] = {}
    try:
        review = await services.reply(
            c, shop_id=request.ctx.shop_id, actor_id=request.ctx.user.id, review_id=review.id, text=text,
            followup=followup,
        )  # fmt: skip
    except services.ReviewError as exc:
        errors["followup" if followup else "reply"] = _(exc.message)
    if not is_htmx(request):
        if errors:
            request.ctx.session.flash(next(iter(errors.values())), "warning")
        return redirect(f"/merchant/reviews#review-{review.id}", status=303)
    return await render(
        request, "reviews/_merchant_review.html", r=review, products=await _names(c, [review]), tags=TAGS,
        low=LOW_STARS, errors=errors, typed={"followup" if followup else "reply": text},
        status=422 if errors else 200,
    )  # fmt: skip


@bp.get("/live/alerts/review/<review_id:str>", ctx_access="merchant")
async def review_alert(request: Request, review_id: str):
    """The toast a new review (or follow-up) raises on the shop's open pages; 1-2★ ones ask for attention."""
    c = request.app.ctx.c
    review = await _mine(request, review_id)
    product = (await _names(c, [review])).get(review.product_id)
    name = product.display_name(current_locale()) if product else ""
    low = review.stars <= LOW_STARS
    title = _("New %(n)d★ review") % {"n": review.stars} if review.followup is None else _("New follow-up review")
    return await render(
        request, "realtime/_toast_body.html", tone="warning" if low else "info", title=title,
        text=f"{name}: {(review.followup.text if review.followup else review.text)[:120]}".strip(": "),
        link=f"/merchant/reviews#review-{review.id}", link_label=_("Reply"),
    )  # fmt: skip
