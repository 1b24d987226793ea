"""After-sales pages and API: the shopper's requests (from the order page), the shop's cases, the operators'
disputes, /api/v1 after-sales, and the fragments live messages ask for."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("aftersales")

from mall.aftersales.routes import api, live, merchant, operator, shopper  # noqa: E402  (registers the handlers)

__all__ = ["api", "bp", "live", "merchant", "operator", "shopper"]
