"""GET /api/v1/shops and /api/v1/shops/{slug}: approved shops only, typed queries (SECURITY rows 3, 7, 8)."""

from __future__ import annotations

XSS = "<script>alert(1)</script>"


async def test_list_has_approved_shops_only_by_name(api, factory):
    await factory.shop(name="Zen Books", slug="zen-books", category="books")
    await factory.shop(name="Alpha Tea", slug="alpha-tea")
    await factory.shop(status="pending", name="Pending Shop")
    await factory.shop(status="rejected", name="Rejected Shop")
    await factory.shop(status="suspended", name="Suspended Shop")
    body = (await api.get("/api/v1/shops")).json()
    assert body["total"] == 2
    assert [s["name"] for s in body["items"]] == ["Alpha Tea", "Zen Books"]
    assert set(body["items"][0]) >= {"id", "slug", "name", "category", "category_label", "theme_color", "logo_url"}
    assert "owner_id" not in body["items"][0] and "contact_email" not in body["items"][0]
    books = (await api.get("/api/v1/shops?category=books")).json()
    assert [s["slug"] for s in books["items"]] == ["zen-books"]
    assert books["items"][0]["category_label"] == {"en": "Books", "zh_Hant": "書籍"}


async def test_list_pages(api, factory):
    for n in range(3):
        await factory.shop(name=f"Shop {n}", slug=f"paged-{n}")
    page2 = (await api.get("/api/v1/shops?per_page=2&page=2")).json()
    assert page2["total"] == 3 and [s["slug"] for s in page2["items"]] == ["paged-2"]


async def test_query_parameters_are_typed_and_closed(api):
    for query in ("page=abc", "page=0", "category=weapons", "sort=name", "category[$ne]=x", "per_page=1000"):
        response = await api.get(f"/api/v1/shops?{query}")
        assert response.status_code == 422, query
        assert response.json()["error"]["fields"]


async def test_one_shop_by_slug_only_when_approved(api, factory):
    await factory.shop(slug="open-shop")
    await factory.shop(status="pending", slug="waiting-shop")
    await factory.shop(status="suspended", slug="closed-shop")
    assert (await api.get("/api/v1/shops/open-shop")).json()["slug"] == "open-shop"
    for slug in ("waiting-shop", "closed-shop", "no-such-shop", "..%2f..", "x" * 300):
        response = await api.get(f"/api/v1/shops/{slug}")
        assert response.status_code == 404, slug
        assert response.json()["error"]["status"] == 404


async def test_shop_names_are_plain_text_in_json(api, factory):
    await factory.shop(name=XSS, slug="xss-shop", description='"quoted" & <b>bold</b>')
    shop = (await api.get("/api/v1/shops/xss-shop")).json()
    assert shop["name"] == XSS and shop["description"] == '"quoted" & <b>bold</b>'
    assert (await api.get("/api/v1/shops/xss-shop")).headers["content-type"].startswith("application/json")


async def test_openapi_describes_the_shops_api(api):
    spec = (await api.get("/api/v1/openapi.json")).json()
    assert "/api/v1/shops" in spec["paths"] and "/api/v1/shops/{slug}" in spec["paths"]
    assert spec["paths"]["/api/v1/shops"]["get"]["summary"]
