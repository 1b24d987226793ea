"""Where rendered pages are kept: versions in Redis, entries in this process (an LRU bounded in bytes) and in
Redis (the tier every worker and machine shares).

A page's key carries the versions of what it shows, read from ONE Redis hash: a write bumps the version of its
collection (mall.infra.watch), so the next request computes another key and renders again; stale entries are
never looked up and simply age out. The hash also holds an epoch: if Redis loses its data, every key changes, so
a page kept in some worker's memory from before cannot come back. Reads of the versions made by requests that
arrive together share one round trip, issued after all of them arrived (so none reads older versions than
those of its arrival). Concurrent misses of one key render once (the others wait for that render)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

log = logging.getLogger("mall.pagestore")
VERSIONS = "pc:v"
EPOCH = "_epoch"
ENTRY = "pc:e:"
MAX_TTL = 3600  # seconds an entry stays in Redis at most (memory); its freshness is decided by its versions and times


class Coalesced:
    """Reads that requests make at the same moment, made once: every `get` called while the event loop is busy
    is answered by ONE `fetch(all the names asked)`, started on the loop's next turn (after all of them arrived,
    so none is answered with data older than its arrival)."""

    def __init__(self, fetch: Callable[[list[str]], Awaitable[dict]]):
        self.fetch = fetch
        self._wanted: set[str] = set()
        self._waiting: list[asyncio.Future] = []
        self._scheduled = False
        self._running: set[asyncio.Task] = set()

    async def get(self, names: Iterable[str]) -> dict:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._wanted.update(names)
        self._waiting.append(future)
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._start)
        return await future

    def _start(self) -> None:
        self._scheduled = False
        wanted, waiting = sorted(self._wanted), self._waiting
        self._wanted, self._waiting = set(), []
        task = asyncio.ensure_future(self._read(wanted, waiting))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _read(self, wanted: list[str], waiting: list[asyncio.Future]) -> None:
        try:
            answer = await self.fetch(wanted)
        except Exception as exc:
            for future in waiting:
                if not future.done():
                    future.set_exception(exc)
            return
        for future in waiting:
            if not future.done():
                future.set_result(answer)


class Versions:
    """Version counters in one Redis hash; `read` answers (epoch, {name: version})."""

    def __init__(self, redis):
        self.redis = redis
        self._reads = Coalesced(self._fetch)

    async def bump(self, names: Iterable[str]) -> None:
        names = sorted(set(names))
        if not names:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hincrby(VERSIONS, name, 1)
            await pipe.execute()

    async def read(self, names: tuple[str, ...]) -> tuple[str, tuple]:
        """(epoch, the version of each name, in the order asked; None for one never bumped)."""
        found = await self._reads.get(names)
        return found[EPOCH], tuple(map(found.get, names))

    async def _fetch(self, wanted: list[str]) -> dict:
        values = await self.redis.hmget(VERSIONS, [EPOCH, *wanted])
        if values[0] is None:  # a Redis without our hash: a new epoch, so nothing kept from before matches
            await self.redis.hsetnx(VERSIONS, EPOCH, secrets.token_hex(8))
            values[0] = await self.redis.hget(VERSIONS, EPOCH)
        return dict(zip([EPOCH, *wanted], values, strict=True))


def shared_key(key: tuple) -> str:
    """A page's key in Redis (in this process the tuple itself is the key)."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


class Stored(Protocol):
    size: int
    keep: bool

    def dump(self) -> str: ...


class PageStore:
    """Entries by key: this process's LRU (at most `max_bytes`), then Redis, then `make()` (once per key at a time)."""

    def __init__(self, redis, *, max_bytes: int, enabled: bool = True):
        self.redis = redis
        self.versions = Versions(redis)
        self.max_bytes = max_bytes
        self.enabled = enabled
        self.local: OrderedDict[tuple, Stored] = OrderedDict()
        self.bytes = 0
        self.pending: set[str] = set()
        self.memo = None  # what the storefront works out once per version (mall.storefront.freshness)
        self._making: dict[tuple, asyncio.Future] = {}

    async def bump(self, names: Iterable[str]) -> None:
        """After a write: what depended on `names` is not right any more. When Redis cannot be told, this worker
        drops what it keeps and renders every page (`usable` is False) until it could tell it."""
        wanted = self.pending | set(names)
        try:
            await self.versions.bump(wanted)
        except Exception:
            log.exception("page versions could not be bumped in Redis; this worker renders every page until they are")
            self.pending = wanted
            self.clear()
            return
        self.pending = set()

    @property
    def usable(self) -> bool:
        return self.enabled and not self.pending

    async def fetch(
        self,
        key: tuple,
        make: Callable[[], Awaitable[Stored | None]],
        *,
        load: Callable[[str], Stored],
        fresh: Callable[[Stored], bool],
        ttl: Callable[[Stored], int],
    ) -> tuple[Stored | None, bool]:
        """(entry, True when it was kept already). What `make` answers is kept unless its `keep` is False; those who
        waited for such an entry get None (and render their own)."""
        if not self.enabled:
            return await make(), False
        if self.pending:
            await self.bump(())
            if self.pending:
                return await make(), False
        entry = self.local.get(key)
        if entry is not None and fresh(entry):
            self.local.move_to_end(key)
            return entry, True
        if key in self._making:
            return await asyncio.shield(self._making[key]), True
        future = asyncio.get_running_loop().create_future()
        self._making[key] = future
        try:
            entry, kept = await self._shared(key, load, fresh), True
            if entry is None:
                entry, kept = await make(), False
                if entry.keep:
                    await self._share(key, entry, ttl(entry))
            if entry.keep:
                self._keep(key, entry)
            future.set_result(entry if entry.keep else None)
            return entry, kept
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here: the waiters (if any) raise it themselves
            raise
        finally:
            del self._making[key]

    async def _shared(self, key: tuple, load, fresh) -> Stored | None:
        try:
            raw = await self.redis.get(ENTRY + shared_key(key))
            entry = load(raw) if raw else None
        except Exception:
            log.exception("a page kept in Redis could not be read; rendering it again")
            return None
        return entry if entry is not None and fresh(entry) else None

    async def _share(self, key: tuple, entry: Stored, ttl: int) -> None:
        try:
            await self.redis.set(ENTRY + shared_key(key), entry.dump(), ex=max(1, min(MAX_TTL, ttl)))
        except Exception:
            log.exception("a page could not be kept in Redis (this worker still keeps it)")

    def _keep(self, key: tuple, entry: Stored) -> None:
        old = self.local.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        if entry.size > self.max_bytes:
            return
        self.local[key] = entry
        self.bytes += entry.size
        while self.bytes > self.max_bytes:
            _key, dropped = self.local.popitem(last=False)
            self.bytes -= dropped.size

    def clear(self) -> None:
        self.local.clear()
        self.bytes = 0
