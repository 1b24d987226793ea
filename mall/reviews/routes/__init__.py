"""Review pages and API: the product page's reviews, the buyer's review and follow-up forms, helpful votes and
reports, the merchants' reviews and replies, the operators' report queue and the figures' repair."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("reviews")

from mall.reviews.routes import api, merchant, operator, pages  # noqa: E402  (registers the handlers)

__all__ = ["api", "bp", "merchant", "operator", "pages"]
