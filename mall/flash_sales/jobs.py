"""Flash-sale background jobs (saq); each is safe to run twice. ctx["c"] is the app's Container."""

from __future__ import annotations

from mall.flash_sales import services


async def flash_open_sale(ctx, *, sale_id: str) -> bool:
    return await services.open_sale(ctx["c"], sale_id)


async def flash_close_sale(ctx, *, sale_id: str) -> bool:
    return await services.close_sale(ctx["c"], sale_id)


async def flash_end_sale(ctx, *, sale_id: str) -> int:
    return await services.end_sale(ctx["c"], sale_id)


async def flash_sweep(ctx) -> int:
    return await services.sweep(ctx["c"])


JOBS = [flash_open_sale, flash_close_sale, flash_end_sale]
# Every minute: expired holds give their units back (reservations release them too, as they pass),
# and every step a lost job did not do is done (open, close, settle, repair).
CRON = [(flash_sweep, "* * * * *")]
