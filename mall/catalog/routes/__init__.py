"""Catalog pages and API: operator categories, merchant attributes and products, /api/v1 products and
categories. Merchant handlers always scope by request.ctx.shop_id (from the session user)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("catalog")

from mall.catalog.routes import api, attributes, categories, products  # noqa: E402  (registers the handlers)

__all__ = ["api", "attributes", "bp", "categories", "products"]
