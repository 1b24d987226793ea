"""After-sales background jobs (saq): each a no-op when the case already moved. ctx["c"] is the Container."""

from __future__ import annotations

from mall.aftersales import services


async def aftersales_deadline(ctx, *, case_id: str, version: int | None = None) -> bool:
    return await services.act_on_deadline(ctx["c"], case_id, version)


async def sweep_aftersales(ctx) -> int:
    return await services.sweep(ctx["c"])


JOBS = [aftersales_deadline]
# Every minute (unique: one run at a time across workers).
CRON = [(sweep_aftersales, "* * * * *")]
