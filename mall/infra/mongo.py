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
