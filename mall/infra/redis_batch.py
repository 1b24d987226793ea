"""Commands sent together: every call made while the event loop is busy goes to Redis in ONE pipeline
(one write, one read, one pooled connection), instead of one round trip each.

Each command (and each script) still runs atomically on its own keys, in the order it was called; only
the transport is shared. Under a crowd (a flash sale opening) this keeps redis-py's per-command cost
from dominating; with a single caller it is a pipeline of one.

On a single Redis the batch is packed by hiredis (C; redis-py's asyncio client packs in Python, about
20 µs for a reservation's 20 arguments) and written to one pooled connection, retried once on a connection
that a restart closed, as redis-py's own pipeline is. Answers are the server's replies as they come (redis-py's
per-command reshaping is skipped): use it for commands whose plain reply is the answer (GET, HGET, HMGET,
PTTL, scripts). A Redis Cluster client goes through its own pipeline, which sends each command to the node of
its keys' slot."""

from __future__ import annotations

import asyncio

import hiredis
from redis.asyncio import Redis
from redis.exceptions import NoScriptError, ResponseError


def shared(redis) -> RedisBatcher:
    """The one batcher of this Redis client: every store that batches shares its round trips (a page's session,
    holds and bell count; a crowd's tokens and reservations go out together)."""
    batch = getattr(redis, "_mall_batcher", None)
    if batch is None:
        batch = RedisBatcher(redis)
        redis._mall_batcher = batch
    return batch


class RedisBatcher:
    def __init__(self, redis, *, max_batch: int = 256):
        self.redis = redis
        self.max_batch = max_batch
        self.direct = type(redis) is Redis  # one server (not a cluster, nor a test's stand-in)
        self._waiting: list[tuple[tuple, object, asyncio.Future]] = []
        self._flushing = False
        self._sending: set[asyncio.Task] = set()  # strong references until each pipeline is answered

    async def get(self, key: str):
        return await self._queue(("GET", key), None)

    async def hgetall(self, key: str) -> dict:
        """HGETALL as a dict (a single server answers a flat list; a cluster's pipeline, a dict)."""
        found = await self._queue(("HGETALL", key), None)
        return found if isinstance(found, dict) else dict(zip(found[::2], found[1::2], strict=True))

    async def command(self, *command):
        """One command whose plain reply is the answer (see above)."""
        return await self._queue(command, None)

    async def many(self, *commands: tuple) -> list:
        """Several commands in the same round trip; each answer, or the error of that command, in order."""
        futures = [self._enqueue(command, None) for command in commands]
        return list(await asyncio.gather(*futures, return_exceptions=True))

    async def each(self, *commands: tuple) -> list:
        """Several commands in the same round trip; every answer, in order, or the first command's error raised."""
        answers = await self.many(*commands)
        for answer in answers:
            if isinstance(answer, Exception):
                raise answer
        return answers

    async def script(self, script, keys: list, args: list):
        """The script's answer, as `await script(keys=keys, args=args)` would give it."""
        return await self._queue(("EVALSHA", script.sha, len(keys), *keys, *args), (script, keys, args))

    async def _queue(self, command: tuple, retry):
        return await self._enqueue(command, retry)

    def _enqueue(self, command: tuple, retry) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append((command, retry, future))
        if not self._flushing:
            self._flushing = True
            loop.call_soon(self._flush)
        return future

    def _flush(self) -> None:
        self._flushing = False
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            task = asyncio.ensure_future(self._send(batch))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, batch) -> None:
        try:
            commands = [command for command, _retry, _future in batch]
            answers = await (self._direct(commands) if self.direct else self._pipeline(commands))
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

    async def _pipeline(self, commands: list[tuple]) -> list:
        async with self.redis.pipeline(transaction=False) as pipe:
            for command in commands:
                pipe.execute_command(*command)
            return await pipe.execute(raise_on_error=False)

    async def _direct(self, commands: list[tuple]) -> list:
        packed = b"".join(hiredis.pack_command(command) for command in commands)
        pool = self.redis.connection_pool
        connection = await pool.get_connection()
        try:
            return await connection.retry.call_with_retry(
                lambda: _exchange(connection, packed, len(commands)), lambda _error: connection.disconnect()
            )
        except BaseException:
            await connection.disconnect(nowait=True)  # replies may be left unread: never reuse it as it is
            raise
        finally:
            await pool.release(connection)


async def _exchange(connection, packed: bytes, count: int) -> list:
    await connection.send_packed_command(packed, check_health=False)
    answers = []
    for _ in range(count):
        try:
            answers.append(await connection.read_response())
        except ResponseError as exc:  # this command's error; the next replies follow
            answers.append(exc)
    return answers
