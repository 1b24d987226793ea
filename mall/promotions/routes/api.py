"""api routes of the promotions domain (see routes/__init__.py)."""

from __future__ import annotations

from mall.promotions.routes import bp  # noqa: F401
