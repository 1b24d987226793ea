"""What the flash-sale domain announces on c.events, after its write succeeded.

flash.scheduled / flash.cancelled / flash.approval: sale_id, shop_id (a sale appeared, changed or went)
flash.paused / flash.resumed: sale_id, shop_id (its shop was suspended / reinstated: not listed nor sold meanwhile)
flash.opened: sale_id, shop_id (the start second passed; announced once)
flash.ended: sale_id, shop_id (the end second passed; announced once)
flash.stock: sale_id (its remaining count changed; at most once per STOCK_TICK_SECONDS per sale, see lua.py:
  whoever listens should read the count after that window closed, so the window's last change is seen)
flash.reminder: sale_id, user_id, product_id (this user asked to hear when the sale opens)"""

from __future__ import annotations

STOCK_TICK_SECONDS = 0.25

SCHEDULED = "flash.scheduled"
CANCELLED = "flash.cancelled"
APPROVAL = "flash.approval"
PAUSED = "flash.paused"
RESUMED = "flash.resumed"
OPENED = "flash.opened"
ENDED = "flash.ended"
STOCK = "flash.stock"
REMINDER = "flash.reminder"


def sale_payload(sale) -> dict:
    return {"sale_id": sale.id, "shop_id": sale.shop_id, "product_id": sale.product_id}
