"""The one place that creates a MongoDB client: motor for a real server,
mongomock-motor in memory when no URL is configured. Swapping motor for
PyMongo's AsyncMongoClient is a change to this file only.

What a real server does that the embedded one never shows is handled here too: the database handle
(mall.infra.interleave) reports index conflicts instead of failing start-up and, embedded, can interleave
calls as a real server's round trips do; UNAVAILABLE names the errors of a failover (the web answers 503
with Retry-After); `idempotent` repeats a write that is safe to repeat; `duplicate_keys` says which unique
key a DuplicateKeyError hit, from either kind of error."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.errors import AutoReconnect, ConnectionFailure, DuplicateKeyError

from mall.infra.interleave import handle

T = TypeVar("T")
# No primary reachable, a primary that stepped down, a dropped connection or a timeout: an election takes
# seconds (the driver already retried a single-document write or a read once).
UNAVAILABLE = (ConnectionFailure,)
RETRIES = 3
BACKOFF = 0.05  # seconds, doubling (the driver itself waits for a new primary before each try)


def connect(mongo_url: str, db_name: str, *, interleave: str = "off", seed: int | None = None):
    """Return (client, database). Empty URL -> embedded in-memory database, which yields to the event loop
    around every call as `interleave` says ("off", "yield", "random": see mall.infra.interleave); a real
    server interleaves by itself."""
    if mongo_url:
        from motor.motor_asyncio import AsyncIOMotorClient

        client = AsyncIOMotorClient(mongo_url, tz_aware=True)
        return client, handle(client[db_name])
    from mongomock_motor import AsyncMongoMockClient

    _index_ids_in_mongomock()
    client = AsyncMongoMockClient(tz_aware=True)
    return client, handle(client[db_name], interleave, seed=seed)


async def idempotent(write: Callable[[], Awaitable[T]], *, retries: int = RETRIES, backoff: float = BACKOFF) -> T:
    """Run `write` again after a failover error, up to `retries` times. Only for writes that are safe to repeat
    (an update_many whose filter leaves out what it already changed, a $set): motor's retryable writes cover
    single-document writes, never update_many or delete_many."""
    for attempt in range(retries + 1):
        try:
            return await write()
        except AutoReconnect:
            if attempt == retries:
                raise
            await asyncio.sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")


INDEX_IN_MESSAGE = re.compile(r"index: (\S+) dup key")


def duplicate_keys(exc: DuplicateKeyError) -> set[str]:
    """The fields of the unique index a DuplicateKeyError hit, as far as the error says: a real server gives
    `keyPattern` (and names the index in its message); the embedded database may give nothing, or for an
    update the wrong index, so callers that can should ask the database which value is taken."""
    details = exc.details or {}
    if isinstance(details.get("keyPattern"), dict):
        return set(details["keyPattern"])
    found = INDEX_IN_MESSAGE.search(str(details.get("errmsg") or exc))
    if found is None:
        return set()
    parts = found.group(1).split("_")  # e.g. owner_id_1, shop_id_1_variants.sku_1
    return {"_".join(parts[i : j - 1]) for i, j in _fields_of(parts)}


def _fields_of(parts: list[str]):
    """(start, end) of each `field_direction` pair in an index name split at underscores."""
    start = 0
    for n, part in enumerate(parts):
        if part in ("1", "-1", "2dsphere", "text", "hashed") and n > start:
            yield start, n + 1
            start = n + 1


def close(client) -> None:
    closer = getattr(client, "close", None)
    if callable(closer):
        closer()


async def drop_all(db) -> None:
    """Drop every collection (tests and `seed --reset`)."""
    for name in await db.list_collection_names():
        await db.drop_collection(name)


def _index_ids_in_mongomock() -> None:
    """mongomock scans (and deep-copies) every document of a collection for every query; a query on
    one `_id` (or a list of them, `$in`) looks those documents up instead, as a real server's _id index
    would. Same answers, only faster: a user or a checkout found by id costs microseconds, not
    milliseconds, at 5,000 documents."""
    from mongomock import filtering
    from mongomock.collection import Collection

    if getattr(Collection, "_mall_id_lookup", False):
        return
    scan = Collection._iter_documents

    def iter_documents(self, filter):
        key = filter.get("_id") if isinstance(filter, dict) else None
        if isinstance(key, str | int) and not isinstance(key, bool):
            store = self._store
            document = store[key] if key in store else None  # noqa: SIM401 (the store has no get)
            if document is None or not filtering.filter_applies(filter, document):
                return iter(())
            return iter((document,))
        if isinstance(key, dict) and set(key) == {"$in"} and all(isinstance(k, str) for k in key["$in"]):
            store = self._store  # {"_id": {"$in": [...]}}: each one looked up, not the whole collection scanned
            found = (store[k] for k in dict.fromkeys(key["$in"]) if k in store)
            return iter([document for document in found if filtering.filter_applies(filter, document)])
        return scan(self, filter)

    Collection._iter_documents = iter_documents
    Collection._mall_id_lookup = True
