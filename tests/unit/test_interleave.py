"""The embedded database's interleaving option: with it on, two requests meet half-way through a
read-then-write, as they would on a real server; with it off, mongomock-motor runs each to the end."""

import asyncio

import pytest

from mall.infra import mongo


async def _read_then_write(counters) -> None:
    doc = await counters.find_one({"_id": "c"})
    await counters.update_one({"_id": "c"}, {"$set": {"n": doc["n"] + 1}})


async def _two_at_once(interleave: str, seed: int | None = None) -> int:
    _client, db = mongo.connect("", f"interleave-{interleave}", interleave=interleave, seed=seed)
    counters = db["counters"]
    await counters.insert_one({"_id": "c", "n": 0})
    await asyncio.gather(_read_then_write(counters), _read_then_write(counters))
    return (await counters.find_one({"_id": "c"}))["n"]


async def test_without_interleaving_a_read_then_write_never_meets_another():
    assert await _two_at_once("off") == 2


async def test_with_interleaving_two_read_then_writes_lose_an_update_as_on_a_real_server():
    assert await _two_at_once("yield") == 1


async def test_the_stress_mode_replays_the_same_interleavings_from_the_same_seed():
    seen = {seed: [await _two_at_once("random", seed) for _ in range(3)] for seed in range(12)}
    for outcomes in seen.values():
        assert len(set(outcomes)) == 1  # a seed replays
    assert {outcome for outcomes in seen.values() for outcome in outcomes} == {1, 2}  # both fates happen


async def test_cursors_keep_their_chaining_and_give_every_document():
    _client, db = mongo.connect("", "interleave-cursor", interleave="random", seed=7)
    items = db["items"]
    await items.insert_many([{"_id": i, "n": i % 3} for i in range(10)])
    cursor = items.find({"n": {"$ne": 0}}).sort("_id", -1).skip(1).limit(4)
    assert [doc["_id"] async for doc in cursor] == [7, 5, 4, 2]
    assert [doc["_id"] for doc in await items.find({}, {"_id": 1}).sort("_id", 1).to_list(None)] == list(range(10))
    assert await items.count_documents({"n": 0}) == 4
    assert [row["_id"] async for row in items.aggregate([{"$group": {"_id": "$n"}}, {"$sort": {"_id": 1}}])] == [
        0, 1, 2,
    ]  # fmt: skip
    assert "items" in await db.list_collection_names()


def test_an_unknown_mode_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="off, yield, random"):
        mongo.connect("", "interleave-bad", interleave="sometimes")
