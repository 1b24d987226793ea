"""Where the tests' worlds live: in memory (the default), or on real servers named by the environment, to
certify a deployment (README "Certify against real MongoDB"):

  MALL_TEST_MONGO_URL  a MongoDB replica set. Each test gets a database of its own, `mall_test_<run>_<n>`,
                       dropped when the test ends; the end of the run drops any this run left behind.
  MALL_TEST_REDIS_URL  a Redis the tests may empty (FLUSHDB before every test). A redis+cluster:// URL runs the
                       suite on a Redis Cluster; the job queue then stays on the embedded Redis (saq cannot run
                       on a cluster: mall/infra/jobs.py)."""

from __future__ import annotations

import os

from mall.infra import mongo
from mall.infra import redis as redis_infra

MONGO_URL = os.environ.get("MALL_TEST_MONGO_URL", "")
REDIS_URL = os.environ.get("MALL_TEST_REDIS_URL", "")


class Databases:
    """One database per test, on the server at `url` (empty: the in-memory mongomock-motor), named after the
    run; the same code path either way."""

    def __init__(self, url: str = MONGO_URL, run: str | None = None):
        self.url = url
        self.prefix = f"mall_test_{run or os.urandom(4).hex()}_"
        self.opened = 0

    def open(self, **options):
        """-> (client, database): a database nothing has written to yet."""
        self.opened += 1
        return mongo.connect(self.url, f"{self.prefix}{self.opened}", **options)

    async def drop(self, client, db) -> None:
        await client.drop_database(db.name)
        mongo.close(client)

    async def drop_leftovers(self) -> list[str]:
        """Drop the databases of this run that are still there (a test that crashed before its own drop)."""
        client, _db = mongo.connect(self.url, "admin")
        try:
            names = [name for name in await client.list_database_names() if name.startswith(self.prefix)]
            for name in names:
                await client.drop_database(name)
        finally:
            mongo.close(client)
        return names


def queue_beside(settings, redis_url: str, plain_url: str):
    """On a cluster, the job queue goes to a plain Redis (as production must: settings.toml queue_redis_url)."""
    return settings.replace(queue_redis_url=plain_url) if redis_infra.is_cluster(redis_url) else settings
