"""After-sales (售後): requests per order line, the merchant's answers, returns, disputes the platform decides,
deadlines that act by themselves, and refunds that run exactly once (keyed by the case, through the order's
payment: mall.orders.services.refund_lines).

For other areas:
  refunds_of_order(c, order_id) -> [CaseRefund]; refunded_per_line(c, order_id) -> {line: amount}   (settlement)
  open_lines(c, order_id) -> {line}; disputed_amount(c, shop_id) -> minor units   (settlement, via the container)
  refund_rate(c, shop_id, since), disputes_lost(c, shop_id, since)                               (reputation)
Jobs (mall/aftersales/jobs.py): act_on_deadline(c, case_id, version), sweep(c)."""

from __future__ import annotations

from mall.aftersales.models import IllegalTransition
from mall.aftersales.services.actions import (
    OUTCOMES,
    accept_offer,
    add_evidence,
    decline_offer,
    escalate,
    merchant_decide,
    merchant_received,
    operator_decide,
    ship_back,
    withdraw,
)
from mall.aftersales.services.common import CaseNotFound, Refused, run_refund
from mall.aftersales.services.deadlines import act_on_deadline, install, order_changed, sweep
from mall.aftersales.services.photos import upload_photo
from mall.aftersales.services.queries import (
    MERCHANT_FILTERS,
    PER_PAGE,
    CaseRefund,
    DisputesLost,
    RefundRate,
    any_case,
    cases_of_order,
    dispute_count,
    disputes,
    disputes_lost,
    merchant_case,
    refund_rate,
    refunded_per_line,
    refunds_of_order,
    shop_cases,
    shop_counts,
    shopper_case,
    shopper_cases,
)
from mall.aftersales.services.requests import LineQuote, quote, request_case

__all__ = [
    "MERCHANT_FILTERS",
    "OUTCOMES",
    "PER_PAGE",
    "CaseNotFound",
    "CaseRefund",
    "DisputesLost",
    "IllegalTransition",
    "LineQuote",
    "RefundRate",
    "Refused",
    "accept_offer",
    "act_on_deadline",
    "add_evidence",
    "any_case",
    "cases_of_order",
    "decline_offer",
    "dispute_count",
    "disputes",
    "disputes_lost",
    "escalate",
    "install",
    "merchant_case",
    "merchant_decide",
    "merchant_received",
    "operator_decide",
    "order_changed",
    "quote",
    "refund_rate",
    "refunded_per_line",
    "refunds_of_order",
    "request_case",
    "run_refund",
    "ship_back",
    "shop_cases",
    "shop_counts",
    "shopper_case",
    "shopper_cases",
    "sweep",
    "upload_photo",
    "withdraw",
]
