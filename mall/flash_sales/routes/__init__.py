"""Flash-sale pages and API: the JSON API v1 (api.py), the shopper's deals and sale pages (pages.py);
the merchant, marketer and operator consoles come as their own modules."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("flash_sales")

from mall.flash_sales.routes import api, pages  # noqa: E402  (registers the handlers)

__all__ = ["api", "bp", "pages"]
