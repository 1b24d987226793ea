"""Flash-sale pages and API: the JSON API v1 (api.py); the deals and sale pages and the merchant,
marketer and operator consoles come as their own modules."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("flash_sales")

from mall.flash_sales.routes import api, console  # noqa: E402  (register the handlers: JSON API, staff consoles)

__all__ = ["api", "bp", "console"]
