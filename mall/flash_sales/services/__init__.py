"""Flash sales (限時搶購). `c` is the container (mall.bootstrap): c.flash_sales (MongoDB), c.flash_store
(Redis), c.sold_ledger (what orders say sold), c.products, c.clock, c.settings, c.queue, c.events.

Units of a sale: allocated (`quantity`, moved out of the SKU's stock once) = remaining + held + sold.
Called by other areas:
  reserve(c, sale_id, user_id, qty, ip=) -> Reservation           (the hot path: one Redis script)
  hold(c, reservation_id) -> Hold | None                            (orders: checkout from a reservation)
  claim_hold / release_hold / sell_hold(c, sale_id, hold_id, ...)   (orders: the checkout's flash line)
  is_paused(c, sale)                                                (its shop is suspended: nothing sells)
  live_holds(c, user_id) -> [LiveHold]                              (every page: a shopper's holds, one read)
The staff consoles: sales_in_state / state_counts / live_figures_many, sold_series (samples.py).
Jobs: open_sale, close_sale, end_sale (mall/flash_sales/jobs.py) and the minutely sweep."""

from __future__ import annotations

from mall.flash_sales.services.buying import (
    claim_hold,
    expire_holds,
    hold,
    live_holds,
    release_hold,
    reserve,
    sell_hold,
)
from mall.flash_sales.services.common import FlashSaleError
from mall.flash_sales.services.lifecycle import close_sale, end_sale, open_sale, pause_shop, resume_shop, sweep
from mall.flash_sales.services.pauses import is_paused
from mall.flash_sales.services.queries import (
    PER_PAGE,
    forget_reminder,
    get_sale,
    is_public,
    list_sales,
    live_figures,
    live_figures_many,
    public_sale,
    remaining,
    remaining_many,
    remaining_now,
    remind,
    reminded,
    reminder_count,
    sales_in_state,
    sales_page,
    state_counts,
)
from mall.flash_sales.services.samples import sold_series
from mall.flash_sales.services.setup import approve_sale, cancel_sale, create_sale, edit_sale, reject_sale
from mall.flash_sales.services.units import is_open, reconcile, return_units

__all__ = [
    "PER_PAGE",
    "FlashSaleError",
    "approve_sale",
    "cancel_sale",
    "claim_hold",
    "close_sale",
    "create_sale",
    "edit_sale",
    "end_sale",
    "expire_holds",
    "forget_reminder",
    "get_sale",
    "hold",
    "is_open",
    "is_paused",
    "is_public",
    "list_sales",
    "live_figures",
    "live_figures_many",
    "live_holds",
    "open_sale",
    "pause_shop",
    "public_sale",
    "reconcile",
    "reject_sale",
    "release_hold",
    "remaining",
    "remaining_many",
    "remaining_now",
    "remind",
    "reminded",
    "reminder_count",
    "reserve",
    "resume_shop",
    "return_units",
    "sales_in_state",
    "sales_page",
    "sell_hold",
    "sold_series",
    "state_counts",
    "sweep",
]
