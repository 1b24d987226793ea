"""The operators' finance: /operator/finance (GMV, commission, subsidies per campaign, refunds, take rate, the
payouts queue, the ledger check, CSV) and /operator/finance/commission (the commission rules)."""

from __future__ import annotations

import re
from dataclasses import asdict
from zoneinfo import ZoneInfo

from sanic import Request
from sanic.response import redirect

from mall.catalog import services as catalog
from mall.infra.text import N_
from mall.settlement import services
from mall.settlement.forms import RuleForm, parse_rule
from mall.settlement.models import RuleScope
from mall.settlement.routes import bp
from mall.settlement.routes.merchant import statement_page
from mall.settlement.routes.views import money_text, payout_status, statement_csv, statement_or_404
from mall.settlement.schemas import RuleFormIn
from mall.shops import services as shops
from mall.shops.models import ShopStatus
from mall.web.forms import parse_form
from mall.web.i18n import gettext as _
from mall.web.i18n import money, ngettext
from mall.web.spreadsheet import BOM, csv_chunk, download_name
from mall.web.templating import is_htmx, render

PERIOD = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
REFUSALS = {
    "not_found": N_("We could not find that statement."),
    "nothing_to_pay": N_("That statement has nothing to pay."),
}


async def _finance_context(c) -> dict:
    waiting, moving = await services.queue(c)
    summary = await services.summary(c)
    rows = await services.shop_figures(c)
    names = {sid: s.name for sid, s in (await shops.shops_by_ids(c.shops, {
        *(s.shop_id for s in waiting), *(p.shop_id for p in moving), *(r.shop_id for r in rows)
    })).items()}  # fmt: skip
    periods = sorted({s.period for s in waiting})
    return {"summary": summary, "waiting": waiting, "moving": moving, "rows": rows, "names": names,
            "periods": periods, "payout_status": payout_status}  # fmt: skip


@bp.get("/operator/finance", ctx_access="operator")
async def operator_finance(request: Request):
    return await render(request, "settlement/operator_finance.html", **await _finance_context(request.app.ctx.c))


@bp.get("/operator/finance/check", ctx_access="operator")
async def operator_ledger_check(request: Request):
    report = await services.check_ledger(request.app.ctx.c)
    return await render(request, "settlement/_ledger_check.html", report=report)


@bp.post("/operator/finance/statements/<statement_id:str>/approve", ctx_access="operator")
async def operator_approve(request: Request, statement_id: str):
    c = request.app.ctx.c
    try:
        payout = await services.approve(c, statement_id, operator_id=request.ctx.user.id)
    except services.PayoutRefused as exc:
        return await _back(request, "error", _(REFUSALS[exc.reason]))
    except services.Busy:
        return await _back(request, "error", _("That shop's statements are being worked on right now: try again."))
    return await _back(request, "success", _("Payout of %(amount)s approved.") % {"amount": _money(c, payout.amount)})


@bp.post("/operator/finance/periods/<period:str>/approve", ctx_access="operator")
async def operator_approve_period(request: Request, period: str):
    c = request.app.ctx.c
    if not PERIOD.match(period):
        return await _back(request, "error", _("That is not a day (YYYY-MM-DD)."))
    try:
        sent = await services.approve_period(c, period, operator_id=request.ctx.user.id)
    except services.Busy:
        return await _back(request, "error", _("Some statements are being worked on right now: try again."))
    return await _back(request, "success", ngettext(
        "%(num)d payout approved for %(period)s.", "%(num)d payouts approved for %(period)s.", len(sent)
    ) % {"num": len(sent), "period": period})  # fmt: skip


async def _back(request: Request, tone: str, message: str):
    """An htmx form gets the queue back with the message in it; a plain form a redirect and the message flashed."""
    if is_htmx(request):
        context = await _finance_context(request.app.ctx.c)
        return await render(request, "settlement/_operator_queue.html", notice=(tone, message), **context)
    request.ctx.session.flash(message, tone)
    return redirect("/operator/finance")


def _money(c, minor: int) -> str:
    return money(minor, c.settings.currency)


@bp.get("/operator/finance/statements/<statement_id:str>", ctx_access="operator")
async def operator_statement(request: Request, statement_id: str):
    statement = await statement_or_404(request, statement_id)
    return await statement_page(request, statement, console="operator")


@bp.get("/operator/finance/statements/<statement_id:ext=csv>", ctx_access="operator")
async def operator_statement_csv(request: Request, statement_id: str, ext: str):
    return await statement_csv(request, await statement_or_404(request, statement_id))


@bp.get("/operator/finance.csv", ctx_access="operator")
async def operator_finance_csv(request: Request):
    c = request.app.ctx.c
    context = await _finance_context(c)
    s = context["summary"]
    rows = [
        [_("Figure"), _("Amount (%(currency)s)") % {"currency": c.settings.currency}],
        [_("GMV"), money_text(c, s.gmv)], [_("Refunds"), money_text(c, s.refunds)],
        [_("Commission"), money_text(c, s.commission)], [_("Promotion subsidies"), money_text(c, s.subsidies)],
        [_("Platform net"), money_text(c, s.platform_net)], [_("Take rate (bp)"), s.take_rate_bp],
        [_("Owed to shops"), money_text(c, s.owed)], [_("Paid out"), money_text(c, s.paid_out)], [],
        [_("Campaign or coupon"), _("Subsidy")],
        *([row.name, money_text(c, row.subsidy)] for row in s.campaigns), [],
        [_("Shop"), _("GMV"), _("Refunds"), _("Commission"), _("Subsidies"), _("Paid out"), _("Pending"),
         _("Available"), _("In transit")],
        *([context["names"].get(r.shop_id, r.shop_id), *(money_text(c, v) for v in (
            r.gmv, r.refunds, r.commission, r.subsidies, r.paid_out, r.pending, r.available, r.in_transit))]
          for r in context["rows"]),
    ]  # fmt: skip
    response = await request.respond(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{download_name("finance-" + services.period_of(c))}"'},
    )
    await response.send(BOM + csv_chunk(rows))
    await response.eof()
    return response


# --- commission rules -------------------------------------------------------------------------------------------


async def _rules_page(request: Request, *, form: RuleForm | None = None, errors=None, status: int = 200):
    c = request.app.ctx.c
    form = form or RuleForm(effective_from=services.today(c).isoformat())
    rules = await services.list_rules(c)
    categories = await catalog.list_categories(c.categories)
    open_shops, _total = await shops.list_shops(c.shops, status=ShopStatus.APPROVED, per_page=500)
    names = {cat.id: cat for cat in categories}
    shop_names = {
        s.id: s.name
        for s in (await shops.shops_by_ids(c.shops, [r.target_id for r in rules if r.scope is RuleScope.SHOP])).values()
    }
    return await render(
        request, "settlement/operator_commission.html", status=status, rules=rules, categories=categories,
        category_of=names, shop_names=shop_names, open_shops=open_shops, today=services.today(c),
        form=form, values=asdict(form), errors=errors or {},
        default_bp=c.settings.commission_default_bp,
        local_day=lambda moment: moment.astimezone(ZoneInfo(c.settings.timezone)).date().isoformat(),
    )  # fmt: skip


@bp.get("/operator/finance/commission", ctx_access="operator")
async def operator_commission(request: Request):
    return await _rules_page(request)


RULE_ERRORS = {
    "rate_range": N_("Enter a rate from 0 to 100 percent."),
    "past_date": N_("A rule starts today or later: what was already earned keeps its rate."),
    "unknown_category": N_("That category does not exist."),
    "unknown_shop": N_("That shop does not exist."),
    "target_needed": N_("Choose one."),
    "no_target": N_("The platform default applies to everything."),
}


@bp.post("/operator/finance/commission", ctx_access="operator")
async def operator_add_rule(request: Request):
    c = request.app.ctx.c
    form = RuleForm(**parse_form(request, RuleFormIn).model_dump())
    parsed = parse_rule(form)
    if parsed.errors:
        errors = {k: _(v) for k, v in parsed.errors.items()}
        return await _rules_page(request, form=form, errors=errors, status=422)
    draft = services.RuleDraft(parsed.scope, parsed.target_id, parsed.rate_bp, parsed.effective_from)
    try:
        await services.put_rules(c, [draft], actor_id=request.ctx.user.id)
    except services.RuleRefused as exc:
        fields = {"target_id": "category_id" if parsed.scope is RuleScope.CATEGORY else "shop_id", "rate_bp": "rate"}
        errors = {
            fields.get(k.rsplit(".", 1)[1], k.rsplit(".", 1)[1]): _(RULE_ERRORS[v]) for k, v in exc.errors.items()
        }
        return await _rules_page(request, form=form, errors=errors, status=422)
    request.ctx.session.flash(_("Commission rule saved."), "success")
    return redirect("/operator/finance/commission")


@bp.post("/operator/finance/commission/<rule_id:str>/withdraw", ctx_access="operator")
async def operator_withdraw_rule(request: Request, rule_id: str):
    if await services.withdraw_rule(request.app.ctx.c, rule_id):
        request.ctx.session.flash(_("Rule withdrawn."), "success")
    else:
        request.ctx.session.flash(_("Only a rule that has not started yet can be withdrawn."), "error")
    return redirect("/operator/finance/commission")
