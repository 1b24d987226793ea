"""A sale pauses while its shop is suspended: the shop's status is the truth (asked of the shops domain),
Redis keeps a `paused` flag on each loaded sale so the reservation script refuses without a MongoDB read.

The flag is set when the shop is suspended or reinstated (lifecycle.py hears the shops' events), written
again whenever Redis loads a sale, and repaired by the minutely sweep, so a crash between the shop's write
and its sales' flags is healed within a minute. Pausing moves no unit: remaining + held + sold stay as they
were, holds lapse as usual."""

from __future__ import annotations

from mall.flash_sales import events
from mall.flash_sales.models import FlashSale, Status
from mall.flash_sales.services.common import announce, log
from mall.shops import services as shops_services

LOADED = (Status.SCHEDULED, Status.EDITING, Status.ALLOCATING)  # the sales Redis may hold


async def closed_shops(c, shop_ids) -> set[str]:
    """Which of these shops may not sell now (suspended, or gone)."""
    wanted = sorted(set(shop_ids))
    found = await shops_services.shops_by_ids(c.shops, wanted) if wanted else {}
    return {shop_id for shop_id in wanted if shop_id not in found or not found[shop_id].is_public}


async def is_paused(c, sale: FlashSale) -> bool:
    """The sale's shop is suspended: it is neither listed nor sold until the shop is reinstated."""
    return bool(await closed_shops(c, [sale.shop_id]))


async def set_paused(c, sales: list[FlashSale], paused: bool) -> int:
    """Flag each loaded sale in Redis and tell open pages and consoles. -> sales Redis held."""
    flagged = 0
    for sale in sales:
        flagged += await c.flash_store.pause(sale.id, paused)
        await announce(c, events.PAUSED if paused else events.RESUMED, sale)
    return flagged


async def sync_pauses(c, sales: list[FlashSale]) -> int:
    """The sweep's repair: every loaded sale's flag agrees with its shop's status now. -> flags changed."""
    sales = [s for s in sales if s.status in LOADED]
    closed = await closed_shops(c, [s.shop_id for s in sales])
    figures = await c.flash_store.figures_many([s.id for s in sales])
    wrong = [s for s in sales if s.id in figures and bool(figures[s.id]["paused"]) != (s.shop_id in closed)]
    for sale in wrong:
        log.warning("flash sale %s: paused flag disagreed with its shop's status; repaired", sale.id)
        await set_paused(c, [sale], sale.shop_id in closed)
    return len(wrong)
