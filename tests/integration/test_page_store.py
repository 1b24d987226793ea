"""Where kept pages live: this worker's memory (bounded, least recently used first), Redis (shared by every worker),
versions that a lost Redis cannot bring back, one render for a crowd missing the same page, and what happens when
a version cannot be bumped."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from mall.config import load_settings
from mall.infra.pagestore import PageStore
from tests.integration.test_page_cache import served


@dataclass
class Thing:
    name: str
    size: int = 100
    keep: bool = True

    def dump(self) -> str:
        return self.name


def load(raw: str) -> Thing:
    return Thing(raw)


async def kept(store: PageStore, key: tuple, made: list, *, name: str = "page") -> tuple:
    async def make():
        made.append(key)
        await asyncio.sleep(0)  # (a render awaits: others arrive meanwhile)
        return Thing(name)

    return await store.fetch(key, make, load=load, fresh=lambda entry: True, ttl=lambda entry: 60)


async def test_this_workers_memory_keeps_at_most_its_bound_dropping_the_least_recently_used(container):
    store = PageStore(container.redis, max_bytes=350)
    made: list = []
    for n in range(3):
        await kept(store, ("p", n), made)
    await kept(store, ("p", 0), made)  # used again: now the most recent
    await kept(store, ("p", 3), made)
    assert store.bytes <= 350 and len(store.local) == 3
    assert ("p", 1) not in store.local and ("p", 0) in store.local  # the least recently used went first
    assert made == [("p", 0), ("p", 1), ("p", 2), ("p", 3)]


async def test_a_page_kept_by_one_worker_is_found_by_another_through_redis(container):
    made: list = []
    one, other = PageStore(container.redis, max_bytes=10**6), PageStore(container.redis, max_bytes=10**6)
    await kept(one, ("home", "en"), made, name="rendered once")
    entry, hit = await kept(other, ("home", "en"), made)
    assert hit and entry.name == "rendered once" and made == [("home", "en")]


async def test_a_crowd_missing_the_same_page_renders_it_once(container):
    store = PageStore(container.redis, max_bytes=10**6)
    made: list = []
    answers = await asyncio.gather(*(kept(store, ("deals",), made) for _ in range(20)))
    assert made == [("deals",)]
    assert [hit for _entry, hit in answers].count(False) == 1


async def test_a_redis_that_lost_its_data_gives_new_versions_so_nothing_kept_before_comes_back(container):
    store = PageStore(container.redis, max_bytes=10**6)
    await store.bump(["products"])
    epoch, before = await store.versions.read(("products",))
    await container.redis.flushdb()  # lost (a restart without its data)
    epoch_after, after = await store.versions.read(("products",))
    assert before == ("1",) and after == (None,)
    assert epoch_after != epoch  # so the keys of every page differ from any kept before


async def test_a_version_that_cannot_be_bumped_makes_this_worker_render_every_page_until_it_can(container):
    store = PageStore(container.redis, max_bytes=10**6)
    made: list = []
    await kept(store, ("p",), made)
    real = store.versions.bump

    async def broken(names):
        raise ConnectionError("Redis is gone")

    store.versions.bump = broken
    await store.bump(["products"])
    assert not store.usable and store.local == {}  # dropped what it kept, renders every page meanwhile
    store.versions.bump = real
    await kept(store, ("p",), made)  # the next page bumps what was pending first
    assert store.usable
    _epoch, versions = await store.versions.read(("products",))
    assert versions == ("1",)


async def test_with_the_page_cache_off_every_page_is_rendered_for_its_request(web, container, factory):
    assert load_settings(environ={"MALL_PAGE_CACHE": "false"}).page_cache is False
    container.pages.enabled = False  # (what build() makes of it)
    tea = await factory.stocked_product(price=20000, stock=10)
    answers = [await web.get(f"/p/{tea.id}") for _ in range(2)]
    assert [a.headers["x-page-cache"] for a in answers] == ["miss", "miss"]
    assert answers[0].text == answers[1].text
    container.pages.enabled = True
    await served(web, f"/p/{tea.id}")
