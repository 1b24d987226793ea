"""JSON API v1 for finance. A merchant (the shop's owner) reads only its own shop's balance and statements (another
shop's statement is a 404); operators read the platform's summary, approve statements, set commission rules and
check the ledger. Typed, closed request models (an unknown field is a 422)."""

from __future__ import annotations

from datetime import date

from sanic import Request
from sanic.exceptions import NotFound, SanicException
from sanic.response import json

from mall.settlement import services
from mall.settlement.models import RuleScope
from mall.settlement.routes import bp
from mall.settlement.routes.views import LINES_PER_PAGE, PER_PAGE, kind_label, pages_of, statement_csv
from mall.settlement.schemas import (
    ApprovedOut,
    BalanceOut,
    CampaignSubsidyOut,
    CommissionRuleOut,
    CommissionRulesIn,
    CommissionRulesOut,
    LedgerCheckOut,
    PageQuery,
    PayoutOut,
    StatementDetailOut,
    StatementLineOut,
    StatementOut,
    StatementPageOut,
    SummaryOut,
)
from mall.web.apidoc import doc
from mall.web.forms import Invalid, parse_json, parse_query
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _


class Conflict(SanicException):
    status_code = 409
    quiet = True


NOTHING_TO_PAY = {409: "the statement has nothing to pay, or the shop's statements are being worked on"}


async def _statement(request: Request, statement_id: str, *, shop_id: str | None):
    statement = await services.get_statement(request.app.ctx.c, statement_id, shop_id=shop_id)
    if statement is None:
        raise NotFound(_("We could not find that statement."))
    return statement


@bp.get("/api/v1/merchant/finance/balance", ctx_access="owner")
@doc("Your shop's balance now: pending, available, held back, in transit, paid out", response=BalanceOut, tag="finance")
async def api_balance(request: Request):
    c = request.app.ctx.c
    b = await services.shop_balance(c, request.ctx.shop_id)
    out = BalanceOut(currency=c.settings.currency, pending=b.pending, available=b.available, held=b.held,
                     in_transit=b.in_transit, paid_out=b.paid_out)  # fmt: skip
    return json(out.model_dump())


@bp.get("/api/v1/merchant/finance/statements", ctx_access="owner")
@doc(
    "Your shop's statements (對帳單), newest first (?page=)", response=StatementPageOut, query=PageQuery, tag="finance"
)
async def api_statements(request: Request):
    c = request.app.ctx.c
    query = parse_query(request, PageQuery)
    rows, total = await services.statements_page(c, shop_id=request.ctx.shop_id, page=query.page, per_page=PER_PAGE)
    out = StatementPageOut(
        currency=c.settings.currency, items=[StatementOut.of(s, p) for s, p in rows], page=query.page,
        pages=pages_of(total, PER_PAGE), total=total,
    )  # fmt: skip
    return json(out.model_dump(mode="json"))


@bp.get("/api/v1/merchant/finance/statements/<statement_id:str>", ctx_access="owner")
@doc(
    "One of your statements with its lines, each traceable to its order (?page=, 50 lines a page); "
    "{statement_id}.csv: the whole statement as CSV (cells that could run as spreadsheet formulas neutralised)",
    response=StatementDetailOut,
    query=PageQuery,
    also=(("text/csv", {"type": "string"}),),
    tag="finance",
)
async def api_statement(request: Request, statement_id: str):
    if statement_id.endswith(".csv"):
        statement = await _statement(request, statement_id.removesuffix(".csv"), shop_id=request.ctx.shop_id)
        return await statement_csv(request, statement)
    c = request.app.ctx.c
    query = parse_query(request, PageQuery)
    statement = await _statement(request, statement_id, shop_id=request.ctx.shop_id)
    items, total = await services.statement_items(c, statement.id, page=query.page, per_page=LINES_PER_PAGE)
    locale = current_locale()
    lines = [
        StatementLineOut(
            kind=item.kind.value, order_id=item.order_id, order_number=item.order_number, line_id=item.position,
            name=item.display_name(locale) if item.position is not None else kind_label(item), sku=item.sku,
            qty=item.qty, net=item.net, subsidy=item.subsidy, revenue=item.revenue, rate_bp=item.rate_bp,
            commission=item.commission, merchant=item.merchant, refund_id=item.refund_id, case_id=item.case_id,
            at=item.at,
        )
        for item in items
    ]  # fmt: skip
    out = StatementDetailOut(
        currency=c.settings.currency, statement=StatementOut.of(statement, await services.payout_for(c, statement.id)),
        lines=lines, page=query.page, pages=pages_of(total, LINES_PER_PAGE), total=total,
    )  # fmt: skip
    return json(out.model_dump(mode="json"))


@bp.get("/api/v1/operator/finance/summary", ctx_access="operator")
@doc("The platform's finance: GMV, refunds, commission, subsidies per campaign, take rate, payouts queue",
     response=SummaryOut, tag="finance")  # fmt: skip
async def api_summary(request: Request):
    c = request.app.ctx.c
    s = await services.summary(c)
    waiting, _moving = await services.queue(c)
    out = SummaryOut(
        currency=c.settings.currency, gmv=s.gmv, refunds=s.refunds, commission=s.commission, subsidies=s.subsidies,
        platform_net=s.platform_net, take_rate_bp=s.take_rate_bp, owed=s.owed, in_transit=s.in_transit,
        paid_out=s.paid_out,
        campaigns=[CampaignSubsidyOut(promotion_id=r.promotion_id, name=r.name, subsidy=r.subsidy)
                   for r in s.campaigns],
        awaiting_approval=[StatementOut.of(statement) for statement in waiting],
    )  # fmt: skip
    return json(out.model_dump(mode="json"))


@bp.post("/api/v1/operator/finance/statements/<statement_id:str>/approve", ctx_access="operator")
@doc("Approve a statement: its payable is paid out through the payout provider (once; again answers the same payout)",
     response=ApprovedOut, tag="finance", errors=NOTHING_TO_PAY)  # fmt: skip
async def api_approve(request: Request, statement_id: str):
    c = request.app.ctx.c
    await _statement(request, statement_id, shop_id=None)
    try:
        payout = await services.approve(c, statement_id, operator_id=request.ctx.user.id)
    except services.PayoutRefused as exc:
        raise Conflict(
            _("That statement has nothing to pay.") if exc.reason == "nothing_to_pay" else exc.reason
        ) from None
    except services.Busy:
        raise Conflict(_("That shop's statements are being worked on right now: try again.")) from None
    return json(ApprovedOut(payout=PayoutOut.of(payout)).model_dump(mode="json"))


def _rules_out(c, rules) -> dict:
    out = CommissionRulesOut(
        default_bp=c.settings.commission_default_bp,
        rules=[
            CommissionRuleOut(id=r.id, scope=r.scope.value, target_id=r.target_id, rate_bp=r.rate_bp,
                              effective_from=r.effective_from, created_at=r.created_at)
            for r in rules
        ],
    )  # fmt: skip
    return out.model_dump(mode="json")


@bp.get("/api/v1/operator/finance/commission-rules", ctx_access="operator")
@doc("Every commission rule (default, per category, per shop; each from a date)", response=CommissionRulesOut,
     tag="finance")  # fmt: skip
async def api_rules(request: Request):
    c = request.app.ctx.c
    return json(_rules_out(c, await services.list_rules(c)))


@bp.put("/api/v1/operator/finance/commission-rules", ctx_access="operator")
@doc("Set commission rules (basis points, from a date: today or later); the same scope, target and date replaces "
     "that rule's rate. All or nothing.",
     body=CommissionRulesIn, response=CommissionRulesOut, tag="finance")  # fmt: skip
async def api_put_rules(request: Request):
    c = request.app.ctx.c
    data = parse_json(request, CommissionRulesIn)
    drafts = [
        services.RuleDraft(RuleScope(r.scope), r.target_id, r.rate_bp, date.fromisoformat(r.effective_from))
        for r in data.rules
    ]
    try:
        await services.put_rules(c, drafts, actor_id=request.ctx.user.id)
    except services.RuleRefused as exc:
        raise Invalid(exc.errors) from None
    return json(_rules_out(c, await services.list_rules(c)))


@bp.get("/api/v1/operator/finance/ledger/check", ctx_access="operator")
@doc("Prove the ledger: every entry balanced, every balance the sum of its entries, every paid line posted once",
     response=LedgerCheckOut, tag="finance")  # fmt: skip
async def api_ledger_check(request: Request):
    report = await services.check_ledger(request.app.ctx.c)
    out = LedgerCheckOut(balanced=report.balanced, accounts=report.accounts, entries=report.entries,
                         problems=report.problems)  # fmt: skip
    return json(out.model_dump())
