"""The operators' review queue: reported reviews, most reported first; hide one with a reason (its author is
told) or dismiss its reports. And the figures' repair, run inside the app (where the embedded data lives)."""

from __future__ import annotations

from sanic import Request
from sanic.response import redirect

from mall.catalog import services as catalog
from mall.reviews import services
from mall.reviews.models import REPORT_REASONS
from mall.reviews.routes import bp
from mall.shops import services as shops
from mall.web.forms import page_number
from mall.web.i18n import gettext as _
from mall.web.templating import is_htmx, render


async def _queue_page(request: Request, *, errors=None, typed=None, report=None, status=200):
    c = request.app.ctx.c
    page = page_number(request)
    items, total = await services.queue(c, page=page)
    products = await catalog.products_by_ids(c.products, [i.review.product_id for i in items], include_hidden=True)
    shop_names = {
        s: shop.name for s, shop in (await shops.shops_by_ids(c.shops, [i.review.shop_id for i in items])).items()
    }
    return await render(
        request, "reviews/operator_queue.html", fragment="reviews/_operator_list.html", console="operator",
        active="reviews", items=items, total=total, page=page, pages=max(1, -(-total // 20)),
        products={p.id: p for p in products}, shop_names=shop_names, reasons=REPORT_REASONS, errors=errors or {},
        typed=typed or {}, report=report, status=status,
    )  # fmt: skip


@bp.get("/operator/reviews", ctx_access="operator")
async def operator_queue(request: Request):
    return await _queue_page(request)


@bp.post("/operator/reviews/<review_id:str>/hide", ctx_access="operator")
async def operator_hide(request: Request, review_id: str):
    reason = (request.form.get("reason", "") if request.form else "") or ""
    try:
        await services.hide(request.app.ctx.c, operator_id=request.ctx.user.id, review_id=review_id, reason=reason)
    except services.ReviewError as exc:
        errors = {review_id: _(exc.message)}
        return await _queue_page(request, errors=errors, typed={review_id: reason}, status=exc.status)
    return _done(request, _("The review is hidden and its author is told why."))


@bp.post("/operator/reviews/<review_id:str>/dismiss", ctx_access="operator")
async def operator_dismiss(request: Request, review_id: str):
    try:
        await services.dismiss(request.app.ctx.c, operator_id=request.ctx.user.id, review_id=review_id)
    except services.ReviewError as exc:
        return await _queue_page(request, errors={review_id: _(exc.message)}, status=exc.status)
    return _done(request, _("The reports are dismissed; the review stays."))


def _done(request: Request, message: str):
    request.ctx.session.flash(message, "success")
    return redirect("/operator/reviews", status=303)


@bp.post("/operator/reviews/recompute", ctx_access="operator")
async def operator_recompute(request: Request):
    """`python -m mall reviews recompute`, inside the running app."""
    report = await services.recompute(request.app.ctx.c, fix=True)
    if is_htmx(request):
        return await render(request, "reviews/_recompute_report.html", report=report)
    return await _queue_page(request, report=report)
