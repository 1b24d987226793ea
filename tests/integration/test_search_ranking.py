"""Best match on the demo catalog: the products a shopper means come first.

A match in a product's name outranks one in its category or attributes, and a whole word outranks a character
of a longer word: for 茶 (tea) the teas come before the tea set, the teapot, the books and the tea robe."""

from __future__ import annotations

import pytest_asyncio

from mall.catalog import services as catalog
from mall.catalog.models import SearchQuery, Sort
from mall.demo import seed


@pytest_asyncio.fixture
async def demo(container):
    await seed(container, progress=lambda _line: None)
    categories = await catalog.list_categories(container.categories)
    tea = next(c for c in categories if c.slug == "tea")
    return {c.id for c in categories if c.id == tea.id or c.parent_id == tea.id}


async def ranked(container, q: str) -> list:
    page = await catalog.search_products(
        container.products, container.categories, SearchQuery(q=q, sort=Sort.RELEVANCE, per_page=100)
    )
    assert page.total == len(page.items)
    return page.items


def positions(items, wanted) -> list[int]:
    return [i for i, p in enumerate(items) if wanted(p)]


async def test_for_tea_in_chinese_every_tea_named_tea_comes_before_the_tea_things(container, demo):
    items = await ranked(container, "茶")
    teas = positions(items, lambda p: p.category_id in demo and "茶" in p.name["zh_Hant"])
    things = positions(items, lambda p: p.category_id not in demo)
    assert len(teas) >= 10
    assert {items[i].name["en"] for i in things} >= {
        "Gongfu Tea Set", "Glass Teapot with Infuser", "Cooking with Tea", "The Tea Lover's Handbook",
        "Linen Tea Ceremony Robe",
    }  # fmt: skip
    assert max(teas) < min(things), [p.name["zh_Hant"] for p in items]


async def test_a_name_match_outranks_a_tea_found_only_by_its_category(container, demo):
    items = await ranked(container, "茶")
    by_category_only = positions(items, lambda p: "茶" not in p.name["zh_Hant"])
    assert [items[i].name["en"] for i in by_category_only] == ["Tieguanyin Heavy Roast"]
    assert by_category_only == [len(items) - 1]


async def test_for_tea_in_english_the_teas_come_before_the_tea_things(container, demo):
    items = await ranked(container, "tea")
    teas = positions(items, lambda p: p.category_id in demo and "tea" in p.name["en"].lower().split())
    things = positions(items, lambda p: p.category_id not in demo)
    assert len(teas) >= 10 and things
    assert max(teas) < min(things), [p.name["en"] for p in items]


async def test_a_whole_word_outranks_the_same_characters_inside_a_longer_word(container, factory):
    audio = await factory.category(slug="audio-gear", name={"en": "Audio", "zh_Hant": "影音"})
    await factory.product(name={"en": "Wired", "zh_Hant": "USB 耳機"}, category=audio)
    container.clock.advance(minutes=1)
    await factory.product(name={"en": "Wireless", "zh_Hant": "藍牙耳機"}, category=audio)  # one word: 藍牙耳機
    assert [p.name["en"] for p in await ranked(container, "耳機")] == ["Wired", "Wireless"]
