"""The product page, its variant picker, and the compare list (kept in the session, at most four)."""

from __future__ import annotations

import re

import pytest

from mall.web.i18n import money
from tests.integration import storefront_world as world


@pytest.fixture
async def w(container, factory, app):
    return await world.build(container, factory)


async def test_product_page_shows_gallery_shop_variant_stock_attributes_and_description(web, w):
    p = w.products["dongding"]
    response = await web.get(f"/p/{p.id}")
    assert response.status_code == 200
    text = response.text
    assert "凍頂烏龍茶" in text or "Dong Ding Oolong" in text
    assert f'src="/media/{p.images[0]}"' in text and f'data-gallery-src="/media/{p.images[1]}"' in text
    assert 'href="/shops/mountain-tea"' in text
    # the first variant in stock is chosen: 150g, only 3 left
    assert "DD-150" in text and "Only 3 left" in text
    assert "Net weight 淨重" in text and "150 g" in text
    assert re.search(r"Organic 有機</th><td>No</td>", text)
    assert "<p>Good.</p>" in text  # the sanitized description is the one trusted HTML


def buy_box(html: str) -> str:
    return html.split('<div id="buy-box"', 1)[1].split('<div id="add-to-cart"', 1)[0]


async def test_choosing_a_variant_updates_price_stock_and_sku(web, w, container):
    p = w.products["dongding"]
    small, big = (next(v for v in p.variants if v.sku == sku) for sku in ("DD-150", "DD-300"))
    box = buy_box((await web.get(f"/p/{p.id}?variant={big.id}")).text)
    currency = container.settings.currency
    assert f'<p class="price price-big">{money(big.price, currency)}</p>' in box  # 850, not the 150 g's 450
    assert '<p class="stock stock-ok">In stock</p>' in box and "<code>DD-300</code>" in box
    assert re.search(rf'value="{big.id}" checked', box) and not re.search(rf'value="{small.id}" checked', box)
    first = buy_box((await web.get(f"/p/{p.id}?variant={small.id}")).text)
    assert f'<p class="price price-big">{money(small.price, currency)}</p>' in first
    assert '<p class="stock stock-low">Only 3 left</p>' in first and "<code>DD-150</code>" in first


async def test_variant_fragment_for_htmx_and_links_without_javascript(web, w):
    p = w.products["earphones"]
    white = next(v for v in p.variants if v.sku == "EP-WHT")
    fragment = await web.get(f"/p/{p.id}?variant={white.id}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and fragment.text.lstrip().startswith('<div id="buy-box"')
    assert "EP-WHT" in fragment.text and "Out of stock" in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    full = await web.get(f"/p/{p.id}")
    assert f'hx-get="/p/{p.id}?variant={white.id}"' in full.text  # the radio for "white"
    assert f'<a href="/p/{p.id}?variant={white.id}"' in full.text  # the <noscript> link


async def test_an_unknown_variant_falls_back_to_the_first_in_stock(web, w):
    p = w.products["earphones"]
    response = await web.get(f"/p/{p.id}?variant={'f' * 24}")
    assert response.status_code == 200 and "EP-BLK" in response.text


@pytest.mark.parametrize("path", ["/p/not-an-id", "/p/" + "0" * 24, "/p/%7B%22%24ne%22%3A1%7D"])
async def test_bad_or_unknown_product_ids_are_404(web, w, path):
    assert (await web.get(path)).status_code == 404


async def test_delisted_product_is_404(web, w, container):
    await world.delist(container, w.products["alishan"])
    response = await web.get(f"/p/{w.products['alishan'].id}")
    assert response.status_code == 404 and "Traceback" not in response.text


async def test_suspended_shops_product_is_404(web, w, container):
    await world.suspend(container, w.shops["sound"])
    assert (await web.get(f"/p/{w.products['earphones'].id}")).status_code == 404


async def test_script_in_a_product_name_is_escaped_on_its_page(web, w, container):
    item = await world.product(
        container, w.shops["tea"], name={"en": "<script>alert(1)</script>"}, attributes={"origin": "凍頂"},
        variants=[("XSS-2", {}, 100, 1)], description="<script>alert(2)</script><strong>bold</strong>",
    )  # fmt: skip
    response = await web.get(f"/p/{item.id}")
    assert "<script>alert(1)</script>" not in response.text and "&lt;script&gt;alert(1)" in response.text
    assert "alert(2)" not in response.text.replace("&lt;", "")  # nh3 dropped the script from the description
    assert "<strong>bold</strong>" in response.text


async def add(web, product_id: str, **kw):
    return await web.form("/compare", {"product_id": product_id}, **kw)


async def test_compare_shows_products_of_two_shops_with_each_shops_labels(web, w):
    await web.page("/compare")
    for key in ("dongding", "earphones"):
        response = await add(web, w.products[key].id)
        assert response.status_code == 303
    page = await web.page("/compare")
    text = page.text
    assert "山茶行 Mountain Tea" in text and "聲活 SoundLife" in text
    assert "Origin 產地" in text and "Connectivity 連接方式" in text and "Noise cancelling 降噪" in text
    # weight is defined by both shops: one row, both values; origin only by the tea shop: a dash for earphones
    assert "150 g" in text and "48 g" in text
    origin_row = re.search(r"<th scope=\"row\">Origin 產地</th>(.*?)</tr>", text, re.S).group(1)
    assert "凍頂" in origin_row and "—" in origin_row


async def test_compare_holds_at_most_four_and_says_so(web, w):
    await web.page("/compare")
    for key in ("dongding", "alishan", "black", "earphones"):
        await add(web, w.products[key].id)
    response = await add(web, w.products["kettle"].id, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "You can compare up to 4 products" in response.text
    page = await web.page("/compare")
    assert page.text.count('class="compare-product"') == 4
    assert w.products["kettle"].id not in page.text


async def test_compare_button_fragment_updates_the_counter(web, w):
    await web.page(f"/p/{w.products['black'].id}")
    response = await add(web, w.products["black"].id, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="compare-box"')
    assert "In your compare list" in response.text and "Compare (1/4)" in response.text


async def test_remove_and_clear_the_compare_list(web, w):
    await web.page("/compare")
    for key in ("dongding", "kettle"):
        await add(web, w.products[key].id)
    await web.form("/compare/remove", {"product_id": w.products["dongding"].id})
    page = await web.page("/compare")
    assert page.text.count('class="compare-product"') == 1
    await web.form("/compare/clear")
    assert "Nothing to compare yet" in (await web.page("/compare")).text


async def test_compare_needs_the_csrf_token_and_a_real_product(web, w):
    await web.page("/compare")
    refused = await web.post("/compare", data={"product_id": w.products["black"].id})
    assert refused.status_code == 403
    assert (await add(web, "x" * 24)).status_code == 404
    assert "Nothing to compare yet" in (await web.page("/compare")).text


async def test_a_delisted_product_drops_out_of_the_comparison(web, w, container):
    await web.page("/compare")
    for key in ("dongding", "alishan"):
        await add(web, w.products[key].id)
    await world.delist(container, w.products["alishan"])
    page = await web.page("/compare")
    assert page.text.count('class="compare-product"') == 1
