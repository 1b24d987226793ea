"""The shop's after-sales cases: filtered lists with each deadline counting down, and the case page where the
shop answers, confirms a return and adds evidence. Always the session's shop: another shop's case is a 404."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.aftersales import services
from mall.aftersales.models import Actor
from mall.aftersales.routes import bp
from mall.aftersales.routes.common import not_now, page, refusal
from mall.aftersales.routes.shopper import _photos, back_with_errors, case_page, failed_form
from mall.infra.images import ImageRejected
from mall.infra.money import to_minor
from mall.orders import services as orders
from mall.web.forms import page_number
from mall.web.i18n import gettext as _


async def _case(request: Request, case_id: str):
    try:
        return await services.merchant_case(request.app.ctx.c, shop_id=request.ctx.shop_id, case_id=case_id)
    except services.CaseNotFound:
        raise NotFound(_("We could not find that request.")) from None


@bp.get("/merchant/after-sales", ctx_access="merchant")
async def shop_cases(request: Request):
    c = request.app.ctx.c
    chosen = str(request.args.get("filter", ""))
    chosen = chosen if chosen in services.MERCHANT_FILTERS else ""
    number = page_number(request)
    cases, total = await services.shop_cases(c, shop_id=request.ctx.shop_id, chosen=chosen, page=number)
    return await page(
        request, "aftersales/merchant_cases.html", fragment="aftersales/_merchant_table.html", cases=cases,
        chosen=chosen, counts=await services.shop_counts(c, shop_id=request.ctx.shop_id), page=number,
        pages=max(1, -(-total // services.PER_PAGE)), now=c.clock.now(),
    )  # fmt: skip


@bp.get("/merchant/after-sales/<case_id:str>", ctx_access="merchant")
async def shop_case(request: Request, case_id: str):
    case = await _case(request, case_id)
    errors, form = failed_form(request, case)
    return await case_page(request, case, "merchant", errors=errors, form=form)


def _amount(raw: str, currency: str) -> int | None:
    try:
        return to_minor(raw, currency) if raw.strip() else None
    except ValueError:
        return -1


@bp.post("/merchant/after-sales/<case_id:str>/<action:str>", ctx_access="merchant")
async def shop_case_action(request: Request, case_id: str, action: str):
    c = request.app.ctx.c
    if action not in ("decision", "received", "evidence"):
        raise NotFound()
    case = await _case(request, case_id)
    url = f"/merchant/after-sales/{case.id}"
    form = {k: request.form.get(k, "") for k in ("action", "amount", "reason", "return_address", "note")}
    me = request.ctx.user.id
    try:
        if action == "decision":
            await services.merchant_decide(
                c, shop_id=request.ctx.shop_id, case_id=case.id, actor_id=me, action=form["action"],
                amount=_amount(form["amount"], c.settings.currency), reason=form["reason"],
                return_address=form["return_address"],
            )  # fmt: skip
            request.ctx.session.flash(_("Your answer was sent to the shopper."), "success")
        elif action == "received":
            restock = request.form.get("restock") == "yes"
            await services.merchant_received(c, shop_id=request.ctx.shop_id, case_id=case.id, actor_id=me,
                                             restock=restock)  # fmt: skip
            request.ctx.session.flash(_("Return received; the shopper is refunded."), "success")
        else:
            photos = await _photos(request, me)
            await services.add_evidence(c, case_id=case.id, actor=Actor.MERCHANT, actor_id=me, note=form["note"],
                                        photo_ids=photos, shop_id=request.ctx.shop_id)  # fmt: skip
    except services.Refused as exc:
        return back_with_errors(request, case, url, errors={exc.field: refusal(exc.code)}, form=form)
    except ImageRejected as exc:
        return back_with_errors(request, case, url, errors={"photo_ids": _(str(exc))}, form=form)
    except services.IllegalTransition as exc:
        request.ctx.session.flash(not_now(exc), "error")
    except orders.Busy:
        request.ctx.session.flash(_("This order is busy. Try again in a moment."), "error")
    return redirect(url, status=303)
