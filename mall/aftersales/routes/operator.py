"""The operators' disputes (平台介入): the queue, each case with both sides' evidence, and the decision."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.aftersales import services
from mall.aftersales.routes import bp
from mall.aftersales.routes.common import not_now, page, refusal
from mall.aftersales.routes.shopper import back_with_errors, case_page, failed_form
from mall.infra.money import to_minor
from mall.orders import services as orders
from mall.web.forms import page_number
from mall.web.i18n import gettext as _


async def _case(request: Request, case_id: str):
    try:
        return await services.any_case(request.app.ctx.c, case_id)
    except services.CaseNotFound:
        raise NotFound(_("We could not find that case.")) from None


@bp.get("/operator/disputes", ctx_access="operator")
async def disputes(request: Request):
    c = request.app.ctx.c
    chosen = "decided" if request.args.get("show") == "decided" else "open"
    number = page_number(request)
    cases, total = await services.disputes(c, chosen=chosen, page=number)
    return await page(
        request, "aftersales/operator_disputes.html", fragment="aftersales/_dispute_table.html", cases=cases,
        chosen=chosen, page=number, pages=max(1, -(-total // services.PER_PAGE)),
        waiting=await services.dispute_count(c),
    )  # fmt: skip


@bp.get("/operator/disputes/<case_id:str>", ctx_access="operator")
async def dispute(request: Request, case_id: str):
    case = await _case(request, case_id)
    errors, form = failed_form(request, case)
    return await case_page(request, case, "operator", errors=errors, form=form)


@bp.post("/operator/disputes/<case_id:str>/decision", ctx_access="operator")
async def decide(request: Request, case_id: str):
    c = request.app.ctx.c
    case = await _case(request, case_id)
    url = f"/operator/disputes/{case.id}"
    form = {k: request.form.get(k, "") for k in ("outcome", "amount", "reason")}
    try:
        amount = to_minor(form["amount"], c.settings.currency) if form["amount"].strip() else None
    except ValueError:
        amount = -1
    try:
        await services.operator_decide(c, case_id=case.id, operator_id=request.ctx.user.id, outcome=form["outcome"],
                                       reason=form["reason"], amount=amount)  # fmt: skip
        request.ctx.session.flash(_("Decision made; both sides are told."), "success")
    except services.Refused as exc:
        return back_with_errors(request, case, url, errors={exc.field: refusal(exc.code)}, form=form)
    except services.IllegalTransition as exc:
        request.ctx.session.flash(not_now(exc), "error")
    except orders.Busy:
        request.ctx.session.flash(_("This order is busy. Try again in a moment."), "error")
    return redirect(url, status=303)
