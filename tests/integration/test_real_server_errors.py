"""Errors a real MongoDB gives that the embedded one never does (issue 15, item 4): duplicate-key errors with
or without details, indexes that already exist in an older shape, and a replica set electing a new primary."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    NetworkTimeout,
    NotPrimaryError,
    OperationFailure,
    ServerSelectionTimeoutError,
)

from mall.infra import mongo
from mall.infra.ids import new_id
from mall.shops import services as shops
from mall.shops.models import Application, Shop, ShopStatus
from mall.shops.repository import OwnerTaken, SlugTaken
from tests.integration.db_faults import Scripted, scripted

# --- which unique key: the error's details, or the database --------------------------------------------

REAL_OWNER = DuplicateKeyError(
    'E11000 duplicate key error collection: mall.shops index: owner_id_1 dup key: { owner_id: "u1" }',
    11000,
    {
        "index": 0,
        "code": 11000,
        "errmsg": 'E11000 duplicate key error collection: mall.shops index: owner_id_1 dup key: { owner_id: "u1" }',
        "keyPattern": {"owner_id": 1},
        "keyValue": {"owner_id": "u1"},
    },
)
REAL_SLUG = DuplicateKeyError(
    'E11000 duplicate key error collection: mall.shops index: slug_1 dup key: { slug: "tea-house" }',
    11000,
    {"index": 0, "code": 11000, "keyPattern": {"slug": 1}, "keyValue": {"slug": "tea-house"}},
)
MONGOMOCK_BARE = DuplicateKeyError("E11000 Duplicate Key Error", 11000)
MONGOMOCK_WRONG_INDEX = DuplicateKeyError(  # mongomock-motor's guess for an update: the first unique index it finds
    "E11000 Duplicate Key Error", 11000, {"keyValue": {"slug": "tea-house"}, "keyPattern": {"slug": 1}}
)


def test_the_fields_of_a_duplicate_key_come_from_a_real_servers_details_or_its_message():
    assert mongo.duplicate_keys(REAL_OWNER) == {"owner_id"}
    assert mongo.duplicate_keys(REAL_SLUG) == {"slug"}
    message_only = "E11000 duplicate key error collection: mall.products index: shop_id_1_variants.sku_1 dup key: {}"
    assert mongo.duplicate_keys(DuplicateKeyError(message_only, 11000)) == {"shop_id", "variants.sku"}
    assert mongo.duplicate_keys(MONGOMOCK_BARE) == set()  # nothing said: the caller asks the database


def a_shop(owner_id: str, slug: str) -> Shop:
    return Shop(
        id=new_id(), owner_id=owner_id, status=ShopStatus.PENDING, created_at=datetime(2026, 11, 24, tzinfo=UTC),
        name="Tea House", slug=slug,
        category="tea", description="", contact_email="a@example.test", contact_phone="", logo=None,
    )  # fmt: skip


@pytest.mark.parametrize("error", [REAL_OWNER, MONGOMOCK_BARE, MONGOMOCK_WRONG_INDEX], ids=["real", "bare", "wrong"])
async def test_a_second_application_of_one_person_is_told_apart_from_a_taken_address(container, factory, error):
    c = container
    applicant = await factory.user()
    await factory.shop(owner=applicant, status="pending", slug="tea-house")
    with scripted(c.shops, "shops") as stored:
        stored.fail("insert_one", error)
        with pytest.raises(OwnerTaken):
            await c.shops.add(a_shop(applicant.id, "another-slug"))


@pytest.mark.parametrize("error", [REAL_SLUG, MONGOMOCK_BARE], ids=["real", "bare"])
async def test_a_taken_address_is_said_to_be_taken(container, factory, error):
    c = container
    await factory.shop(slug="tea-house")
    with scripted(c.shops, "shops") as stored:
        stored.fail("insert_one", error)
        with pytest.raises(SlugTaken):
            await c.shops.add(a_shop((await factory.user()).id, "tea-house"))


async def test_when_the_clashing_shop_is_gone_again_a_real_servers_details_decide(container, factory):
    c = container
    with scripted(c.shops, "shops") as stored:
        stored.fail("insert_one", REAL_OWNER)
        with pytest.raises(OwnerTaken):
            await c.shops.add(a_shop((await factory.user()).id, "tea-house"))


async def test_one_persons_double_submitted_application_opens_one_and_says_the_other_is_waiting(container, factory):
    c = container
    applicant = await factory.user()
    application = Application(
        name="Tea House", slug="tea-house", category="tea", description="", contact_email=applicant.email,
        contact_phone="", logo=None,
    )  # fmt: skip

    results = await asyncio.gather(
        *(shops.apply(c.shops, c.clock, applicant=applicant, application=application) for _ in range(2)),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["ApplicationOpen", "Shop"]  # not "address taken"


# --- indexes the database already holds in an older shape ------------------------------------------------


async def test_an_older_index_with_other_options_is_reported_with_what_to_migrate_and_start_up_goes_on(
    container, caplog
):
    c = container
    await c.db.drop_collection("shops")
    await c.db["shops"].insert_one({"_id": new_id(), "slug": "tea-house", "owner_id": "u1"})  # data from before
    await c.db["shops"].create_index("slug", name="slug_1")  # ...and its index, not unique yet

    with caplog.at_level(logging.ERROR, logger="mall.mongo"):
        await c.ensure_indexes()

    (problem,) = c.db.index_problems
    assert "shops: index slug_1 {'slug': 1} {'unique': True}" in problem and "IndexOptionsConflict" in problem
    assert 'db.shops.dropIndex("slug_1")' in problem and problem in caplog.text
    assert "owner_id_1" in await c.db["shops"].index_information()  # the indexes after it were built


async def test_a_unique_index_over_duplicates_already_stored_says_to_remove_them(container):
    c = container
    await c.db.drop_collection("users")
    for _ in range(2):
        await c.db["users"].insert_one({"_id": new_id(), "email": "twice@example.test"})

    await c.ensure_indexes()

    (problem,) = c.db.index_problems
    assert problem.startswith("users: index email_1") and "remove or merge the duplicates" in problem


@pytest.mark.parametrize("code", [85, 86])
async def test_a_real_servers_index_conflicts_do_not_stop_the_start(container, code):
    c = container
    products = c.products.products
    products = getattr(products, "_collection", products)  # beneath the page cache's watch (mall.infra.watch)
    names = {85: "IndexOptionsConflict", 86: "IndexKeySpecsConflict"}
    refused = OperationFailure("An equivalent index already exists with a different name and options", code=code)
    products._inner = Scripted(products._inner)  # below mall's handle: as the driver would raise it
    products._inner.fail("create_index", refused, lambda keys, **options: keys == "terms")

    await c.ensure_indexes()

    (problem,) = c.db.index_problems
    assert problem.startswith("products: index terms_1") and f"{names[code]}, code {code}" in problem


async def test_other_index_errors_still_stop_the_start(container):
    c = container
    c.users.users._inner = Scripted(c.users.users._inner)
    c.users.users._inner.fail("create_index", OperationFailure("not authorized", code=13))
    with pytest.raises(OperationFailure):
        await c.ensure_indexes()


async def test_healthz_lists_the_indexes_to_migrate(app, api):
    app.ctx.c.db.index_problems.append("shops: index slug_1 ...: to migrate run db.shops.dropIndex(...)")
    answer = await api.get("/healthz")
    assert answer.json()["components"]["database"]["indexes_to_migrate"] == app.ctx.c.db.index_problems


# --- a failover: no primary for a few seconds -------------------------------------------------------------


@pytest.mark.parametrize("error", [NotPrimaryError("not primary"), ServerSelectionTimeoutError("no primary")])
async def test_a_page_during_a_failover_says_come_back_in_a_moment(web, container, factory, error):
    shop = await factory.shop(slug="tea-house")
    with scripted(container.shops, "shops") as stored:
        stored.fail("find_one", error)
        answer = await web.get(f"/shops/{shop.slug}")

    assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
    assert "Try again in a few seconds" in answer.text and "Traceback" not in answer.text
    assert (await web.get(f"/shops/{shop.slug}")).status_code == 200  # and back once there is a primary


async def test_the_api_during_a_failover_answers_503_json_with_retry_after(api, container, factory):
    product = await factory.product(name="Oolong")
    with scripted(container.products, "products") as stored:
        stored.fail("find_one", NetworkTimeout("timed out"))
        answer = await api.get(f"/api/v1/products/{product.id}")

    assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
    assert answer.json()["error"]["status"] == 503


async def test_a_write_to_many_documents_is_repeated_after_a_failover(container, factory):
    c = container
    shop = await factory.shop()
    for name in ("Oolong", "Jasmine"):
        await factory.product(shop_id=shop.id, name=name)
    with scripted(c.products, "products") as stored:
        stored.fail("update_many", AutoReconnect("primary stepped down"), times=2)  # the driver never retries these
        await shops.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id=None, reason="Checks")

    assert await c.products.products.count_documents({"shop_id": shop.id, "shop_visible": True}) == 0


async def test_a_failover_that_lasts_is_given_up_on_and_reported(container, factory):
    c = container
    shop = await factory.shop()
    with scripted(c.products, "products") as stored:
        stored.fail("update_many", AutoReconnect("no primary"), times=mongo.RETRIES + 1)
        with pytest.raises(AutoReconnect):
            await shops.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id=None, reason="Checks")
    await shops.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id=None, reason="Checks")  # again
    assert (await shops.get_shop(c.shops, shop.id)).status is ShopStatus.SUSPENDED


async def test_a_real_server_out_of_reach_is_unavailable_through_malls_handle_too():
    client, db = mongo.connect("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200&connectTimeoutMS=200", "mall")
    stored = db["shops"]
    try:
        with pytest.raises(mongo.UNAVAILABLE):
            await stored.find_one({})
        with pytest.raises(mongo.UNAVAILABLE):
            [doc async for doc in stored.find({}).sort("name").limit(1)]
        with pytest.raises(mongo.UNAVAILABLE):
            await stored.find({}).to_list(None)
    finally:
        mongo.close(client)
