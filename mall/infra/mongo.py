"""The one place that creates a MongoDB client: motor for a real server,
mongomock-motor in memory when no URL is configured. Swapping motor for
PyMongo's AsyncMongoClient is a change to this file only."""

from __future__ import annotations


def connect(mongo_url: str, db_name: str):
    """Return (client, database). Empty URL -> embedded in-memory database."""
    if mongo_url:
        from motor.motor_asyncio import AsyncIOMotorClient

        client = AsyncIOMotorClient(mongo_url, tz_aware=True)
    else:
        from mongomock_motor import AsyncMongoMockClient

        _index_ids_in_mongomock()
        _bulk_writes_in_mongomock()
        client = AsyncMongoMockClient(tz_aware=True)
    return client, client[db_name]


def close(client) -> None:
    closer = getattr(client, "close", None)
    if callable(closer):
        closer()


async def drop_all(db) -> None:
    """Drop every collection (tests and `seed --reset`)."""
    for name in await db.list_collection_names():
        await db.drop_collection(name)


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
