"""(pages come next)"""

from __future__ import annotations

from mall.reviews.routes import bp  # noqa: F401
