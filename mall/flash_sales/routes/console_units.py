"""Operators and a sale's units: any sale's page, and the units check that runs reconcile inside the running
app (in embedded mode the data lives only in this process, out of reach of `python -m mall flash reconcile`)."""

from __future__ import annotations

from sanic import Request
from sanic.response import redirect

from mall.flash_sales import services
from mall.flash_sales.models import Figures
from mall.flash_sales.routes import bp
from mall.flash_sales.routes import console_pages as pages
from mall.flash_sales.routes.console import QUEUE, sale_or_404
from mall.flash_sales.routes.console_pages import operator
from mall.web.i18n import current_locale, number
from mall.web.i18n import gettext as _


@bp.get(f"{QUEUE}/<sale_id:str>", ctx_access="operator")
async def operator_sale(request: Request, sale_id: str):
    return await pages.detail(request, operator(request), sale_id)


@bp.get(f"{QUEUE}/<sale_id:str>/figures", ctx_access="operator")
async def operator_figures(request: Request, sale_id: str):
    return await pages.figures(request, operator(request), sale_id)


@bp.post(f"{QUEUE}/<sale_id:str>/reconcile", ctx_access="operator")
async def check_units(request: Request, sale_id: str):
    """The running app's own reconcile (its data may live only in this process): allocated = remaining + held
    + sold, the orders being the truth; Redis rebuilt from them when it lost the sale, or when asked."""
    sale = await sale_or_404(request, sale_id)
    form = request.form or {}
    extra = sorted(set(form) - {"csrf_token", "rebuild"})
    if extra:
        message = _("This form does not accept the field “%(name)s”.") % {"name": extra[0]}
        request.ctx.session.flash(message, "error")
        return redirect(f"{QUEUE}/{sale.id}", status=303)
    report = await services.reconcile(request.app.ctx.c, sale.id, rebuild=form.get("rebuild") == "1")
    request.ctx.session.flash(*units_message(report))
    return redirect(f"{QUEUE}/{sale.id}", status=303)


def units_message(report: Figures) -> tuple[str, str]:
    """(text, kind) of a units check, in the operator's language."""
    numbers = {k: number(v) for k, v in vars(report).items() if type(v) is int}
    sums = _("%(allocated)s allocated = %(remaining)s remaining + %(held)s held + %(sold)s sold in orders.") % numbers
    parts = [_("Redis had lost this sale: it was rebuilt from the orders.")] if report.rebuilt else []
    if report.drift > 0:
        parts += [_("%(drift)s units are unaccounted for.") % numbers, sums]
        parts.append(_("Rebuild from the orders to repair it."))
        kind = "warning"
    elif report.drift < 0:
        parts += [_("%(over)s units are allocated twice.") % {"over": number(-report.drift)}, sums]
        parts.append(_("Rebuild from the orders to repair it."))
        kind = "error"
    else:
        parts += [_("Every unit adds up."), sums]
        kind = "success"
    if report.sold_redis != report.sold:
        parts.append(_("Redis counts %(sold_redis)s sold; the orders are the truth.") % numbers)
    return ("" if current_locale().startswith("zh") else " ").join(parts), kind  # no space after 。
