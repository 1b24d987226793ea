"""A Redis of the test's own, to kill and restart: a real redis-server process, never a mock. The suite's
shared Redis (conftest.py) stays untouched, so the other tests never see the fault."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import signal
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from mall.bootstrap import build
from mall.infra import mongo
from mall.infra import redis as redis_infra
from mall.infra.clock import FrozenClock


@asynccontextmanager
async def own_world(settings, *, server=None, supervised: bool = False):
    """(container, its EmbeddedRedis): an empty world on a redis-server of its own, served by `server` while
    the block runs; `supervised` keeps that server restarted as the app does."""
    directory = redis_infra.temporary_directory("mall-fault-")
    embedded = redis_infra.EmbeddedRedis(directory / "redis", fsync="always").start()  # every write kept
    watch = asyncio.create_task(embedded.supervise(every=0.02)) if supervised else None
    _client, db = mongo.connect("", f"fault_{os.urandom(4).hex()}", interleave=settings.mongo_interleave)
    redis = redis_infra.client(embedded.url)
    c = build(settings, db, redis, embedded.url, clock=FrozenClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC)))
    await c.ensure_indexes()
    previous = server.ctx.c if server is not None else None
    if server is not None:
        server.ctx.c = c
    try:
        yield c, embedded
    finally:
        if server is not None:
            server.ctx.c = previous
        if watch is not None:
            await stop_task(watch)
        await redis.aclose()
        embedded.stop()
        redis_infra.remove_directory(directory)


async def stop_task(task: asyncio.Task) -> None:
    """Cancel a background task and wait until it is gone (no test leaves one running)."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def kill(embedded) -> None:
    """kill -9 the server, as a crash would (reaped here, as the supervisor would)."""
    process = embedded.process
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


async def until(condition, *, rounds: int = 500) -> None:
    """Wait for a condition (never a fixed sleep): up to `rounds` turns of 10 ms."""
    for _ in range(rounds):
        met = condition()
        if inspect.isawaitable(met):
            met = await met
        if met:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")
