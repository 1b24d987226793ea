"""Promotion pages and API: the JSON API v1 (api.py), the merchants' promotions (merchant.py), the
marketers' console and the operators' entry approvals (marketing.py), and what shoppers see (pages.py)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("promotions")

from mall.promotions.routes import api, marketing, merchant, pages  # noqa: E402  (registers the handlers)

__all__ = ["api", "bp", "marketing", "merchant", "pages"]
