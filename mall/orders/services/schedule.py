"""Timed transitions go through the saq queue: one job per (job, object), deduplicated by key."""

from __future__ import annotations

from datetime import datetime

from mall.orders.models import TimelineEntry

RETRIES = 3


async def schedule(c, function: str, when: datetime, key: str, **kwargs) -> None:
    """Run `function` (a name in mall.worker.JOBS) at `when`; the same key again is ignored."""
    await c.queue.enqueue(function, key=key, scheduled=int(when.timestamp()), retries=RETRIES, **kwargs)


def entry(c, actor, action, *, detail="", actor_id=None, amount=None, code=None) -> TimelineEntry:
    """A timeline record of who did what, now."""
    return TimelineEntry(
        at=c.clock.now(),
        actor=str(actor),
        action=str(action),
        detail=detail,
        actor_id=actor_id,
        amount=amount,
        code=str(code) if code else None,
    )
