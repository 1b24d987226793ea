"""What the promotions domain announces on c.events, after its write succeeded.

promo.changed: what prices could change now. scope "shop" (shop_id) or "platform" (campaign_id or
coupon_id); reason started | ended | paused | resumed | stopped | entries; product_ids when known.
Pages that show prices refresh themselves; no price is in the message."""

from __future__ import annotations

CHANGED = "promo.changed"


def changed(scope: str, reason: str, **ids) -> dict:
    return {"scope": scope, "reason": reason, **ids}
