"""A MongoDB database that says what it wrote: after every write to a watched collection succeeds, a
callback hears the collection's name and the one document id the write was aimed at (None when it was
aimed at several, or at whatever matched a query without `_id`).

The page cache builds on it (mall.storefront.freshness): a version per collection (and per product) is
bumped after each write, so a cached page never outlives what it shows. Because the hook sits where every
repository writes, no write path can forget to announce itself. Reads pass straight through."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("mall.watch")
OnWrite = Callable[[str, str | None], Awaitable[None]]

# Collection methods that change documents, and where the filter (or the new document) is in their arguments.
FILTERED = ("update_one", "update_many", "replace_one", "delete_one", "delete_many", "find_one_and_update",
            "find_one_and_replace", "find_one_and_delete")  # fmt: skip
MANY = ("insert_many", "bulk_write")


def aimed_at(spec) -> str | None:
    """The `_id` a filter (or an inserted document) names, when it names exactly one as a plain value."""
    value = spec.get("_id") if isinstance(spec, dict) else None
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


class WatchedCollection:
    def __init__(self, collection, on_write: OnWrite):
        self._collection = collection
        self._on_write = on_write
        self._name = collection.name

    def __getattr__(self, name):
        attribute = getattr(self._collection, name)
        if name in FILTERED:
            return self._after(attribute, lambda args, kwargs: aimed_at(args[0] if args else kwargs.get("filter")))
        if name == "insert_one":
            return self._after(attribute, lambda args, kwargs: aimed_at(args[0] if args else kwargs.get("document")))
        if name in MANY:
            return self._after(attribute, lambda _args, _kwargs: None)
        return attribute

    def _after(self, write, target):
        async def written(*args, **kwargs):
            result = await write(*args, **kwargs)
            await self._on_write(self._name, target(args, kwargs))
            return result

        return written


class WatchedDatabase:
    """`db[name]` is watched for the names in `watched`; every other collection is the database's own."""

    def __init__(self, db, watched: set[str], on_write: OnWrite):
        self._db = db
        self._watched = set(watched)
        self._on_write = on_write

    def __getitem__(self, name: str):
        collection = self._db[name]
        return WatchedCollection(collection, self._on_write) if name in self._watched else collection

    def __getattr__(self, name):
        return getattr(self._db, name)

    async def drop_collection(self, name, *args, **kwargs):
        result = await self._db.drop_collection(name, *args, **kwargs)
        if getattr(name, "name", name) in self._watched:
            await self._on_write(getattr(name, "name", name), None)
        return result
