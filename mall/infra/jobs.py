"""The job queue: saq on Redis. Jobs are plain async functions `job(ctx, **kw)`
where ctx["c"] is the app's Container; enqueue with a `key` to deduplicate."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis
from saq import Worker
from saq.queue.redis import RedisQueue

log = logging.getLogger("mall.jobs")


def make_queue(redis_url: str, name: str = "mall") -> RedisQueue:
    """saq refuses unix:// URLs, so build the client ourselves (bytes, not str)."""
    if redis_url.startswith("unix://"):
        client = Redis(unix_socket_path=redis_url[len("unix://") :])
    else:
        client = Redis.from_url(redis_url)
    return RedisQueue(client, name=name)


def make_worker(queue: RedisQueue, functions: list, container, concurrency: int = 10, cron_jobs=None) -> Worker:
    async def startup(ctx):
        ctx["c"] = container

    return Worker(queue, functions, concurrency=concurrency, startup=startup, cron_jobs=cron_jobs or [])


async def run_in_background(worker: Worker) -> asyncio.Task:
    """Embedded mode: the worker shares the web process and its event loop.
    It must not take SIGINT/SIGTERM from Sanic, which stops it on shutdown."""
    worker.SIGNALS = []
    task = asyncio.create_task(worker.start(), name="saq-worker")
    task.add_done_callback(_report_crash)
    return task


def _report_crash(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception():
        log.error("job worker stopped", exc_info=task.exception())
