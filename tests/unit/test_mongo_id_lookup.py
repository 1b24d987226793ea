"""The embedded database looks a document up by `_id` instead of scanning: the answers stay the same."""

from mall.infra import mongo


async def test_queries_on_one_id_answer_exactly_as_a_scan_would():
    _client, db = mongo.connect("", "id-lookup")
    items = db["items"]
    await items.insert_many(
        [{"_id": f"k{i}", "n": i, "tags": ["a", "b"][: i % 3]} for i in range(50)] + [{"_id": 7, "n": 7}]
    )

    assert await items.find_one({"_id": "k4"}) == {"_id": "k4", "n": 4, "tags": ["a"]}
    assert await items.find_one({"_id": "k4", "n": 3}) is None  # the other conditions still apply
    assert await items.find_one({"_id": "k4", "n": {"$gte": 3}, "tags": "a"}) is not None
    assert await items.find_one({"_id": "k3", "tags": "a"}) is None
    assert await items.find_one({"_id": "nope"}) is None
    assert await items.find_one({"_id": 7}) == {"_id": 7, "n": 7}
    assert [d["_id"] async for d in items.find({"_id": {"$in": ["k1", "k2"]}})] == ["k1", "k2"]
    assert await items.count_documents({"_id": "k9", "n": 9}) == 1

    changed = await items.update_one({"_id": "k5", "n": 5}, {"$inc": {"n": 1}})
    missed = await items.update_one({"_id": "k5", "n": 5}, {"$inc": {"n": 1}})
    assert (changed.modified_count, missed.modified_count) == (1, 0)
    assert (await items.find_one_and_update({"_id": "k6"}, {"$set": {"n": 0}}))["n"] == 6
    await items.delete_one({"_id": "k6"})
    assert await items.find_one({"_id": "k6"}) is None


async def test_a_found_document_is_a_copy():
    _client, db = mongo.connect("", "id-copy")
    await db["items"].insert_one({"_id": "x", "n": 1})
    found = await db["items"].find_one({"_id": "x"})
    found["n"] = 99
    assert (await db["items"].find_one({"_id": "x"}))["n"] == 1


async def test_queries_on_a_list_of_ids_answer_as_a_scan_would():
    _client, db = mongo.connect("", "id-list")
    items = db["items"]
    await items.insert_many([{"_id": f"k{i}", "n": i} for i in range(50)] + [{"_id": 7, "n": 7}])
    wanted = {"_id": {"$in": ["k3", "k40", "nope", "k3", "k11"]}, "n": {"$gte": 10}}
    assert sorted([d["_id"] async for d in items.find(wanted)]) == ["k11", "k40"]
    moved = await items.update_many({"_id": {"$in": ["k1", "k2", "k9"]}, "n": {"$lt": 5}}, {"$set": {"m": 1}})
    assert moved.modified_count == 2 and await items.count_documents({"m": 1}) == 2
    assert [d["_id"] async for d in items.find({"_id": {"$in": [7, "k8"]}}).sort("n", 1)] == [7, "k8"]  # mixed: a scan
