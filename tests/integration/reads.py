"""Counting what the test database hands back: documents (and queries) per collection, so a test can show that a
page reads one page of documents, or an aggregate, however large the collection behind it."""

from __future__ import annotations

from collections import Counter
from contextlib import asynccontextmanager

from mongomock.collection import Collection, Cursor
from mongomock.command_cursor import CommandCursor

from mall.infra import mongo
from tests.conftest import Web

WRITES = ("insert_one", "insert_many", "update_one", "update_many", "replace_one", "find_one_and_update",
          "bulk_write", "delete_one", "delete_many")  # fmt: skip


class DocumentsRead:
    """While installed (monkeypatch), `docs[name]` counts the documents (aggregate results, distinct values) the
    collection `name` returned, `queries[name]` the finds, aggregations and distincts it answered and
    `writes[name]` the write calls it took (a bulk write is one)."""

    def __init__(self, monkeypatch):
        mongo.embedded_fixes()  # counted on top of the embedded database's own fixes, whichever came first
        self.docs: Counter[str] = Counter()
        self.queries: Counter[str] = Counter()
        self.writes: Counter[str] = Counter()
        self._inside = 0  # mongomock aggregates by iterating a cursor over the whole collection: not a read
        real_next, real_find = Cursor.__next__, Collection.find
        real_aggregate, real_distinct = Collection.aggregate, Collection.distinct

        def counted_next(cursor):
            doc = real_next(cursor)
            if not self._inside:
                self.docs[cursor.collection.name] += 1
            return doc

        def counted_find(collection, *args, **kwargs):
            if not self._inside:
                self.queries[collection.name] += 1
            return real_find(collection, *args, **kwargs)

        def counted_aggregate(collection, pipeline, *args, **kwargs):
            self._inside += 1
            try:
                results = list(real_aggregate(collection, pipeline, *args, **kwargs))
            finally:
                self._inside -= 1
            self.queries[collection.name] += 1
            self.docs[collection.name] += len(results)
            return CommandCursor(results)

        def counted_distinct(collection, key, *args, **kwargs):
            self._inside += 1
            try:
                values = real_distinct(collection, key, *args, **kwargs)
            finally:
                self._inside -= 1
            self.queries[collection.name] += 1
            self.docs[collection.name] += len(values)
            return values

        def counting(method):
            real = getattr(Collection, method)

            def counted(collection, *args, **kwargs):
                if not self._inside:
                    self.writes[collection.name] += 1
                self._inside += 1
                try:
                    return real(collection, *args, **kwargs)
                finally:
                    self._inside -= 1

            return counted

        for method in WRITES:
            monkeypatch.setattr(Collection, method, counting(method))
        monkeypatch.setattr(Cursor, "__next__", counted_next)
        monkeypatch.setattr(Collection, "find", counted_find)
        monkeypatch.setattr(Collection, "aggregate", counted_aggregate)
        monkeypatch.setattr(Collection, "distinct", counted_distinct)

    def clear(self) -> None:
        self.docs.clear()
        self.queries.clear()
        self.writes.clear()


@asynccontextmanager
async def as_user(app, user):
    """A client of the running app signed in as `user`."""
    async with Web(base_url=app.ctx.base_url, follow_redirects=False, timeout=30) as client:
        await client.sign_in(user.email)
        yield client
