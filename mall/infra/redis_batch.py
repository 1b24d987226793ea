"""Commands sent together: every call made while the event loop is busy goes to Redis in ONE pipeline
(one write, one read, one pooled connection), instead of one round trip each.

Each command (and each script) still runs atomically on its own keys, in the order it was called; only
the transport is shared. Under a crowd (a flash sale opening) this keeps redis-py's per-command cost
from dominating; with a single caller it is a pipeline of one."""

from __future__ import annotations

import asyncio

from redis.exceptions import NoScriptError


class RedisBatcher:
    def __init__(self, redis, *, max_batch: int = 256):
        self.redis = redis
        self.max_batch = max_batch
        self._waiting: list[tuple[tuple, object, asyncio.Future]] = []
        self._flushing = False
        self._sending: set[asyncio.Task] = set()  # strong references until each pipeline is answered

    async def get(self, key: str):
        return await self._queue(("GET", key), None)

    async def script(self, script, keys: list, args: list):
        """The script's answer, as `await script(keys=keys, args=args)` would give it."""
        return await self._queue(("EVALSHA", script.sha, len(keys), *keys, *args), (script, keys, args))

    async def _queue(self, command: tuple, retry):
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append((command, retry, future))
        if not self._flushing:
            self._flushing = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._flushing = False
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            task = asyncio.ensure_future(self._send(batch))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, batch) -> None:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for command, _retry, _future in batch:
                    pipe.execute_command(*command)
                answers = await pipe.execute(raise_on_error=False)
        except Exception as exc:  # the connection failed: every caller hears it
            for *_rest, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_command, retry, future), answer in zip(batch, answers, strict=True):
            if isinstance(answer, NoScriptError) and retry is not None:  # Redis lost its scripts (a restart)
                script, keys, args = retry
                try:
                    answer = await script(keys=keys, args=args)  # loads it again
                except Exception as exc:
                    answer = exc
            if future.done():
                continue
            if isinstance(answer, Exception):
                future.set_exception(answer)
            else:
                future.set_result(answer)
