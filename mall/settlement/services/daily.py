"""The daily run: catch up what events missed, then one statement job per due shop (key: shop and period)."""

from __future__ import annotations

import logging

from mall.settlement.services.intake import catch_up
from mall.settlement.services.payouts import repair
from mall.settlement.services.statements import due_shops, period_of

log = logging.getLogger("mall.settlement")


async def run_daily(c) -> list[str]:
    """Enqueue `issue_statement` for every shop with something to settle or pay; the shops it enqueued for.
    A queue that cannot be reached is logged: the next run (or the sweep) issues what is left."""
    await catch_up(c)
    await repair(c)
    period = period_of(c)
    shops = await due_shops(c)
    for shop_id in shops:
        try:
            await c.queue.enqueue(
                "issue_statement", key=f"statement:{shop_id}:{period}", retries=3, shop_id=shop_id, period=period
            )
        except Exception:
            log.exception("could not enqueue the statement of shop %s for %s", shop_id, period)
    return shops
