"""The shop owner's finance (財務): /merchant/finance (balance now, the payouts chart, statements) and each
statement's lines, each traceable to its order and after-sales case, with a CSV export. Always the signed-in
owner's own shop (request.ctx.shop_id): another shop's statement is a 404."""

from __future__ import annotations

from sanic import Request

from mall.settlement import services
from mall.settlement.charts import payout_bars
from mall.settlement.routes import bp
from mall.settlement.routes.views import (
    LINES_PER_PAGE,
    PER_PAGE,
    kind_label,
    pages_of,
    payout_status,
    statement_csv,
    statement_or_404,
)
from mall.web.forms import page_number
from mall.web.templating import render


@bp.get("/merchant/finance", ctx_access="owner")
async def merchant_finance(request: Request):
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    number = page_number(request)
    rows, total = await services.statements_page(c, shop_id=shop_id, page=number, per_page=PER_PAGE)
    payouts = await services.payouts_of_shop(c, shop_id)
    return await render(
        request,
        "settlement/merchant_finance.html",
        fragment="settlement/_merchant_live.html",
        balance=await services.shop_balance(c, shop_id),
        rows=rows,
        page=number,
        pages=pages_of(total, PER_PAGE),
        chart=payout_bars(services.payout_points(c, payouts)),
        payout_status=payout_status,
        settle_after_days=c.settings.settle_after_days,
    )


@bp.get("/merchant/finance/statements/<statement_id:str>", ctx_access="owner")
async def merchant_statement(request: Request, statement_id: str):
    statement = await statement_or_404(request, statement_id, shop_id=request.ctx.shop_id)
    return await statement_page(request, statement, console="merchant")


@bp.get("/merchant/finance/statements/<statement_id:ext=csv>", ctx_access="owner")
async def merchant_statement_csv(request: Request, statement_id: str, ext: str):
    statement = await statement_or_404(request, statement_id, shop_id=request.ctx.shop_id)
    return await statement_csv(request, statement)


async def statement_page(request: Request, statement, *, console: str):
    c = request.app.ctx.c
    number = page_number(request)
    items, total = await services.statement_items(c, statement.id, page=number, per_page=LINES_PER_PAGE)
    payout = await services.payout_for(c, statement.id)
    return await render(
        request,
        "settlement/statement.html",
        console=console,
        statement=statement,
        payout=payout,
        state=payout_status(statement, payout),
        items=items,
        total=total,
        page=number,
        pages=pages_of(total, LINES_PER_PAGE),
        kind_label=kind_label,
    )
