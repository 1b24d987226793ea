"""Units sold over a sale's window, for the consoles' chart. A sample is taken whenever the sale announces
a stock change (flash.stock, at most 4 a second), one value per time bucket: a sale has at most BUCKETS
samples whatever its length. Samples are a picture, not the truth (that is the orders): losing them loses
the curve, never a unit."""

from __future__ import annotations

from datetime import datetime, timedelta

from mall.flash_sales import events
from mall.flash_sales.models import FlashSale

BUCKETS = 60
MIN_BUCKET = timedelta(seconds=5)
KEEP = timedelta(days=30)


def bucket_width(sale: FlashSale) -> timedelta:
    return max(MIN_BUCKET, (sale.ends_at - sale.starts_at) / BUCKETS)


def bucket_of(sale: FlashSale, when: datetime) -> int:
    return min(BUCKETS - 1, max(0, int((when - sale.starts_at) / bucket_width(sale))))


async def record_sample(c, sale_id: str) -> None:
    sale = await c.flash_sales.get(sale_id)
    figures = await c.flash_store.figures(sale_id) if sale else None
    if sale is None or figures is None:
        return
    now = c.clock.now()
    ttl = (sale.ends_at - now + KEEP).total_seconds()
    await c.flash_store.add_sample(sale.id, bucket_of(sale, now), figures["sold"], int(ttl))


async def sold_series(c, sale: FlashSale, *, sold_now: int | None = None) -> list[tuple[int, int]]:
    """[(x, units sold by then)]: x runs from 0 (the start) to BUCKETS (the end), up to now; buckets
    without a sample carry the last value. `sold_now` (the live figure) ends the line: the last change
    may have come too soon after a sample to announce itself. [] before the start."""
    now = c.clock.now()
    if now < sale.starts_at:
        return []
    taken = await c.flash_store.samples(sale.id)
    points, sold = [(0, 0)], 0
    for bucket in range(bucket_of(sale, min(now, sale.ends_at)) + 1):
        sold = max(sold, taken.get(bucket, sold))
        points.append((bucket + 1, sold))
    if sold_now is not None:
        points[-1] = (points[-1][0], max(sold, sold_now))
    return points


def install(c) -> None:
    """Take a sample whenever a sale's stock changes (wired in mall.bootstrap)."""

    async def on_stock(_name: str, payload: dict) -> None:
        await record_sample(c, payload["sale_id"])

    c.events.subscribe(events.STOCK, on_stock)
