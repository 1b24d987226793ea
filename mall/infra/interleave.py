"""mall's handle on a database: the driver's (or mongomock-motor's) objects behind a thin proxy that does
two things the code everywhere else must not have to think about.

Index conflicts (any database): `create_index` on a database that already holds an older version of an
index (other options, or another index under the name) does not stop the server: the conflict is logged
with what to migrate (see mall.infra.indexes) and start-up goes on.

Interleaving (the embedded database only). mongomock-motor runs every call to the end without ever
handing control back to the event loop, so two requests can never meet half-way through a read-then-write:
a race that a real MongoDB (a network round trip per call) produces daily never happens in a test. With
interleaving on, every call yields to the event loop before it is sent and after its answer (each call
itself stays atomic, as one document's write is on a real server), and so does a cursor before its first
document:

- "off": as mongomock-motor is (the default of the embedded mall);
- "yield": one turn of the event loop around every call (the test suite);
- "random": a random number of turns, now and then a millisecond or two, and turns between a cursor's
  documents (a stress mode, seeded so a failing run replays)."""

from __future__ import annotations

import asyncio
import inspect
import random

from mall.infra.indexes import create_index_or_report

MODES = ("off", "yield", "random")
TURNS = (0, 0, 1, 1, 2, 3, 5, 8)  # "random": how many turns of the loop a pause takes
NAP = 0.002  # seconds: at most this long, one pause in NAP_ONE_IN (so a socket can answer meanwhile)
NAP_ONE_IN = 25


class Interleaving:
    def __init__(self, mode: str = "yield", seed: int | None = None):
        if mode not in MODES:
            raise ValueError(f"mongo_interleave must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.random = random.Random(seed)

    async def pause(self) -> None:
        if self.mode == "yield":
            await asyncio.sleep(0)
            return
        if self.random.randrange(NAP_ONE_IN) == 0:
            await asyncio.sleep(self.random.uniform(0, NAP))
        for _ in range(self.random.choice(TURNS)):
            await asyncio.sleep(0)

    async def between_documents(self) -> None:
        if self.mode == "random" and self.random.randrange(4) == 0:
            await asyncio.sleep(0)


def handle(db, interleave: str = "off", *, seed: int | None = None):
    """`db` behind the proxy; its calls yield to the event loop as `interleave` says (embedded only)."""
    loop = Interleaving(interleave, seed)
    return Database(db, loop if loop.mode != "off" else None)


class _Proxy:
    """Forwards everything to the wrapped object; with interleaving, its coroutine methods pause around."""

    def __init__(self, inner, loop: Interleaving | None):
        self._inner = inner
        self._loop = loop

    def __getattr__(self, name: str):
        attr = getattr(self._inner, name)
        if self._loop is not None and inspect.iscoroutinefunction(attr):
            attr = self._paused(attr)
        if not isinstance(self, Cursor):
            self.__dict__[name] = attr  # looked up once per proxy
        return attr

    def _paused(self, method):
        pause = self._loop.pause

        async def call(*args, **kwargs):
            await pause()
            try:
                return await method(*args, **kwargs)
            finally:
                await pause()

        return call


class Database(_Proxy):
    index_problems: list[str]

    def __init__(self, inner, loop: Interleaving | None):
        super().__init__(inner, loop)
        self.index_problems = []  # what create_index could not do (logged too): migrations to run

    def __getitem__(self, name: str):
        return Collection(self._inner[name], self._loop, self)

    def get_collection(self, name: str, *args, **kwargs):
        return Collection(self._inner.get_collection(name, *args, **kwargs), self._loop, self)

    def aggregate(self, *args, **kwargs):
        return Cursor(self._inner.aggregate(*args, **kwargs), self._loop)


class Collection(_Proxy):
    def __init__(self, inner, loop: Interleaving | None, database: Database):
        super().__init__(inner, loop)
        self._database = database

    async def create_index(self, keys, **options):
        create = self._paused(self._inner.create_index) if self._loop else self._inner.create_index
        return await create_index_or_report(self._inner, create, keys, options, self._database.index_problems)

    def find(self, *args, **kwargs):
        return Cursor(self._inner.find(*args, **kwargs), self._loop)

    def aggregate(self, *args, **kwargs):
        return Cursor(self._inner.aggregate(*args, **kwargs), self._loop)

    def list_indexes(self, *args, **kwargs):
        return Cursor(self._inner.list_indexes(*args, **kwargs), self._loop)


class Cursor(_Proxy):
    """A cursor's query is sent with its first document: the pause comes then, as a real server's round trip."""

    _sent = False

    def __getattr__(self, name: str):
        attr = super().__getattr__(name)
        if callable(attr) and not inspect.iscoroutinefunction(attr):
            return self._chained(attr)
        return attr

    def _chained(self, method):
        def call(*args, **kwargs):  # sort, skip, limit... return the cursor itself: keep it wrapped
            result = method(*args, **kwargs)
            return self if result is self._inner else result

        return call

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._loop is None:
            return await self._inner.__anext__()
        if not self._sent:
            self._sent = True
            await self._loop.pause()
        else:
            await self._loop.between_documents()
        try:
            return await self._inner.__anext__()
        except StopAsyncIteration:
            await self._loop.pause()
            raise

    next = __anext__

    def clone(self):
        return Cursor(self._inner.clone(), self._loop)
