"""Finance pages and API: the merchant's finance (merchant.py), the operators' finance and commission rules
(operator.py), the JSON API v1 (api.py), the payout provider's webhook and the live alerts' fragments (hooks.py)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("settlement")

from mall.settlement.routes import api, hooks, merchant, operator  # noqa: E402  (registers the handlers)

__all__ = ["api", "bp", "hooks", "merchant", "operator"]
