"""Shoppers search every shop at once: Chinese and English words, filters, sorts, pages, htmx swaps."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.integration import storefront_world as world

CARD = re.compile(r'<a class="product-card" href="/p/([0-9a-f]{24})"')


def found(response) -> list[str]:
    return CARD.findall(response.text)


def names(w, response) -> set[str]:
    by_id = {p.id: key for key, p in w.products.items()}
    return {by_id[i] for i in found(response)}


@pytest.fixture
async def w(container, factory, app):
    return await world.build(container, factory)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("茶", {"dongding", "alishan", "black", "kettle"}),
        ("烏龍茶", {"dongding", "alishan"}),
        ("耳機", {"earphones"}),
        ("tea", {"dongding", "alishan", "black", "kettle"}),
        ("Teas", {"dongding", "alishan", "black", "kettle"}),
        ("earphone", {"earphones"}),
        ("高山", {"alishan"}),
    ],
)
async def test_search_finds_what_a_person_expects_across_shops(web, w, q, expected):
    response = await web.get(f"/search?q={quote(q)}")
    assert response.status_code == 200
    assert names(w, response) == expected


async def test_earphones_never_show_up_for_tea_and_vice_versa(web, w):
    assert w.products["earphones"].id not in found(await web.get("/search?q=" + quote("茶")))
    assert not {w.products["dongding"].id, w.products["kettle"].id} & set(
        found(await web.get("/search?q=" + quote("耳機")))
    )


async def test_category_filter_includes_descendants(web, w):
    response = await web.get("/search?category=tea")
    assert names(w, response) == {"dongding", "alishan", "black"}
    response = await web.get("/search?category=oolong")
    assert names(w, response) == {"dongding", "alishan"}


async def test_category_page_is_the_filtered_search_with_subcategory_chips(web, w):
    response = await web.get("/c/tea")
    assert response.status_code == 200
    assert names(w, response) == {"dongding", "alishan", "black"}
    assert 'href="/c/oolong"' in response.text and 'href="/c/black-tea"' in response.text
    assert (await web.get("/c/no-such-category")).status_code == 404


async def test_shop_and_price_filters_in_major_units(web, w):
    assert names(w, await web.get("/search?shop=soundlife")) == {"earphones", "kettle"}
    # 450.00 to 1,200.00 (TWD has two minor digits in Babel's data): dong ding from 450, alishan 1200
    response = await web.get("/search?q=tea&min_price=450&max_price=1200")
    assert names(w, response) == {"dongding", "alishan"}


async def test_attribute_facets_filter_and_count(web, w):
    response = await web.get("/search?category=tea")
    assert 'name="a.organic"' in response.text and 'name="a.origin"' in response.text
    facet = re.search(
        r'value="阿里山"[^>]*>\s*<span class="check-label">阿里山</span><span class="count">(\d+)</span>', response.text
    )
    assert facet and facet.group(1) == "1"
    response = await web.get("/search?category=tea&a.organic=true")
    assert names(w, response) == {"alishan", "black"}
    response = await web.get("/search?category=tea&a.organic=true&a.origin=" + quote("日月潭"))
    assert names(w, response) == {"black"}
    assert "Organic 有機: Yes" in response.text  # a removable chip for the active filter


async def test_sorts_by_price_and_newest(web, w):
    asc = found(await web.get("/search?q=tea&sort=price_asc"))
    assert asc == [w.products[k].id for k in ("black", "dongding", "alishan", "kettle")]
    desc = found(await web.get("/search?q=tea&sort=price_desc"))
    assert desc == asc[::-1]
    newest = found(await web.get("/search?sort=newest"))
    assert newest[0] == w.products["kettle"].id and newest[-1] == w.products["dongding"].id


async def test_pagination_walks_through_every_result_once(web, w, container, factory):
    shop = w.shops["tea"]
    for i in range(26):
        await world.product(
            container, shop, name={"en": f"Pinglin Green Tea {i}"}, attributes={"origin": "凍頂"},
            variants=[(f"GT-{i}", {}, 10000 + i, 5)], tick=False,
        )  # fmt: skip
    first = await web.get("/search?q=green&sort=price_asc")
    second = await web.get("/search?q=green&sort=price_asc&page=2")
    assert len(found(first)) == 24 and len(found(second)) == 2
    assert not set(found(first)) & set(found(second))
    assert "26 products" in first.text
    assert 'href="/search?q=green&amp;sort=price_asc&amp;page=2"' in first.text


async def test_htmx_gets_only_the_results_fragment_and_every_response_varies(web, w):
    full = await web.get("/search?q=tea")
    fragment = await web.get("/search?q=tea", headers={"HX-Request": "true"})
    assert "HX-Request" in full.headers["vary"] and "HX-Request" in fragment.headers["vary"]
    assert "<html" in full.text and 'id="filters"' in full.text
    assert "<html" not in fragment.text and 'id="filters"' not in fragment.text
    assert set(found(fragment)) == set(found(full))
    assert 'id="facets" class="facets" hx-swap-oob="true"' in fragment.text  # counts refresh out of band


async def test_a_history_restore_gets_the_full_page(web, w):
    """htmx restoring a page it no longer has cached asks with HX-Request too: it must get the whole page."""
    full = await web.get("/search?q=tea")
    restored = await web.get("/search?q=tea", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert restored.status_code == 200 and "HX-Request" in restored.headers["vary"]
    assert restored.text.lstrip().lower().startswith("<!doctype html>") and restored.text.rstrip().endswith("</html>")
    assert '<form id="filters"' in restored.text and 'id="f-q" name="q" type="search" value="tea"' in restored.text
    assert names(w, restored) == names(w, full) == {"dongding", "alishan", "black", "kettle"}


async def test_filters_work_without_javascript_as_a_plain_form(web, w):
    page = await web.get("/search?q=tea")
    form = re.search(r'<form id="filters"[^>]*>', page.text).group(0)
    assert 'method="get"' in form and 'action="/search"' in form
    assert '<button class="btn btn-primary" type="submit">' in page.text


async def test_empty_results_offer_suggestions(web, w):
    response = await web.get("/search?q=" + quote("潛水艇"))
    assert response.status_code == 200 and found(response) == []
    assert "Nothing matches this search" in response.text and 'href="/categories"' in response.text


@pytest.mark.parametrize(
    "query",
    ["min_price[$gt]=", "q[$ne]=x", "sort=cheapest", "page=0", "a.$where=1",
     "category=..%2F..", "utm=1", "q=a&q=b"],
)  # fmt: skip
async def test_malformed_search_urls_get_a_friendly_4xx_page(web, w, query):
    response = await web.get(f"/search?{query}")
    assert response.status_code == 400
    assert "We could not read this search" in response.text
    assert "Traceback" not in response.text


async def test_operator_injection_in_the_query_string_explains_itself(web, w):
    response = await web.get("/search?q[$ne]=x")
    assert "q[$ne]" in response.text and "do not understand" in response.text


@pytest.mark.parametrize(
    ("bound", "value", "message"),
    [
        ("min_price", "abc", "Enter the lowest price as a number, like 450 or 450.50."),
        ("min_price", "-100", "The lowest price cannot be negative."),
        ("max_price", "-3", "The highest price cannot be negative."),
    ],
)
async def test_a_bad_price_is_explained_at_its_field_and_the_search_still_runs(web, w, bound, value, message):
    response = await web.get(f"/search?q=tea&{bound}={value}")
    assert response.status_code == 400 and "We could not read this search" not in response.text
    field = "f-min" if bound == "min_price" else "f-max"
    error_id = "e-min-price" if bound == "min_price" else "e-max-price"
    tag = re.search(rf'<input id="{field}"[^>]*>', response.text).group(0)
    assert f'value="{value}"' in tag and f'aria-describedby="{error_id}"' in tag and 'aria-invalid="true"' in tag
    assert re.search(rf'<p class="error" id="{error_id}">{re.escape(message)}</p>', response.text)
    assert "as a number" not in message or value == "abc"
    assert found(response) == found(await web.get("/search?q=tea"))  # the rest of the search is kept


async def test_htmx_bad_price_swaps_the_message_to_the_field_out_of_band(web, w):
    response = await web.get("/search?q=tea&min_price=-100", headers={"HX-Request": "true"})
    assert response.status_code == 400 and "<html" not in response.text
    assert (
        '<p class="error" id="e-min-price" hx-swap-oob="true">The lowest price cannot be negative.</p>' in response.text
    )
    assert '<p class="error" id="e-max-price" hidden hx-swap-oob="true"></p>' in response.text
    assert 'id="f-min"' not in response.text  # what the shopper is typing is not replaced
    ok = await web.get("/search?q=tea&min_price=100", headers={"HX-Request": "true"})
    assert ok.status_code == 200 and '<p class="error" id="e-min-price" hidden hx-swap-oob="true"></p>' in ok.text


async def test_unknown_category_or_closed_shop_in_a_search_link_is_explained(web, w):
    assert "That category does not exist." in (await web.get("/search?category=nope")).text
    assert "That shop is not open." in (await web.get("/search?shop=nope")).text


async def test_htmx_bad_query_is_a_fragment_too(web, w):
    response = await web.get("/search?sort=cheapest", headers={"HX-Request": "true"})
    assert response.status_code == 400 and "<html" not in response.text
    assert "Choose one of the offered sort orders." in response.text


async def test_script_in_a_product_name_is_escaped_on_search(web, w, container):
    await world.product(
        container, w.shops["tea"], name={"en": "<script>alert(1)</script> tea"}, attributes={"origin": "凍頂"},
        variants=[("XSS-1", {}, 100, 1)],
    )  # fmt: skip
    response = await web.get("/search?q=" + quote("<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


async def test_a_suspended_shops_products_vanish_from_search(web, w, container):
    await world.suspend(container, w.shops["sound"])
    assert names(w, await web.get("/search?q=tea")) == {"dongding", "alishan", "black"}
    assert "soundlife" not in (await web.get("/search")).text


async def test_delisted_products_vanish_from_search(web, w, container):
    await world.delist(container, w.products["alishan"])
    assert names(w, await web.get("/search?q=" + quote("烏龍茶"))) == {"dongding"}


async def test_a_page_past_the_end_says_so_and_links_back(web, w):
    response = await web.get("/search?q=tea&page=7")
    assert response.status_code == 200 and found(response) == []
    assert "This page is past the end" in response.text and 'href="/search?q=tea&amp;page=1"' in response.text
