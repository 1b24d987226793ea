"""The shopper's after-sales pages: each line's state on the order page (a region loaded from here, so the orders
domain knows nothing of after-sales), the request form (photos uploaded with it), the list and the case page.

A form that fails comes back with its errors and everything typed (uploaded photos kept as their ids)."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.aftersales import services
from mall.aftersales.models import Actor, Kind, Reason
from mall.aftersales.routes import bp
from mall.aftersales.routes.common import not_now, page, refusal
from mall.infra.images import ImageRejected, is_media_name
from mall.infra.money import to_major_text, to_minor
from mall.orders import services as orders
from mall.web.forms import page_number
from mall.web.i18n import gettext as _

FAILED = "aftersales_form"  # session: {case, errors, form} of the last failed form on a case page, shown once


async def _order(request: Request, order_id: str):
    try:
        return await orders.shopper_order(request.app.ctx.c, user_id=request.ctx.user.id, order_id=order_id)
    except orders.NotFound:
        raise NotFound(_("We could not find that order.")) from None


async def _case(request: Request, case_id: str):
    try:
        return await services.shopper_case(request.app.ctx.c, user_id=request.ctx.user.id, case_id=case_id)
    except services.CaseNotFound:
        raise NotFound(_("We could not find that request.")) from None


@bp.get("/orders/<order_id:str>/after-sales", ctx_access="user")
async def order_lines(request: Request, order_id: str):
    """The order page's after-sales region: each line's state, and 申請售後 where a request is possible."""
    c = request.app.ctx.c
    order = await _order(request, order_id)
    cases = await services.cases_of_order(c, order.id)
    quotes = [await services.quote(c, order, n, cases=cases) for n in range(len(order.lines))]
    latest = {x.line: x for x in cases}
    return await page(request, "aftersales/_order_lines.html", order=order, quotes=quotes, latest=latest)


def _form_of(request: Request) -> dict:
    keep = ("line_id", "kind", "reason", "qty", "amount", "note")
    form = {k: str(request.form.get(k, ""))[:1000] for k in keep}
    form["photo_ids"] = [p for p in request.form.getlist("photo_ids") or [] if is_media_name(p)][:6]
    return form


async def _request_page(request: Request, order, line: int, *, form: dict, errors: dict, status: int = 200):
    c = request.app.ctx.c
    found = await services.quote(c, order, line)
    currency = c.settings.currency
    return await page(
        request, "aftersales/request_form.html", status=status, order=order, line=order.lines[line], line_id=line,
        quote=found, form=form, errors=errors, max_text=to_major_text(found.max_amount, currency),
        unit_max=[to_major_text(found.max_for(q, order), currency) for q in range(1, found.units_left + 1)],
    )  # fmt: skip


def _line_of(raw: str, order) -> int:
    return int(raw) if raw.isdigit() and int(raw) < len(order.lines) else -1


@bp.get("/orders/<order_id:str>/after-sales/new", ctx_access="user")
async def request_form(request: Request, order_id: str):
    order = await _order(request, order_id)
    line = _line_of(str(request.args.get("line", "0")), order)
    if line < 0:
        raise NotFound(_("We could not find that item."))
    found = await services.quote(request.app.ctx.c, order, line)
    if found.open_case:
        return redirect(f"/account/after-sales/{found.open_case.id}")
    kind = found.kinds[0].value if found.kinds else ""
    form = {"line_id": str(line), "kind": kind, "qty": str(found.units_left), "photo_ids": []}
    form["amount"] = to_major_text(found.max_amount, request.app.ctx.c.settings.currency)
    return await _request_page(request, order, line, form=form, errors={})


@bp.post("/orders/<order_id:str>/after-sales", ctx_access="user")
async def make_request(request: Request, order_id: str):
    c = request.app.ctx.c
    order = await _order(request, order_id)
    form = _form_of(request)
    line = _line_of(form["line_id"], order)
    if line < 0:
        raise NotFound(_("We could not find that item."))
    errors: dict = {}
    for upload in (request.files.getlist("photos") if request.files else None) or []:
        if not upload.body:
            continue
        if len(form["photo_ids"]) >= 6:
            errors["photo_ids"] = refusal("photos")
            break
        try:
            form["photo_ids"].append(await services.upload_photo(c, user_id=request.ctx.user.id, body=upload.body))
        except ImageRejected as exc:
            errors["photo_ids"] = _(str(exc))
    kind = form["kind"] if form["kind"] in Kind._value2member_map_ else None
    reason = form["reason"] if form["reason"] in Reason._value2member_map_ else None
    qty = int(form["qty"]) if form["qty"].isdigit() and len(form["qty"]) < 7 else 0
    try:
        amount = to_minor(form["amount"], c.settings.currency) if form["amount"].strip() else 0
    except ValueError:
        amount = 0
    if kind is None:
        errors["kind"] = refusal("kind_not_allowed")
    if reason is None:
        errors["reason"] = _("Choose a reason.")
    if errors:
        return await _request_page(request, order, line, form=form, errors=errors, status=422)
    try:
        case = await services.request_case(
            c, user_id=request.ctx.user.id, order_id=order.id, line_id=line, kind=Kind(kind), reason=Reason(reason),
            qty=qty, amount=amount, note=form["note"], photo_ids=form["photo_ids"],
        )  # fmt: skip
    except services.Refused as exc:
        field = {"line_id": "form"}.get(exc.field, exc.field)
        return await _request_page(request, order, line, form=form, errors={field: refusal(exc.code)}, status=422)
    request.ctx.session.flash(_("Your request is with the shop. We will tell you when they answer."), "success")
    return redirect(f"/account/after-sales/{case.id}", status=303)


@bp.get("/account/after-sales", ctx_access="user")
async def my_cases(request: Request):
    number = page_number(request)
    cases, total = await services.shopper_cases(request.app.ctx.c, user_id=request.ctx.user.id, page=number)
    pages = max(1, -(-total // services.PER_PAGE))
    return await page(request, "aftersales/my_cases.html", cases=cases, page=number, pages=pages,
                      now=request.app.ctx.c.clock.now())  # fmt: skip


def failed_form(request: Request, case) -> tuple[dict, dict]:
    kept = request.ctx.session.pop(FAILED, None) if FAILED in request.ctx.session else None
    if not isinstance(kept, dict) or kept.get("case") != case.id:
        return {}, {}
    return kept.get("errors") or {}, kept.get("form") or {}


def back_with_errors(request: Request, case, url: str, *, errors: dict, form: dict):
    kept = {k: str(v)[:1000] for k, v in form.items() if k != "csrf_token"}
    request.ctx.session[FAILED] = {"case": case.id, "errors": errors, "form": kept}
    return redirect(url, status=303)


@bp.get("/account/after-sales/<case_id:str>", ctx_access="user")
async def my_case(request: Request, case_id: str):
    case = await _case(request, case_id)
    errors, form = failed_form(request, case)
    return await case_page(request, case, "shopper", errors=errors, form=form)


async def case_page(request: Request, case, viewer: str, *, errors=None, form=None):
    """One case as `viewer` (shopper, merchant or operator) sees it: the same body, each in its own frame."""
    c = request.app.ctx.c
    order = await orders.any_order(c, order_id=case.order_id)
    shop = (await orders.shops_of(c, [order])).get(order.shop_id) if order else None
    template = {"shopper": "aftersales/my_case.html", "merchant": "aftersales/merchant_case.html"}.get(
        viewer, "aftersales/operator_case.html"
    )
    return await page(
        request, template, case=case, order=order, shop=shop, viewer=viewer, errors=errors or {}, form=form or {},
        now=c.clock.now(),
    )  # fmt: skip


SHOPPER_ACTIONS = ("accept-offer", "decline-offer", "withdraw", "escalate", "return-shipment", "evidence")


@bp.post("/account/after-sales/<case_id:str>/<action:str>", ctx_access="user")
async def my_case_action(request: Request, case_id: str, action: str):
    c = request.app.ctx.c
    if action not in SHOPPER_ACTIONS:
        raise NotFound()
    case = await _case(request, case_id)
    user_id = request.ctx.user.id
    url = f"/account/after-sales/{case.id}"
    form = {k: request.form.get(k, "") for k in ("carrier", "tracking_no", "note")}
    try:
        if action == "accept-offer":
            await services.accept_offer(c, user_id=user_id, case_id=case.id)
            request.ctx.session.flash(_("You accepted the offer. The refund is on its way."), "success")
        elif action == "decline-offer":
            await services.decline_offer(c, user_id=user_id, case_id=case.id)
        elif action == "withdraw":
            await services.withdraw(c, user_id=user_id, case_id=case.id)
            request.ctx.session.flash(_("Your request is withdrawn."), "info")
        elif action == "escalate":
            await services.escalate(c, user_id=user_id, case_id=case.id, note=form["note"])
            request.ctx.session.flash(_("The platform will look at your case and decide."), "success")
        elif action == "return-shipment":
            await services.ship_back(c, user_id=user_id, case_id=case.id, carrier=form["carrier"],
                                     tracking_no=form["tracking_no"])  # fmt: skip
        else:
            photos = await _photos(request, user_id)
            await services.add_evidence(c, case_id=case.id, actor=Actor.SHOPPER, actor_id=user_id, note=form["note"],
                                        photo_ids=photos, user_id=user_id)  # fmt: skip
    except services.Refused as exc:
        return back_with_errors(request, case, url, errors={exc.field: refusal(exc.code)}, form=form)
    except ImageRejected as exc:
        return back_with_errors(request, case, url, errors={"photo_ids": _(str(exc))}, form=form)
    except services.IllegalTransition as exc:
        request.ctx.session.flash(not_now(exc), "error")
    except orders.Busy:
        request.ctx.session.flash(_("This order is busy. Try again in a moment."), "error")
    return redirect(url, status=303)


async def _photos(request: Request, user_id: str) -> list[str]:
    """Photos attached to an evidence form, uploaded now (ImageRejected says why not)."""
    names = []
    for upload in ((request.files.getlist("photos") if request.files else None) or [])[:6]:
        if upload.body:
            names.append(await services.upload_photo(request.app.ctx.c, user_id=user_id, body=upload.body))
    return names
