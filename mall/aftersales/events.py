"""What after-sales announces on c.events, after the write succeeded.

aftersales.changed: case_id, number, order_id, shop_id, user_id, status, previous, action, actor
  (previous is None when the case was just opened)"""

from __future__ import annotations

CASE_CHANGED = "aftersales.changed"


def case_payload(case, previous, action, actor) -> dict:
    return {
        "case_id": case.id,
        "number": case.number,
        "order_id": case.order_id,
        "shop_id": case.shop_id,
        "user_id": case.user_id,
        "status": str(case.status),
        "previous": str(previous) if previous is not None else None,
        "action": str(action),
        "actor": str(actor),
    }
