"""Settlement (結算, issue 14): what each paid line earns (mall.settlement.earnings), the double-entry ledger,
commission rules, statements per shop and payouts. It listens to orders' events and calls other domains' services;
nothing depends on it. `c` is the container (mall.bootstrap).

After-sales, as settlement sees it (installed on the container by mall.bootstrap; the defaults say "no case"):
  await c.aftersales_open_lines(order_id) -> set[int]   positions of the order's lines with an open case: not settled
  await c.disputed_amount(shop_id) -> int               minor units held back from the shop's payouts
and refunds arrive as order.refunded (mall.orders.events.refund_payload), with case_id when a case made them.
Jobs (mall/settlement/jobs.py): the daily statement run (one job per shop per period), the catch-up sweep, the
sandbox's payout report."""

from __future__ import annotations

from mall.settlement.services.check import LedgerReport, check_ledger
from mall.settlement.services.daily import run_daily
from mall.settlement.services.figures import (
    Balance,
    PayoutPoint,
    ShopFigures,
    Summary,
    payout_points,
    shop_balance,
    shop_figures,
    summary,
)
from mall.settlement.services.intake import catch_up, install
from mall.settlement.services.locks import Busy
from mall.settlement.services.payouts import (
    PayoutReceipt,
    PayoutRefused,
    approve,
    approve_period,
    get_payout,
    payout_for,
    payouts_of_shop,
    queue,
    receive_webhook,
    sandbox_report,
    settle,
)
from mall.settlement.services.payouts import repair as repair_payouts
from mall.settlement.services.postings import post_paid, post_refund, settle_after
from mall.settlement.services.rules import RuleDraft, RuleRefused, list_rules, put_rules, today, withdraw_rule
from mall.settlement.services.statements import (
    due_shops,
    get_statement,
    issue_statement,
    period_of,
    statement_items,
    statements_page,
    stream_items,
)

__all__ = [
    "Balance",
    "Busy",
    "LedgerReport",
    "PayoutPoint",
    "PayoutReceipt",
    "PayoutRefused",
    "RuleDraft",
    "RuleRefused",
    "ShopFigures",
    "Summary",
    "approve",
    "approve_period",
    "catch_up",
    "check_ledger",
    "due_shops",
    "get_payout",
    "get_statement",
    "install",
    "issue_statement",
    "list_rules",
    "payout_for",
    "payout_points",
    "payouts_of_shop",
    "period_of",
    "post_paid",
    "post_refund",
    "put_rules",
    "queue",
    "receive_webhook",
    "repair_payouts",
    "run_daily",
    "sandbox_report",
    "settle",
    "settle_after",
    "shop_balance",
    "shop_figures",
    "statement_items",
    "statements_page",
    "stream_items",
    "summary",
    "today",
    "withdraw_rule",
]
