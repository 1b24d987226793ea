"""The one place that creates a MongoDB client: motor for a real server,
mongomock-motor in memory when no URL is configured. Swapping motor for
PyMongo's AsyncMongoClient is a change to this file only."""

from __future__ import annotations

from mall.infra.interleave import handle


def connect(mongo_url: str, db_name: str, *, interleave: str = "off", seed: int | None = None):
    """Return (client, database). Empty URL -> embedded in-memory database, which yields to the event loop
    around every call as `interleave` says ("off", "yield", "random": see mall.infra.interleave); a real
    server interleaves by itself."""
    if mongo_url:
        from motor.motor_asyncio import AsyncIOMotorClient

        client = AsyncIOMotorClient(mongo_url, tz_aware=True)
        return client, client[db_name]
    from mongomock_motor import AsyncMongoMockClient

    _index_ids_in_mongomock()
    client = AsyncMongoMockClient(tz_aware=True)
    return client, handle(client[db_name], interleave, seed=seed)


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
    one `_id` looks that document up instead, as a real server's _id index would. Same answers, only
    faster: a user or a checkout found by id costs microseconds, not milliseconds, at 5,000 documents."""
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
        return scan(self, filter)

    Collection._iter_documents = iter_documents
    Collection._mall_id_lookup = True
