"""Catalog jobs (saq); safe to run twice or on several workers. ctx["c"] is the app's Container."""

from __future__ import annotations

from mall.catalog import services


async def catalog_sweep(ctx) -> int:
    """Finish every category rename whose products' search terms were left half rebuilt (a crash)."""
    c = ctx["c"]
    return await services.finish_reindexing(c.categories, c.products)


JOBS: list = []
CRON = [(catalog_sweep, "* * * * *")]
