"""Commands made at the same moment share one pipeline; each caller gets its own answer (or error)."""

import asyncio

import pytest
from redis.exceptions import ResponseError

from mall.infra.redis_batch import RedisBatcher


async def test_a_crowd_of_calls_shares_round_trips_and_each_gets_its_own_answer(container, monkeypatch):
    redis = container.redis
    async with redis.pipeline(transaction=False) as pipe:  # not MSET: its keys span a Redis Cluster's slots
        for i in range(300):
            pipe.set(f"k{i}", f"v{i}")
        await pipe.execute()
    counter = redis.register_script("return redis.call('INCR', KEYS[1])")
    pipelines = []
    real = redis.pipeline

    def counted(*args, **kwargs):
        pipelines.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(redis, "pipeline", counted)
    batch = RedisBatcher(redis, max_batch=256)
    gets = [batch.get(f"k{i}") for i in range(300)]
    incrs = [batch.script(counter, ["n"], []) for _ in range(100)]
    answers = await asyncio.gather(*gets, *incrs)
    assert answers[:300] == [f"v{i}" for i in range(300)]
    assert answers[300:] == list(range(1, 101))  # atomic, in the order called
    assert len(pipelines) == 2  # 400 calls, max 256 per pipeline
    assert await batch.get("missing") is None


async def test_a_lost_script_cache_is_reloaded_and_an_error_reaches_only_its_caller(container):
    redis = container.redis
    batch = RedisBatcher(redis)
    echo = redis.register_script("return ARGV[1]")
    incr = redis.register_script("return redis.call('INCR', KEYS[1])")
    await redis.set("text", "not a number")
    await redis.script_flush()  # what a Redis restart does
    fine, broken = await asyncio.gather(
        batch.script(echo, [], ["hi"]), batch.script(incr, ["text"], []), return_exceptions=True
    )
    assert fine == "hi"
    assert isinstance(broken, ResponseError)


async def test_a_dead_connection_fails_every_waiting_caller():
    class Dead:
        def pipeline(self, **_kwargs):
            raise ConnectionError("redis is gone")

    batch = RedisBatcher(Dead())
    results = await asyncio.gather(batch.get("a"), batch.get("b"), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    with pytest.raises(ConnectionError):
        await batch.get("c")
