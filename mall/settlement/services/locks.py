"""Leases: statement issue and payout approval of one shop take turns; two refunds of one order are reversed one
after the other (each reads what the previous took back). A dead holder's lease runs out."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from mall.infra.ids import token

LEASE = timedelta(seconds=120)


class Busy(Exception):
    """Someone else holds the lease right now."""


@contextlib.asynccontextmanager
async def lease(c, name: str, tries: int = 40):
    mine = token(12)
    for attempt in range(tries):
        now = c.clock.now()
        if await c.statements.lock(name, mine, now, now + LEASE):
            break
        if attempt == tries - 1:
            raise Busy()
        await asyncio.sleep(0.05)
    try:
        yield
    finally:
        await c.statements.unlock(name, mine)


def shop_lock(c, shop_id: str):
    return lease(c, f"shop:{shop_id}")


def order_lock(c, order_id: str):
    return lease(c, f"order:{order_id}")
