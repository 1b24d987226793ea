"""What the finance pages and exports share: status words, statement rows, CSV streams."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sanic import Request
from sanic.exceptions import NotFound

from mall.infra.money import to_major_text
from mall.infra.text import N_
from mall.settlement import services
from mall.settlement.models import Item, ItemKind, Payout, PayoutStatus, Statement
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.spreadsheet import BOM, csv_chunk, download_name

PER_PAGE = 20
LINES_PER_PAGE = 50
KIND = {
    ItemKind.SALE: N_("Sale"),
    ItemKind.SHIPPING: N_("Shipping"),
    ItemKind.REFUND: N_("Refund"),
    ItemKind.SHIPPING_REFUND: N_("Shipping refund"),
}


def payout_status(statement: Statement, payout: Payout | None) -> tuple[str, str]:
    """(tone, words) for a statement's payout: what happened to its money."""
    if payout is None:
        if statement.payable > 0:
            return "pending", _("Awaiting approval")
        if statement.closing < 0:
            return "bad", _("Negative balance carried forward")
        return "", _("Nothing to pay")
    if payout.status is PayoutStatus.PAID:
        return "ok", _("Paid out")
    if payout.status is PayoutStatus.FAILED:
        return "bad", _("Payout failed: back in the balance")
    return "pending", _("Payout on its way")


def kind_label(item: Item) -> str:
    return _(KIND[item.kind])


async def statement_or_404(request: Request, statement_id: str, *, shop_id: str | None = None) -> Statement:
    statement = await services.get_statement(request.app.ctx.c, statement_id, shop_id=shop_id)
    if statement is None:
        raise NotFound(_("We could not find that statement."))
    return statement


def money_text(c, minor: int) -> str:
    return to_major_text(minor, c.settings.currency)


def line_row(c, item: Item) -> list:
    locale = current_locale()
    return [
        item.at.astimezone(ZoneInfo(c.settings.timezone)).date().isoformat(), item.order_number,
        "" if item.position is None else item.position,
        kind_label(item), item.display_name(locale) if item.position is not None else _("Shipping"), item.sku,
        item.qty or "", money_text(c, item.net), money_text(c, item.subsidy), money_text(c, item.revenue),
        item.rate_bp, money_text(c, item.commission), money_text(c, item.merchant), item.case_id or "",
        item.refund_id or "",
    ]  # fmt: skip


def line_header(c) -> list[str]:
    currency = c.settings.currency
    return [
        _("Date"), _("Order"), _("Line"), _("Kind"), _("Item"), _("SKU"), _("Qty"),
        _("Paid by the shopper (%(currency)s)") % {"currency": currency},
        _("Platform-funded discount (%(currency)s)") % {"currency": currency},
        _("Revenue (%(currency)s)") % {"currency": currency}, _("Commission rate (bp)"),
        _("Commission (%(currency)s)") % {"currency": currency},
        _("Yours (%(currency)s)") % {"currency": currency}, _("After-sales case"), _("Refund"),
    ]  # fmt: skip


async def statement_csv(request: Request, statement: Statement):
    """The statement's summary, then every line, streamed from the database a batch at a time."""
    c = request.app.ctx.c
    response = await request.respond(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{download_name(statement.number)}"'},
    )
    t = statement.totals
    summary = [
        [_("Statement"), statement.number], [_("Period"), statement.period],
        [_("Sales"), money_text(c, t.sales)], [_("Of which platform-funded"), money_text(c, t.subsidies)],
        [_("Shipping"), money_text(c, t.shipping)], [_("Refunds"), money_text(c, t.refunds)],
        [_("Commission"), money_text(c, t.commission)], [_("Net for the period"), money_text(c, t.net)],
        [_("Carried over"), money_text(c, statement.carried)], [_("Held for disputes"), money_text(c, statement.held)],
        [_("Payable"), money_text(c, statement.payable)], [],
    ]  # fmt: skip
    await response.send(BOM + csv_chunk([*summary, line_header(c)]))
    rows: list[list] = []
    async for item in services.stream_items(c, statement.id):
        rows.append(line_row(c, item))
        if len(rows) >= 500:
            await response.send(csv_chunk(rows))
            rows.clear()
    await response.send(csv_chunk(rows))
    await response.eof()
    return response


def pages_of(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))
