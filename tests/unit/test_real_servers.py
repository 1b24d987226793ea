"""The switch that runs the suite on real servers (tests/real_servers.py): each test's database is named after
the run, on the server the environment names, and dropped; what a crashed test left is dropped at the end, and
nothing else. No MongoDB server can be installed here, so one in-memory server stands in for it behind the same
code path (mall.infra.mongo.connect, handed the URL)."""

import pytest
from mongomock_motor import AsyncMongoMockClient

from mall.infra import mongo
from tests.real_servers import Databases

URL = "mongodb://db1,db2,db3/?replicaSet=rs0"


@pytest.fixture
def stand_in(monkeypatch):
    """One server every client of the run reaches, as a real one would be; records the URLs it was given."""
    server = AsyncMongoMockClient(tz_aware=True)
    asked: list[str] = []

    def connect(url, name, **options):
        asked.append(url)
        return server, server[name]

    monkeypatch.setattr(mongo, "connect", connect)
    monkeypatch.setattr(mongo, "close", lambda client: None)
    return server, asked


async def test_each_test_gets_its_own_database_on_the_named_server_dropped_when_it_ends(stand_in):
    server, asked = stand_in
    await server["someone_else"]["keep"].insert_one({"_id": 1})
    databases = Databases(URL, run="r1")

    first_client, first = databases.open()
    _second_client, second = databases.open()
    await first["orders"].insert_one({"_id": "a"})
    await second["orders"].insert_one({"_id": "b"})
    assert (first.name, second.name) == ("mall_test_r1_1", "mall_test_r1_2")
    assert set(asked) == {URL}
    assert await first["orders"].count_documents({}) == 1  # worlds apart

    await databases.drop(first_client, first)
    assert sorted(await server.list_database_names()) == ["mall_test_r1_2", "someone_else"]
    assert await databases.drop_leftovers() == ["mall_test_r1_2"]  # a test that crashed before its drop
    assert await server.list_database_names() == ["someone_else"]  # only this run's


def test_two_runs_never_share_a_name():
    assert Databases(URL).prefix != Databases(URL).prefix
