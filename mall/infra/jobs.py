"""The job queue: saq on Redis. Jobs are plain async functions `job(ctx, **kw)`
where ctx["c"] is the app's Container; enqueue with a `key` to deduplicate."""

from __future__ import annotations

import asyncio
import logging

from saq import Worker
from saq.queue.redis import RedisQueue

from mall.infra import redis as redis_infra

log = logging.getLogger("mall.jobs")
ON_CLUSTER = (
    "the job queue (saq) cannot run on a Redis Cluster: its Lua scripts and MULTI blocks touch keys of several "
    "hash slots (the queue's lists, each job's key, its abort key), which a cluster refuses, and it needs pub/sub "
    "from a client redis-py's cluster client does not offer. Set MALL_QUEUE_REDIS_URL to a plain Redis for the queue."
)


def make_queue(redis_url: str, name: str = "mall", *, worker: bool = False) -> RedisQueue:
    """saq refuses unix:// URLs, so build the client ourselves (bytes, not str). Enqueueing from a request
    fails fast when Redis is gone; a `worker`'s queue waits on its reads (see mall.infra.redis)."""
    if redis_infra.is_cluster(redis_url):
        raise ValueError(ON_CLUSTER)
    connect = redis_infra.listener if worker else redis_infra.client
    return RedisQueue(connect(redis_url, decode=False), name=name)


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
