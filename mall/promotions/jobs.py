"""Promotion jobs (saq); each is safe to run twice or on several workers. ctx["c"] is the app's Container."""

from __future__ import annotations

from mall.promotions import services


async def promo_announce(ctx, *, what: str, item_id: str, edge: str) -> bool:
    return await services.announce_edge(ctx["c"], what, item_id, edge)


async def promo_campaign_step(ctx, *, campaign_id: str) -> str | None:
    return await services.step_campaign(ctx["c"], campaign_id)


async def promo_sweep(ctx) -> int:
    return await services.sweep(ctx["c"])


JOBS = [promo_announce, promo_campaign_step]
CRON = [(promo_sweep, "* * * * *")]
