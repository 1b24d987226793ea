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

    embedded_fixes()
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


def embedded_fixes() -> None:
    """What the embedded database needs to answer like a server, and about as fast (idempotent)."""
    _index_ids_in_mongomock()
    _bulk_writes_in_mongomock()
    _match_first_in_mongomock()
    _copy_only_the_page_in_mongomock()
    _group_by_hash_in_mongomock()


def _index_ids_in_mongomock() -> None:
    """mongomock scans (and deep-copies) every document of a collection for every query; a query on one `_id`
    (or a list of them, `$in`) looks those documents up instead, as a real server's _id index would. Same
    answers, only faster: a user or a checkout found by id costs microseconds, not milliseconds, at 5,000
    documents, and a shopper's coupon count among 600,000 no more."""
    from mongomock import filtering
    from mongomock.collection import Collection

    if getattr(Collection, "_mall_id_lookup", False):
        return
    scan = Collection._iter_documents

    def iter_documents(self, filter):
        key = filter.get("_id") if isinstance(filter, dict) else None
        if _plain_key(key):
            keys = [key]
        elif isinstance(key, dict) and list(key) == ["$in"] and all(_plain_key(k) for k in key["$in"]):
            keys = sorted(set(key["$in"]), key=str)  # a server's _id index hands them back in key order
        else:
            return scan(self, filter)
        store = self._store
        found = (store[k] for k in keys if k in store)
        return iter([document for document in found if filtering.filter_applies(filter, document)])

    def _plain_key(key) -> bool:
        return isinstance(key, str | int) and not isinstance(key, bool)

    Collection._iter_documents = iter_documents
    Collection._mall_id_lookup = True


def _bulk_writes_in_mongomock() -> None:
    """PyMongo 4.x hands bulk updates a `sort` option that mongomock 4.3 does not know (and no update here
    sorts): dropped, so `bulk_write` runs the same embedded as on a server."""
    from mongomock.collection import BulkOperationBuilder

    if getattr(BulkOperationBuilder, "_mall_accepts_sort", False):
        return
    add_update = BulkOperationBuilder.add_update

    def add_update_without_sort(self, selector, doc, multi=False, upsert=False, sort=None, **options):
        return add_update(self, selector, doc, multi, upsert, **options)

    BulkOperationBuilder.add_update = add_update_without_sort
    BulkOperationBuilder._mall_accepts_sort = True


def _match_first_in_mongomock() -> None:
    """mongomock starts every aggregation from a copy of the whole collection, and `distinct` from copies of
    whole documents; a pipeline that opens with `$match` (and a plain `$project` of fields) starts from copies of
    the matching documents' fields, and `distinct` copies only its field, as a server reads only what it needs
    through an index. Same answers."""
    from mongomock import aggregate
    from mongomock.collection import Collection

    if getattr(Collection, "_mall_match_first", False):
        return

    def plain(projection) -> bool:
        return all(value in (0, 1, True, False) for value in projection.values())

    def aggregate_matched_first(self, pipeline, session=None, **options):
        stages = list(pipeline)
        query = stages.pop(0)["$match"] if stages and list(stages[0]) == ["$match"] else {}
        fields = (
            stages.pop(0)["$project"]
            if stages and list(stages[0]) == ["$project"] and plain(stages[0]["$project"])
            else None
        )
        found = list(self.find(query, dict(fields) if fields else None))
        return aggregate.process_pipeline(found, self.database, stages, session)

    def distinct_of_fields(self, key, filter=None, session=None):
        return self.find(filter, {key: 1}).distinct(key, session=session)  # copies only that field

    Collection.aggregate = aggregate_matched_first
    Collection.distinct = distinct_of_fields
    Collection._mall_match_first = True


def _copy_only_the_page_in_mongomock() -> None:
    """mongomock copies every matching document of a find before it applies skip and limit; with a limit only
    the page is copied (the sort still sees every match). Same answers."""
    import itertools

    from mongomock import helpers
    from mongomock.collection import Cursor

    if getattr(Cursor, "_mall_page_only", False):
        return
    every = Cursor._compute_results

    def compute_results(self, with_limit_and_skip=False):
        if not (with_limit_and_skip and self._limit):
            return every(self, with_limit_and_skip)
        key = (self._factory, self._skip, self._limit)
        if getattr(self, "_mall_page_key", None) != key:
            page = itertools.islice(self._factory(), self._skip, self._skip + abs(self._limit))
            aware = self.collection.codec_options.tz_aware
            self._mall_page = [helpers.make_datetime_timezone_aware_in_document(d) if aware else d for d in page]
            self._mall_page_key = key
        return self._mall_page

    Cursor._compute_results = compute_results
    Cursor._mall_page_only = True


def _group_by_hash_in_mongomock() -> None:
    """mongomock's `$group` sorts every incoming document by its group key (comparing BSON-style, slowly) to
    group them; the documents are gathered per key instead and only the distinct keys are sorted, so the
    groups come out the same, in the same order."""
    from mongomock import aggregate, filtering

    handlers = aggregate._PIPELINE_HANDLERS
    if getattr(handlers["$group"], "_mall_hashed", False):
        return
    sorting = handlers["$group"]

    def canon(value):
        if isinstance(value, bool):
            return ("bool", value)  # True is not 1 in a group key
        if isinstance(value, dict):
            return ("doc", tuple(sorted((k, canon(v)) for k, v in value.items())))
        if isinstance(value, list):
            return ("list", tuple(canon(v) for v in value))
        hash(value)
        return value

    def group(in_collection, database, options):
        if not options.get("_id"):
            return sorting(in_collection, database, options)
        groups: dict = {}
        try:
            for doc in in_collection:
                try:
                    key = aggregate._parse_expression(options["_id"], doc, ignore_missing_keys=True)
                except KeyError:
                    key = None
                groups.setdefault(canon(key), (key, []))[1].append(doc)
        except TypeError:  # a key that cannot be hashed: mongomock's own way
            return sorting(in_collection, database, options)
        out = []
        for key, docs in sorted(groups.values(), key=lambda found: filtering.BsonComparable(found[0])):
            out.append({**aggregate._accumulate_group(options, docs), "_id": key})
        return out

    group._mall_hashed = True
    handlers["$group"] = group
