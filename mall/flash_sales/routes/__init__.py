"""Flash-sale pages and API: the JSON API v1 (api.py), the shoppers' deals and sale pages (pages.py)
and the merchant, marketer and operator consoles (console*.py)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("flash_sales")

from mall.flash_sales.routes import api, console, console_units, pages  # noqa: E402  (registers the handlers)

__all__ = ["api", "bp", "console", "console_units", "pages"]
