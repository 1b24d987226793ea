"""Settlement listens to the orders' events (it depends on them; nothing depends on it), and catches up from
MongoDB what an event missed (a crash, a handler that failed): postings are idempotent, so replay is harmless."""

from __future__ import annotations

import logging
from datetime import timedelta

from mall.orders import events as order_events
from mall.orders import services as orders
from mall.settlement.services import ledger
from mall.settlement.services.postings import post_paid, post_refund, settle_after

log = logging.getLogger("mall.settlement")
OVERLAP = timedelta(hours=1)  # each catch-up reads back this far past the last one
CANCEL_WINDOW = timedelta(days=30)  # paid orders read again for a cancel-and-refund the event missed


def install(c) -> None:
    async def status_changed(_name: str, p: dict) -> None:
        if p.get("status") not in ("paid", "completed"):
            return  # a cancel posts nothing of its own: its refund (order.refunded) reverses what the order earned
        try:
            order = await orders.any_order(c, order_id=p["order_id"])
        except orders.NotFound:
            return
        if p["status"] == "paid":
            await post_paid(c, order)
        else:
            await settle_after(c, order)

    async def refunded(_name: str, p: dict) -> None:
        await post_refund(c, p)

    c.events.subscribe(order_events.ORDER_STATUS_CHANGED, status_changed)
    c.events.subscribe(order_events.ORDER_REFUNDED, refunded)


async def catch_up(c, *, full: bool = False) -> int:
    """Post what the events missed: paid orders, whole-order refunds of cancelled orders, completed orders' lines
    made settleable, after applying entries a crash left unapplied. `full` reads every order; otherwise orders paid
    since the last run (and CANCEL_WINDOW before it) and completed since the last run. Returns how many postings."""
    now = c.clock.now()
    done = await ledger.repair(c)
    paid_since = await _since(c, "paid", full, CANCEL_WINDOW)
    async for order in orders.paid_orders(c, since=paid_since):
        done += await post_paid(c, order)
        if order.refund_id and order.refund_due:
            done += await post_refund(c, orders.whole_refund(order, order.refund_id))
    completed_since = await _since(c, "completed", full, timedelta(0))
    async for order in orders.completed_orders(c, since=completed_since):
        done += await settle_after(c, order)
    for name in ("paid", "completed"):
        await c.statements.set_mark(f"catch_up:{name}", now)
    if done:
        log.info("settlement catch-up posted %d", done)
    return done


async def _since(c, name: str, full: bool, extra: timedelta):
    """Where this catch-up starts reading: nowhere back (everything) when `full`; else the last run (the first run
    reads CANCEL_WINDOW back: older history is posted by `python -m mall finance check --catch-up`)."""
    if full:
        return None
    mark = await c.statements.mark(f"catch_up:{name}") or c.clock.now() - CANCEL_WINDOW
    return mark - OVERLAP - extra
