"""The home page, the category tree, the shop directory and each shop's own page."""

from __future__ import annotations

import re

import pytest

from mall.shops import services as shops
from mall.shops.models import Profile
from tests.integration import storefront_world as world

CARD = re.compile(r'<a class="product-card" href="/p/([0-9a-f]{24})"')


@pytest.fixture
async def w(container, factory, app):
    return await world.build(container, factory)


async def profile(c, shop, **changes):
    fields = dict(
        description=shop.description, contact_email=shop.contact_email, contact_phone="", theme_color="#2f7d4a",
        announcement="", about="", logo=None, banner=None,
    )  # fmt: skip
    fields.update(changes)
    return await shops.update_profile(c.shops, shop_id=shop.id, profile=Profile(**fields))


async def test_home_shows_categories_featured_from_every_shop_new_arrivals_and_shops(web, w):
    response = await web.get("/")
    assert response.status_code == 200
    text = response.text
    assert 'href="/c/tea"' in text and "茶葉" in text and 'href="/c/electronics"' in text
    assert 'href="/c/oolong"' not in text  # only top-level categories on the home page
    featured = text.split('id="h-featured"')[1].split('id="h-new"')[0]
    # one recent product with a picture from each shop: alishan (newest tea with a picture) and the earphones
    assert set(CARD.findall(featured)) == {w.products["alishan"].id, w.products["earphones"].id}
    new = text.split('id="h-new"')[1].split('id="h-shops"')[0]
    assert CARD.findall(new)[0] == w.products["kettle"].id
    assert 'href="/shops/mountain-tea"' in text and 'href="/shops/soundlife"' in text


async def test_home_on_an_empty_mall_still_looks_finished(web, app):
    response = await web.get("/")
    assert response.status_code == 200 and "The shelves are still being stocked" in response.text


async def test_categories_page_shows_the_tree(web, w):
    response = await web.get("/categories")
    assert response.status_code == 200
    assert re.search(r'href="/c/tea".*href="/c/oolong".*href="/c/black-tea"', response.text, re.S)


async def test_shop_directory_lists_approved_shops_with_filters_and_pages(web, w, factory):
    await factory.shop(name="Pending Tea", slug="pending-tea", status="pending")
    await factory.shop(name="Closed Tea", slug="closed-tea", status="suspended")
    text = (await web.get("/shops")).text
    assert 'href="/shops/mountain-tea"' in text and 'href="/shops/soundlife"' in text
    assert "pending-tea" not in text and "closed-tea" not in text
    text = (await web.get("/shops?category=electronics")).text
    assert "soundlife" in text and "mountain-tea" not in text
    text = (await web.get("/shops?q=mountain")).text
    assert "mountain-tea" in text and "soundlife" not in text
    fragment = await web.get("/shops?q=mountain", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "mountain-tea" in fragment.text
    assert (await web.get("/shops?q[$ne]=")).status_code == 400


async def test_shop_directory_pages(web, app, factory):
    for i in range(26):
        await factory.shop(name=f"Tea Stall {i:02d}", slug=f"tea-stall-{i:02d}")
    first = await web.get("/shops")
    second = await web.get("/shops?page=2")
    assert "26 shops" in first.text and 'href="/shops?page=2"' in first.text
    assert "tea-stall-25" in second.text and "tea-stall-25" not in first.text


async def test_shop_page_shows_banner_logo_theme_announcement_about_and_products(web, w, container):
    logo, banner = world.picture(container, "#ffffff"), world.picture(container, "#2f7d4a")
    await profile(container, w.shops["tea"], theme_color="#2f7d4a", announcement="新茶上市！", about="Three generations.",
                  logo=logo, banner=banner)  # fmt: skip
    response = await web.get("/shops/mountain-tea")
    text = response.text
    assert response.status_code == 200
    assert 'style="--theme: #2f7d4a"' in text
    assert f'src="/media/{logo}"' in text and f'src="/media/{banner}"' in text
    assert "新茶上市！" in text and "Three generations." in text
    assert set(CARD.findall(text)) == {w.products[k].id for k in ("dongding", "alishan", "black")}


async def test_shop_page_sorts_and_swaps_only_its_products_for_htmx(web, w):
    asc = CARD.findall((await web.get("/shops/mountain-tea?sort=price_asc")).text)
    assert asc == [w.products[k].id for k in ("black", "dongding", "alishan")]
    fragment = await web.get("/shops/mountain-tea?sort=price_desc", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and CARD.findall(fragment.text) == asc[::-1]
    assert "HX-Request" in fragment.headers["vary"]
    assert (await web.get("/shops/mountain-tea?sort[$gt]=")).status_code == 400


async def test_suspended_pending_and_unknown_shops_are_404(web, w, container, factory):
    await world.suspend(container, w.shops["sound"])
    pending = await factory.shop(slug="not-yet", status="pending")
    for slug in ("soundlife", pending.slug, "no-such-shop", "%3Cscript%3E"):
        response = await web.get(f"/shops/{slug}")
        assert response.status_code == 404, slug


async def test_script_in_a_shop_name_and_texts_is_escaped(web, app, container, factory):
    shop = await factory.shop(
        name="<script>alert(1)</script>", slug="xss-shop", description="<img src=x onerror=alert(2)>"
    )
    await profile(container, shop, announcement="<script>alert(3)</script>", about="<b>hi</b>")
    await world.product(container, shop, name={"en": "Plain tea"}, variants=[("X-1", {}, 100, 1)])
    pages = [await web.get(p) for p in ("/shops/xss-shop", "/shops", "/search?q=plain", "/")]
    for response in pages:
        assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].text and "&lt;b&gt;hi&lt;/b&gt;" in pages[0].text


async def test_a_bad_theme_colour_never_reaches_the_style_attribute(web, w, container):
    await container.db["shops"].update_one(  # data written before the colour rule existed
        {"_id": w.shops["tea"].id}, {"$set": {"theme_color": "red;background:url(//evil)"}}
    )
    text = (await web.get("/shops/mountain-tea")).text
    assert "evil" not in text and 'style="--theme: #c2410c"' in text
