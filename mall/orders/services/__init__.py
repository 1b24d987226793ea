"""Buying: addresses, shipping templates, checkout, orders and their lifecycle.

Called by other areas:
  on_payment_succeeded(c, *, checkout_id, payment_id, event_id) -> None   (payments routes, after a verified event)
  on_payment_failed(c, *, checkout_id, payment_id, event_id) -> None
After-sales (mall/aftersales) calls:
  refund_lines(c, order_id, key, lines, shipping, reason) -> LineRefund   (caps per line and order, once per key)
  refunds_of(c, order_id), hold_for_case / release_case (no completing while a case is open), holds_before
Jobs (mall/orders/jobs.py): expire_checkout(c, checkout_id), auto_complete_order(c, order_id),
  reconcile_checkout(c, checkout_id). `c` is the Container (mall.bootstrap).
Figures for other areas: fulfilment_figures(c, *, shop_id, since) (the health score), sale_records(c)
  (the sold counts' repair). Events: mall.orders.events."""

from __future__ import annotations

from mall.orders.services.addresses import (
    AddressFields,
    add_address,
    default_address,
    delete_address,
    get_address,
    list_addresses,
    make_default,
    update_address,
)
from mall.orders.services.alerts import acknowledge, realert, unacknowledged
from mall.orders.services.catch_up import catch_up, resume_payment
from mall.orders.services.checkout import Placed, body_hash, checkout_for_user, place_checkout, place_flash_checkout
from mall.orders.services.errors import (
    AddressBookFull,
    AfterSalesOpen,
    Busy,
    CartNotReady,
    CheckoutError,
    CouponNotUsable,
    CouponUsedUp,
    EmptyCart,
    IllegalTransition,
    KeyReused,
    NotFound,
    NotRefundable,
    OutOfStock,
    PricesChanged,
    ReservationGone,
    SalePaused,
    TotalChanged,
    UnknownShopNote,
)
from mall.orders.services.figures import FulfilmentFigures, SaleRecord, fulfilment_figures, sale_records
from mall.orders.services.flash_lines import FlashLedger
from mall.orders.services.lifecycle import (
    auto_complete_order,
    cancel_by_merchant,
    cancel_by_shopper,
    cancel_checkout,
    confirm_receipt,
    expire_checkout,
    mark_delivered,
    reconcile_checkout,
    ship_order,
    sweep_overdue_checkouts,
)
from mall.orders.services.payment_events import (
    apply_payment_event,
    on_payment_failed,
    on_payment_succeeded,
    pay_in_sandbox,
)
from mall.orders.services.pricing import quote_cart
from mall.orders.services.promotion_figures import PromotionFigures, promotion_figures
from mall.orders.services.queries import (
    PER_PAGE,
    SEARCH_CAP,
    all_orders,
    any_order,
    completed_orders,
    merchant_order,
    orders_by_ids,
    paid_orders,
    search_pages,
    shop_orders,
    shopper_order,
    shopper_orders,
    shoppers_of,
    shops_of,
    sibling_orders,
    status_counts,
)
from mall.orders.services.refunds import (
    LineRefund,
    check_refund,
    hold_for_case,
    holds_before,
    orders_paid_since,
    refund_lines,
    refunds_of,
    release_case,
)
from mall.orders.services.shipping import InvalidTemplate, save_template, template_for, templates_for
from mall.orders.services.transitions import whole_refund

__all__ = [
    "PER_PAGE",
    "SEARCH_CAP",
    "AddressBookFull",
    "AddressFields",
    "AfterSalesOpen",
    "Busy",
    "CartNotReady",
    "CheckoutError",
    "CouponNotUsable",
    "CouponUsedUp",
    "EmptyCart",
    "FlashLedger",
    "FulfilmentFigures",
    "IllegalTransition",
    "InvalidTemplate",
    "KeyReused",
    "LineRefund",
    "NotFound",
    "NotRefundable",
    "OutOfStock",
    "Placed",
    "PricesChanged",
    "PromotionFigures",
    "ReservationGone",
    "SalePaused",
    "SaleRecord",
    "TotalChanged",
    "UnknownShopNote",
    "acknowledge",
    "add_address",
    "all_orders",
    "any_order",
    "apply_payment_event",
    "auto_complete_order",
    "body_hash",
    "cancel_by_merchant",
    "cancel_by_shopper",
    "cancel_checkout",
    "catch_up",
    "check_refund",
    "checkout_for_user",
    "completed_orders",
    "confirm_receipt",
    "default_address",
    "delete_address",
    "expire_checkout",
    "fulfilment_figures",
    "get_address",
    "hold_for_case",
    "holds_before",
    "list_addresses",
    "make_default",
    "mark_delivered",
    "merchant_order",
    "on_payment_failed",
    "on_payment_succeeded",
    "orders_by_ids",
    "orders_paid_since",
    "paid_orders",
    "pay_in_sandbox",
    "place_checkout",
    "place_flash_checkout",
    "promotion_figures",
    "quote_cart",
    "realert",
    "reconcile_checkout",
    "refund_lines",
    "refunds_of",
    "release_case",
    "resume_payment",
    "sale_records",
    "save_template",
    "search_pages",
    "ship_order",
    "shop_orders",
    "shopper_order",
    "shopper_orders",
    "shoppers_of",
    "shops_of",
    "sibling_orders",
    "status_counts",
    "sweep_overdue_checkouts",
    "template_for",
    "templates_for",
    "unacknowledged",
    "update_address",
    "whole_refund",
]
