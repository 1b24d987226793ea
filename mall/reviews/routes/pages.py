"""Shoppers' review pages: a product's reviews (filters and sorts swap in place; every link also works without
JavaScript), the regions live messages refresh, helpful votes and reports, and the buyer's forms (review an
order's lines with photos and the shop ratings; one follow-up). Bad input re-shows the form with everything
typed and every photo already uploaded kept."""

from __future__ import annotations

import re
from html import escape

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import html, redirect

from mall.catalog import services as catalog
from mall.infra.ids import is_id
from mall.reviews import services
from mall.reviews.models import DSR_KEYS, MAX_PHOTOS, REPORT_REASONS, STARS, TAGS, masked
from mall.reviews.routes import bp
from mall.reviews.routes.common import refused, upload_photos
from mall.reviews.schemas import ReviewQuery
from mall.storefront import freshness
from mall.storefront.caching import cached_page
from mall.web.forms import Invalid, parse_query
from mall.web.i18n import gettext as _
from mall.web.pagecache import Part
from mall.web.templating import is_htmx, render


async def _product(request: Request, product_id: str):
    product = await catalog.get_public_product(request.app.ctx.c.products, product_id)
    if product is None:
        raise NotFound(_("This product is not available."))
    return product


def _chosen(request: Request) -> services.ReviewFilter:
    query = parse_query(request, ReviewQuery)
    return services.ReviewFilter(
        stars=query.stars, photos=query.photos, followup=query.followup, sort=services.ReviewSort(query.sort),
        page=query.page,
    )  # fmt: skip


def _user_id(request: Request) -> str | None:
    return request.ctx.user.id if request.ctx.user else None


async def _actions(request: Request, holes: list[dict]) -> list[dict]:
    mine = await services.voted(request.app.ctx.c, user_id=_user_id(request), review_ids=[h["r"]["id"] for h in holes])
    return [{"voted": mine, "report_reasons": REPORT_REASONS} for _hole in holes]


# What the visitor's own account adds to a shared page (mall.web.pagecache; installed by mall.app).
PERSONAL_PARTS = {"reviews/_actions.html": Part(data=_actions)}


@bp.get("/p/<product_id:str>/reviews", ctx_access="public")
async def product_reviews(request: Request, product_id: str):
    """All of a product's reviews (a page of its own without JavaScript; the list region for htmx)."""
    deps = freshness.product_deps(product_id)
    return await cached_page(request, deps, lambda: _product_reviews(request, product_id))


async def _product_reviews(request: Request, product_id: str):
    product = await _product(request, product_id)
    try:
        chosen = _chosen(request)
    except Invalid:
        chosen = services.ReviewFilter()
    panel = await services.product_panel(request.app.ctx.c, product, chosen, user_id=None)  # (votes: a hole)
    return await render(
        request, "reviews/product_reviews.html", fragment="reviews/_list.html", product=product, rp=panel, tags=TAGS,
    )  # fmt: skip


@bp.get("/p/<product_id:str>/review-summary", ctx_access="public")
async def review_summary(request: Request, product_id: str):
    """The rating line near the price (refreshed live when a review is added or units sell)."""
    return await render(request, "reviews/_summary.html", product=await _product(request, product_id))


@bp.get("/p/<product_id:str>/review-overview", ctx_access="public")
async def review_overview(request: Request, product_id: str):
    product = await _product(request, product_id)
    figures = await services.product_figures(request.app.ctx.c, product.id)
    return await render(request, "reviews/_overview.html", product=product, figures=figures)


# --- helpful votes and reports ---------------------------------------------------------------------------------


async def _review(request: Request, review_id: str):
    review = await services.get_review(request.app.ctx.c, review_id)
    if review is None or not review.visible:
        raise NotFound(_("No such review."))
    return review


def _back(review) -> str:
    return f"/p/{review.product_id}#review-{review.id}"


@bp.post("/reviews/<review_id:str>/helpful", ctx_access="user")
async def helpful(request: Request, review_id: str):
    c = request.app.ctx.c
    review = await _review(request, review_id)
    message = None
    try:
        await services.vote_helpful(c, user_id=request.ctx.user.id, review_id=review.id)
    except services.ReviewError as exc:
        message = _(exc.message)
    if not is_htmx(request):
        if message:
            request.ctx.session.flash(message, "warning")
        return redirect(_back(review), status=303)
    fresh = await services.get_review(c, review.id)
    return await render(request, "reviews/_helpful.html", r=fresh, voted={fresh.id}, message=message)


@bp.post("/reviews/<review_id:str>/report", ctx_access="user")
async def report(request: Request, review_id: str):
    c = request.app.ctx.c
    review = await _review(request, review_id)
    reason = (request.form.get("reason", "") if request.form else "") or ""
    try:
        await services.report(c, user_id=request.ctx.user.id, review_id=review.id, reason=reason)
        message, kind = _("Thank you. The mall's team will look at it."), "success"
    except services.ReviewError as exc:
        if exc.status == 429:
            raise refused(exc) from None
        message, kind = _(exc.message), "warning"
    if is_htmx(request):
        return await render(request, "reviews/_reported.html", message=message, kind=kind, r=review,
                            report_reasons=REPORT_REASONS)  # fmt: skip
    request.ctx.session.flash(message, kind)
    return redirect(_back(review), status=303)


PHOTO_FIELD = re.compile(r"^photo_ids(-[0-9]{1,3})?$")


@bp.post("/reviews/photos", ctx_access="user")
async def photo_upload(request: Request):
    """One photo chosen on a review form, stored at once (reviews.js): the form then carries its id only."""
    field = _field(request.form, "field")
    if not PHOTO_FIELD.match(field):
        raise Invalid({"field": _("This value is not valid.")})
    photos, error = await upload_photos(request, "photo", 1)
    if error or not photos:
        return html(f'<p class="error">{escape(error or _("Choose a picture."))}</p>', status=422)
    return await render(request, "reviews/_kept_photo.html", photo=photos[0], field=field)


# --- the buyer's forms -----------------------------------------------------------------------------------------


async def _order(request: Request, order_id: str):
    try:
        return await services.buyers_order(request.app.ctx.c, user_id=request.ctx.user.id, order_id=order_id)
    except services.ReviewError as exc:
        raise refused(exc) from None


async def _form_page(request: Request, order, *, values=None, errors=None, kept=None, status=200):
    c = request.app.ctx.c
    state = await services.order_reviews(c, order, request.ctx.user.id)
    return await render(
        request, "reviews/order_form.html", order=order, state=state, values=values or {}, errors=errors or {},
        kept=kept or {}, tags=TAGS, dsr_keys=DSR_KEYS, stars=STARS, max_photos=MAX_PHOTOS, status=status,
        masked_name=masked(request.ctx.user.name),
    )  # fmt: skip


@bp.get("/orders/<order_id:str>/review", ctx_access="user")
async def order_form(request: Request, order_id: str):
    return await _form_page(request, await _order(request, order_id))


@bp.get("/orders/<order_id:str>/reviews-status", ctx_access="user")
async def order_status(request: Request, order_id: str):
    """The order page's review box (loaded by the page; orders know nothing of reviews)."""
    order = await _order(request, order_id)
    state = await services.order_reviews(request.app.ctx.c, order, request.ctx.user.id)
    return await render(request, "reviews/_order_status.html", order=order, state=state)


def _field(form, name: str, default: str = "") -> str:
    value = form.get(name, default) if form else default
    return value if isinstance(value, str) else default


async def _kept_photos(request: Request, form, name: str) -> list:
    ids = [i for i in (form.getlist(name) or [] if form else []) if is_id(i)][:MAX_PHOTOS]
    try:
        return await services.own_photos(request.app.ctx.c, request.ctx.user.id, ids)
    except services.ReviewError:
        return []


@bp.post("/orders/<order_id:str>/review", ctx_access="user")
async def order_submit(request: Request, order_id: str):
    c = request.app.ctx.c
    order = await _order(request, order_id)
    form = request.form
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    kept: dict[int, list] = {}
    lines = []
    for n in range(len(order.lines)):
        stars, text = _field(form, f"stars-{n}"), _field(form, f"text-{n}")
        tags = [t for t in (form.getlist(f"tags-{n}") or [] if form else []) if t in TAGS]
        anonymous = _field(form, f"anonymous-{n}") == "1"
        values.update({f"stars-{n}": stars, f"text-{n}": text, f"tags-{n}": tags, f"anonymous-{n}": anonymous})
        kept[n] = await _kept_photos(request, form, f"photo_ids-{n}")
        new, problem = await upload_photos(request, f"photos-{n}", MAX_PHOTOS - len(kept[n]))
        kept[n] += new
        if problem:
            errors[f"photos-{n}"] = problem
        if not stars:
            if text.strip() or kept[n]:
                errors[f"stars-{n}"] = _("Choose 1 to 5 stars for this item.")
            continue
        if stars not in {str(s) for s in STARS}:
            errors[f"stars-{n}"] = _("Choose 1 to 5 stars for this item.")
            continue
        lines.append(services.LineReview(line=n, stars=int(stars), text=text, tags=tags,
                                         photo_ids=[p.id for p in kept[n]], anonymous=anonymous))  # fmt: skip
    ratings = None
    if form and any(_field(form, key) for key in DSR_KEYS):
        picked = {key: _field(form, key) for key in DSR_KEYS}
        values.update(picked)
        if all(v in {str(s) for s in STARS} for v in picked.values()):
            ratings = services.ShopRatings(**{k: int(v) for k, v in picked.items()})
        else:
            errors["shop_ratings"] = _("Rate the shop with 1 to 5 stars each.")
    if not lines and not errors:
        errors["form"] = _("Choose stars for at least one item.")
    if errors:
        return await _form_page(request, order, values=values, errors=errors, kept=kept, status=422)
    try:
        await services.post_reviews(c, user=request.ctx.user, order_id=order.id, lines=lines, shop_ratings=ratings)
    except services.ReviewError as exc:
        if exc.status in (403, 429):
            raise refused(exc) from None
        errors[_form_key(exc.field)] = _(exc.message)
        return await _form_page(request, order, values=values, errors=errors, kept=kept, status=exc.status)
    request.ctx.session.flash(_("Thank you for your review!"), "success")
    return redirect(f"/orders/{order.id}/review", status=303)


def _form_key(field: str | None) -> str:
    """A service's field ("lines.0.text") as the form's name ("text-0")."""
    if field and field.startswith("lines."):
        parts = field.split(".")
        name = parts[2] if len(parts) > 2 else "stars"
        return f"{'photos' if name == 'photo_ids' else name}-{parts[1]}"
    if field and field.startswith("shop_ratings"):
        return "shop_ratings"
    return "form"


async def _own_review(request: Request, review_id: str):
    review = await services.get_review(request.app.ctx.c, review_id)
    if review is None or review.user_id != request.ctx.user.id:
        raise NotFound(_("No such review."))
    return review


@bp.get("/reviews/<review_id:str>/followup", ctx_access="user")
async def followup_form(request: Request, review_id: str):
    review = await _own_review(request, review_id)
    return await render(request, "reviews/followup_form.html", review=review, values={}, errors={}, kept=[],
                        max_photos=MAX_PHOTOS)  # fmt: skip


@bp.post("/reviews/<review_id:str>/followup", ctx_access="user")
async def followup_submit(request: Request, review_id: str):
    c = request.app.ctx.c
    review = await _own_review(request, review_id)
    form = request.form
    text = _field(form, "text")
    kept = await _kept_photos(request, form, "photo_ids")
    new, problem = await upload_photos(request, "photos", MAX_PHOTOS - len(kept))
    kept += new
    errors = {"photos": problem} if problem else {}
    if not errors:
        try:
            await services.post_followup(c, user=request.ctx.user, review_id=review.id, text=text,
                                         photo_ids=[p.id for p in kept])  # fmt: skip
            request.ctx.session.flash(_("Your follow-up is posted."), "success")
            return redirect(f"/orders/{review.order_id}/review", status=303)
        except services.ReviewError as exc:
            if exc.status in (403, 429):
                raise refused(exc) from None
            errors[exc.field or "form"] = _(exc.message)
    return await render(request, "reviews/followup_form.html", review=review, values={"text": text}, errors=errors,
                        kept=kept, max_photos=MAX_PHOTOS, status=422)  # fmt: skip
