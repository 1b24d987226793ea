"""Commands made at the same moment share one pipeline; each caller gets its own answer (or error)."""

import asyncio

import pytest
from redis.exceptions import ResponseError

from mall.infra.redis_batch import RedisBatcher


def counting(batch: RedisBatcher) -> list:
    """[(transport, commands)] of each round trip the batcher makes."""
    sent = []
    for name in ("_direct", "_pipeline"):
        real = getattr(batch, name)

        async def counted(commands, real=real, name=name):
            sent.append((name, len(commands)))
            return await real(commands)

        setattr(batch, name, counted)
    return sent


@pytest.mark.parametrize("direct", [True, False], ids=["one server, packed by hiredis", "redis-py pipeline"])
async def test_a_crowd_of_calls_shares_round_trips_and_each_gets_its_own_answer(container, direct):
    redis = container.redis
    async with redis.pipeline(transaction=False) as pipe:  # not MSET: its keys span a Redis Cluster's slots
        for i in range(300):
            pipe.set(f"k{i}", f"v{i}")
        await pipe.execute()
    counter = redis.register_script("return redis.call('INCR', KEYS[1])")
    batch = RedisBatcher(redis, max_batch=256)
    assert batch.direct  # a plain client to one server
    batch.direct = direct
    sent = counting(batch)
    gets = [batch.get(f"k{i}") for i in range(300)]
    incrs = [batch.script(counter, ["n"], []) for _ in range(100)]
    answers = await asyncio.gather(*gets, *incrs)
    assert answers[:300] == [f"v{i}" for i in range(300)]
    assert answers[300:] == list(range(1, 101))  # atomic, in the order called
    transport = "_direct" if direct else "_pipeline"
    assert sent == [(transport, 256), (transport, 144)]  # 400 calls, max 256 per round trip
    assert await batch.get("missing") is None
    await redis.hset("h", mapping={"a": "1", "b": "2"})
    assert await batch.many(("HMGET", "h", "a", "b", "c"), ("PTTL", "h"), ("PTTL", "nothing")) == [
        ["1", "2", None],
        -1,
        -2,
    ]
    assert await batch.command("HGET", "h", "b") == "2"


async def test_after_a_restart_closed_every_connection_the_next_batch_still_goes_through(container):
    redis = container.redis
    batch = RedisBatcher(redis)
    await redis.set("k", "v")
    assert await batch.get("k") == "v"  # the pool now holds a connection
    await redis.client_kill_filter(_type="normal", skipme=False)  # what a restarted server leaves behind
    assert await asyncio.gather(batch.get("k"), batch.command("HGET", "nothing", "a")) == ["v", None]


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


async def test_the_stores_of_one_redis_share_one_batcher_and_a_pages_reads_share_its_round_trips(container, factory):
    # given a signed-in shopper with a session and a notification, and every store that batches on one client
    c = container
    shopper = await factory.user()
    await c.sessions.save("page", {"uid": shopper.id, "csrf": "t"})
    await c.notifications.add({"_id": "n1", "user_id": shopper.id, "read_at": None})
    assert c.sessions.batch is c.tokens.batch is c.flash_store.batch is c.channels.batch is c.notifications.batch
    sent = counting(c.sessions.batch)

    # when a page's Redis reads are made at the same moment
    session, positions, unread_version = await asyncio.gather(
        c.sessions.load("page"),
        c.channels.current_seqs([f"user:{shopper.id}", "deals"]),
        c.sessions.batch.get(f"nt:{{{shopper.id}}}:v"),
    )

    # then they went out together, each with its own answer
    assert sent == [("_direct", 4)]
    assert session == {"uid": shopper.id, "csrf": "t"}
    assert positions == {f"user:{shopper.id}": 0, "deals": 0}
    assert unread_version == "1"


async def test_what_every_signed_in_page_reads_of_redis_is_one_round_trip(container, factory):
    # given a shopper whose bell count was counted once (so it is kept)
    from mall.app import signed_in_context

    shopper = await factory.user()
    await container.notifications.add({"_id": "n1", "user_id": shopper.id, "read_at": None})
    assert await container.notifications.unread_count(shopper.id) == 1
    sent = counting(container.sessions.batch)

    # when a page asks for the socket's positions, the bell count and the shopper's holds
    parts = await signed_in_context(container, shopper)

    # then one round trip carried them all
    assert len(sent) == 1, sent
    assert parts["unread"] == 1 and parts["flash_holds"] == [] and parts["rt_last"]
