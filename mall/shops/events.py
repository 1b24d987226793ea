"""What the shops domain announces (published on c.events after the write succeeded).

Shop payloads carry shop_id, shop_name and owner_id, plus the keys listed per event."""

from __future__ import annotations

SHOP_APPLIED = "shop.applied"  # a new or resubmitted application waits for an operator
SHOP_APPROVED = "shop.approved"
SHOP_REJECTED = "shop.rejected"  # + reason
SHOP_SUSPENDED = "shop.suspended"  # + reason
SHOP_REINSTATED = "shop.reinstated"
STAFF_INVITED = "shop.staff_invited"  # only: shop_id, invite_id, email, invitee_id (None if no account yet)


def payload(shop, **extra) -> dict:
    return {"shop_id": shop.id, "shop_name": shop.name, "owner_id": shop.owner_id, **extra}
