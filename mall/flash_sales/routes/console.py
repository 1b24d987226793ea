"""Flash sales in the staff consoles. Merchants (/merchant/flash-sales) schedule sales of their own shop's
SKUs and watch them run; marketers (/marketing, /marketing/flash-sales) do the same with any shop's SKU,
platform-featured; operators (/operator/flash-sales) approve or reject the featured sales that wait.

Every route declares who may use it; the sale pages themselves are in console_pages.py."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.flash_sales import services
from mall.flash_sales.routes import bp
from mall.flash_sales.routes import console_pages as pages
from mall.flash_sales.routes.console_pages import marketer, merchant
from mall.flash_sales.routes.console_views import page, sale_views
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _

# --- merchants: their own shop's sales -----------------------------------------------------------------------


@bp.get("/merchant/flash-sales", ctx_access="merchant")
async def merchant_sales(request: Request):
    return await pages.sales_list(request, merchant(request))


@bp.get("/merchant/flash-sales/new", ctx_access="merchant")
async def merchant_new(request: Request):
    return await pages.new_form(request, merchant(request))


@bp.post("/merchant/flash-sales", ctx_access="merchant")
async def merchant_schedule(request: Request):
    return await pages.create(request, merchant(request))


@bp.get("/merchant/flash-sales/<sale_id:str>", ctx_access="merchant")
async def merchant_sale(request: Request, sale_id: str):
    return await pages.detail(request, merchant(request), sale_id)


@bp.get("/merchant/flash-sales/<sale_id:str>/figures", ctx_access="merchant")
async def merchant_figures(request: Request, sale_id: str):
    return await pages.figures(request, merchant(request), sale_id)


@bp.get("/merchant/flash-sales/<sale_id:str>/edit", ctx_access="merchant")
async def merchant_edit_form(request: Request, sale_id: str):
    return await pages.edit_form(request, merchant(request), sale_id)


@bp.post("/merchant/flash-sales/<sale_id:str>/edit", ctx_access="merchant")
async def merchant_save(request: Request, sale_id: str):
    return await pages.edit(request, merchant(request), sale_id)


@bp.post("/merchant/flash-sales/<sale_id:str>/cancel", ctx_access="merchant")
async def merchant_cancel_sale(request: Request, sale_id: str):
    return await pages.cancel(request, merchant(request), sale_id)


# --- marketers: every shop's sales, platform-featured ---------------------------------------------------------


@bp.get("/marketing", ctx_access="marketer")
async def marketing_home(request: Request):
    c = request.app.ctx.c
    running, _pages = await services.sales_in_state(c, state="running")
    waiting, _pages = await services.sales_in_state(c, state="pending_approval", soonest_first=True)
    return await page(
        request,
        "flash_sales/console_marketing.html",
        fragment="flash_sales/console_marketing_body.html",
        scope=marketer(request),
        counts=await services.state_counts(c),
        running=await sale_views(c, running[:5]),
        waiting=await sale_views(c, waiting[:5], with_figures=False),
    )


@bp.get("/marketing/flash-sales", ctx_access="marketer")
async def marketing_sales(request: Request):
    return await pages.sales_list(request, marketer(request))


@bp.get("/marketing/flash-sales/new", ctx_access="marketer")
async def marketing_new(request: Request):
    return await pages.new_form(request, marketer(request))


@bp.post("/marketing/flash-sales", ctx_access="marketer")
async def marketing_schedule(request: Request):
    return await pages.create(request, marketer(request))


@bp.get("/marketing/flash-sales/<sale_id:str>", ctx_access="marketer")
async def marketing_sale(request: Request, sale_id: str):
    return await pages.detail(request, marketer(request), sale_id)


@bp.get("/marketing/flash-sales/<sale_id:str>/figures", ctx_access="marketer")
async def marketing_figures(request: Request, sale_id: str):
    return await pages.figures(request, marketer(request), sale_id)


@bp.get("/marketing/flash-sales/<sale_id:str>/edit", ctx_access="marketer")
async def marketing_edit_form(request: Request, sale_id: str):
    return await pages.edit_form(request, marketer(request), sale_id)


@bp.post("/marketing/flash-sales/<sale_id:str>/edit", ctx_access="marketer")
async def marketing_save(request: Request, sale_id: str):
    return await pages.edit(request, marketer(request), sale_id)


@bp.post("/marketing/flash-sales/<sale_id:str>/cancel", ctx_access="marketer")
async def marketing_cancel_sale(request: Request, sale_id: str):
    return await pages.cancel(request, marketer(request), sale_id)


# --- operators: featured sales waiting for approval -----------------------------------------------------------

QUEUE = "/operator/flash-sales"


async def _queue(request: Request, *, errors: dict | None = None, reason: str = "", status: int = 200):
    c = request.app.ctx.c
    number = pages.page_number(request)
    waiting, total_pages = await services.sales_in_state(c, state="pending_approval", page=number, soonest_first=True)
    running, _pages = await services.sales_in_state(c, state="running")
    upcoming, _pages = await services.sales_in_state(c, state="upcoming", soonest_first=True)
    return await page(
        request,
        "flash_sales/console_approvals.html",
        fragment="flash_sales/console_approval_queue.html",
        rows=await sale_views(c, waiting, with_figures=False),
        open_sales=await sale_views(c, running[:10] + upcoming[:10]),
        errors=errors or {},
        reason=reason,
        page=number,
        pages=total_pages,
        status=status,
    )


async def sale_or_404(request: Request, sale_id: str):
    try:
        return await services.get_sale(request.app.ctx.c, sale_id)
    except services.FlashSaleError:
        raise NotFound(_("No such flash sale.")) from None


@bp.get(QUEUE, ctx_access="operator")
async def approval_queue(request: Request):
    return await _queue(request)


@bp.post(f"{QUEUE}/<sale_id:str>/approve", ctx_access="operator")
async def approve(request: Request, sale_id: str):
    sale = await sale_or_404(request, sale_id)
    try:
        await services.approve_sale(request.app.ctx.c, sale.id, operator_id=request.ctx.user.id)
    except services.FlashSaleError as exc:
        request.ctx.session.flash(_("Not approved: %(why)s") % {"why": _(exc.message)}, "error")
    else:
        done = _("Approved. The sale is scheduled and its units have left the SKU's stock.")
        request.ctx.session.flash(done, "success")
    return redirect(QUEUE, status=303)


@bp.post(f"{QUEUE}/<sale_id:str>/reject", ctx_access="operator")
async def reject(request: Request, sale_id: str):
    sale = await sale_or_404(request, sale_id)
    form = request.form or {}
    reason = str(form.get("reason", "")).strip()
    extra = sorted(set(form) - {"csrf_token", "reason"})
    if extra or not 3 <= len(reason) <= 500:
        error = _("Tell the marketer why, in a few words (3 to 500 characters).")
        if extra:
            error = _("This form does not accept the field “%(name)s”.") % {"name": extra[0]}
        return await _queue(request, errors={sale.id: error}, reason=reason, status=422)
    try:
        await services.reject_sale(request.app.ctx.c, sale.id, operator_id=request.ctx.user.id, reason=reason)
    except services.FlashSaleError as exc:
        request.ctx.session.flash(_(exc.message), "error")
    else:
        request.ctx.session.flash(_("Rejected. The marketer sees your reason on the sale."), "success")
    return redirect(QUEUE, status=303)


@bp.get("/live/alerts/flash-approval/<sale_id:str>", ctx_access="operator")
async def approval_alert(request: Request, sale_id: str):
    """The toast of a live flash.approval message, in the operator's language."""
    sale = await sale_or_404(request, sale_id)
    (view,) = await sale_views(request.app.ctx.c, [sale], with_figures=False)
    return await page(
        request,
        "realtime/_toast_body.html",
        title=_("A featured flash sale awaits approval"),
        text=f"{view.name(current_locale())} · {view.shop_name}",
        link=QUEUE,
        link_label=_("Review"),
    )
