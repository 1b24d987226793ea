"""What the promotions domain announces on c.events, after its write succeeded.

promo.changed: what prices could change now. scope "shop" (shop_id) or "platform" (campaign_id or
coupon_id); reason started | ended | paused | resumed | stopped | entries | scheduled | changed, or one of
STAFF_ONLY (nothing a shopper sees changed: a draft, an entry waiting for an operator); product_ids when known.
Pages that show prices refresh themselves; no price is in the message."""

from __future__ import annotations

CHANGED = "promo.changed"
STAFF_ONLY = frozenset({"drafted", "entered"})


def changed(scope: str, reason: str, **ids) -> dict:
    return {"scope": scope, "reason": reason, **ids}
