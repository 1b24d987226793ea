"""A sale's timed steps and its repair. Each step is safe to run twice or on several workers:
opening and closing are announced once (a conditional write), the unsold units go home once
(a stock move id), and the minutely sweep repeats whatever a lost job did not do.

Truth: MongoDB orders say what sold (c.sold_ledger, the orders' flash lines); Redis holds what is
left and held. allocated = remaining + held + sold; after a Redis loss, `reconcile` rebuilds Redis
from the orders, dropping live holds: that may undersell for a while, never oversell."""

from __future__ import annotations

from mall.flash_sales import events
from mall.flash_sales.models import Status
from mall.flash_sales.services.buying import expire_holds
from mall.flash_sales.services.common import announce, log, settle_at
from mall.flash_sales.services.pauses import LOADED, is_paused, set_paused, sync_pauses
from mall.flash_sales.services.setup import repair
from mall.flash_sales.services.units import is_open, return_units
from mall.shops import events as shop_events


async def open_sale(c, sale_id: str) -> bool:
    """At the start second: announce it (once) and tell everyone who asked to be reminded. A paused sale
    (its shop suspended) opens when the shop is reinstated, if it still runs then."""
    sale = await c.flash_sales.get(sale_id)
    now = c.clock.now()
    if sale is None or not is_open(c, sale) or now < sale.starts_at or await is_paused(c, sale):
        return False
    first = await c.flash_sales.mark_once(sale.id, "opened_at", now)
    if first:
        await announce(c, events.OPENED, sale)
    while users := await c.flash_sales.take_due_reminders(sale.id, now):
        for user_id in users:
            await announce(c, events.REMINDER, sale, user_id=user_id)
    return first


async def close_sale(c, sale_id: str) -> bool:
    """At the end second: announce it (once). Holds taken before may still be paid until they expire."""
    sale = await c.flash_sales.get(sale_id)
    if sale is None or sale.status != Status.SCHEDULED or c.clock.now() < sale.ends_at:
        return False
    if not await c.flash_sales.mark_once(sale.id, "closed_at", c.clock.now()):
        return False
    await announce(c, events.ENDED, sale)
    return True


async def end_sale(c, sale_id: str) -> int:
    """Once the last hold taken before the end has expired: close Redis and return the unsold units
    (allocated - sold in MongoDB) to the SKU's stock, exactly once. -> units this call returned."""
    sale = await c.flash_sales.get(sale_id)
    if sale is None or sale.status not in (Status.SCHEDULED, Status.ENDED) or c.clock.now() < settle_at(c, sale):
        return 0
    await close_sale(c, sale_id)
    ended = await c.flash_sales.move(sale.id, only_from=(Status.SCHEDULED,), changes={"status": Status.ENDED})
    await c.flash_store.close(sale.id)
    return await return_units(c, ended or sale)


async def sweep(c) -> int:
    """The minutely safety net behind the timed jobs: repair abandoned steps and paused flags, open, announce the end,
    release expired holds, settle ended and cancelled sales. -> units released from expired holds."""
    now = c.clock.now()
    released = 0
    unsettled = await c.flash_sales.unsettled()
    try:
        await sync_pauses(c, unsettled)
    except Exception:
        log.exception("flash sales: repairing paused flags failed")
    for sale in unsettled:
        try:
            if sale.status in (Status.ALLOCATING, Status.EDITING):
                await repair(c, sale)
            elif sale.status == Status.CANCELLED:
                await return_units(c, sale)
            elif now >= settle_at(c, sale):
                await end_sale(c, sale.id)
            elif sale.status == Status.SCHEDULED and now >= sale.starts_at:
                if sale.opened_at is None and now < sale.ends_at:
                    await open_sale(c, sale.id)
                if sale.closed_at is None and now >= sale.ends_at:
                    await close_sale(c, sale.id)
                released += await expire_holds(c, sale.id)
        except Exception:
            log.exception("flash sale %s: sweep step failed", sale.id)
    return released


# --- the shop's suspension -------------------------------------------------------------------------------


async def pause_shop(c, shop_id: str) -> int:
    """The shop was suspended: its sales stop at once (not listed, nothing reserved or claimed). -> sales paused."""
    return await set_paused(c, await c.flash_sales.of_shop(shop_id, LOADED), True)


async def resume_shop(c, shop_id: str) -> int:
    """The shop was reinstated: its sales sell again while their window lasts; one that started meanwhile
    opens now (announced once, reminders sent). -> sales resumed."""
    sales = await c.flash_sales.of_shop(shop_id, LOADED)
    resumed = await set_paused(c, sales, False)
    for sale in sales:
        if sale.opened_at is None and sale.starts_at <= c.clock.now():
            await open_sale(c, sale.id)
    return resumed


def install(c) -> None:
    """Hear the shops' suspensions (called once by the composition root)."""

    async def suspended(_name: str, payload: dict) -> None:
        await pause_shop(c, payload["shop_id"])

    async def reinstated(_name: str, payload: dict) -> None:
        await resume_shop(c, payload["shop_id"])

    c.events.subscribe(shop_events.SHOP_SUSPENDED, suspended)
    c.events.subscribe(shop_events.SHOP_REINSTATED, reinstated)
