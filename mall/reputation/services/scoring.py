"""Computing a shop's health score: every component measured over the window, scored, weighted, stored with
its explanation; a shop that falls below `health_warning_score` is warned once (when it crosses), naming the
component that cost it the most. Run by a job per shop per hour (unique key) and on demand."""

from __future__ import annotations

import logging
from datetime import timedelta

from mall.reputation import events
from mall.reputation.components import COMPONENTS, Sources
from mall.reputation.models import Health, HealthStatus, overall, scored
from mall.shops import services as shops

log = logging.getLogger("mall.reputation")
PAGE = 100


async def compute(c, shop_id: str) -> Health:
    s = c.settings
    now = c.clock.now()
    sources = Sources(c, shop_id, now - timedelta(days=s.health_window_days), s.health_window_days)
    components = [scored(component, await component.measure(sources)) for component in COMPONENTS]
    paid = (await sources.fulfilment()).paid
    new = paid < s.health_min_orders
    health = Health(
        shop_id=shop_id, status=HealthStatus.NEW if new else HealthStatus.RATED,
        score=None if new else overall(components), components=components, computed_at=now,
        window_days=s.health_window_days, orders=paid, min_orders=s.health_min_orders,
        warning_below=s.health_warning_score,
    )  # fmt: skip
    before = await c.health.save(health)
    await c.events.publish(events.COMPUTED, {"shop_id": shop_id, "score": health.score})
    if health.warned and not (before and before.warned):
        await _warn(c, health)
    return health


async def _warn(c, health: Health) -> None:
    shop = await shops.get_shop(c.shops, health.shop_id)
    weakest = health.weakest
    if shop is None:
        return
    await c.events.publish(
        events.WARNING,
        {"shop_id": shop.id, "owner_id": shop.owner_id, "score": health.score,
         "component": weakest.key if weakest else None},
    )  # fmt: skip


async def open_shop_ids(c) -> list[str]:
    ids, page = [], 1
    while True:
        found, total = await shops.list_public_shops(c.shops, page=page, per_page=PAGE)
        ids += [shop.id for shop in found]
        if page * PAGE >= total or not found:
            return ids
        page += 1


async def compute_all(c) -> int:
    """Every open shop now (the demo and the repair); returns how many."""
    done = 0
    for shop_id in await open_shop_ids(c):
        await compute(c, shop_id)
        done += 1
    return done


async def schedule_hourly(c) -> int:
    """The hourly cron: one job per open shop, keyed by shop and hour (several workers enqueue it once)."""
    hour = c.clock.now().strftime("%Y%m%d%H")
    queued = 0
    for shop_id in await open_shop_ids(c):
        try:
            await c.queue.enqueue("compute_health", key=f"health:{shop_id}:{hour}", shop_id=shop_id)
            queued += 1
        except Exception:
            log.exception("could not queue the health score of shop %s", shop_id)
    return queued
