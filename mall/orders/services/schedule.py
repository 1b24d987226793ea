"""Timed transitions go through the saq queue: one job per (job, object), deduplicated by key."""

from __future__ import annotations

import logging
from datetime import datetime

from mall.orders.models import TimelineEntry

RETRIES = 3
log = logging.getLogger("mall.orders")


async def schedule(c, function: str, when: datetime, key: str, **kwargs) -> bool:
    """Run `function` (a name in mall.worker.JOBS) at `when`; the same key again is ignored.

    A queue that cannot be reached is logged, not raised: the write before it stands, and the
    next lock holder of the checkout (a retry, the shopper, the other jobs) repairs what is left."""
    try:
        await c.queue.enqueue(function, key=key, scheduled=int(when.timestamp()), retries=RETRIES, **kwargs)
    except Exception:
        log.exception("could not schedule %s (%s)", function, key)
        return False
    return True


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
