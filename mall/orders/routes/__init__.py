"""Order pages and API: checkout, the shopper's orders and address book, the merchant's
orders and shipping fees, the operator's order search, and /api/v1 checkout and orders."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("orders")

from mall.orders.routes import addresses, api, merchant, operator, shopper  # noqa: E402  (registers the handlers)

__all__ = ["addresses", "api", "bp", "merchant", "operator", "shopper"]
