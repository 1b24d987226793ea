"""The reputation's jobs (saq): a shop's score (keyed per shop and hour), and the hourly cron that queues
them. ctx["c"] is the app's Container."""

from __future__ import annotations

from mall.reputation.services import scoring


async def compute_health(ctx, *, shop_id: str) -> int | None:
    return (await scoring.compute(ctx["c"], shop_id)).score


async def schedule_health_scores(ctx) -> int:
    return await scoring.schedule_hourly(ctx["c"])


JOBS = [compute_health]
CRON = [(schedule_health_scores, "7 * * * *")]  # every hour, a few minutes past
