"""Flash-sale background jobs (saq); each is safe to run twice. ctx["c"] is the app's Container."""

from __future__ import annotations

from mall.flash_sales import services


async def flash_end_sale(ctx, *, sale_id: str) -> int:
    return await services.end_sale(ctx["c"], sale_id)


async def flash_expire_holds(ctx) -> int:
    return await services.expire_all_holds(ctx["c"])


JOBS = [flash_end_sale]
# Every minute: expired holds give their units back (reservations also work without it: the pool only
# grows back later); sales whose end job was lost are ended.
CRON = [(flash_expire_holds, "* * * * *")]
