"""HTTP methods and limits as any client meets them: HEAD wherever GET answers, a 405 that says what is
allowed, and the answer to an oversized request in the format of the part of the site it was meant for."""

from __future__ import annotations

import re

import httpx

ANY_ID = "0123456789abcdef01234567"


def _get_paths(app) -> list[str]:
    """Every GET route's path, its parameters filled with a well-formed id."""
    paths = set()
    for route in app.router.routes:
        if "GET" in route.methods and not route.path.startswith(("static", "media", "oas")):
            paths.add("/" + re.sub(r"<[^>]+>", ANY_ID, route.path))
    return sorted(paths)


async def test_head_answers_wherever_get_does_with_the_same_status_and_no_body(app, api):
    # given every GET route of the mall, asked anonymously
    mismatches = []
    for path in _get_paths(app):
        get = await api.get(path, follow_redirects=False)
        # when the same path is asked with HEAD
        head = await api.head(path, follow_redirects=False)
        # then it answers as GET would, without the body
        if (head.status_code, head.headers.get("location")) != (get.status_code, get.headers.get("location")):
            mismatches.append((path, get.status_code, head.status_code))
        assert head.content == b""
    assert mismatches == []


async def test_head_of_a_signed_in_api_call_answers_200_with_the_json_headers(app, api, factory):
    user = await factory.user()
    token = (await api.post("/api/v1/auth/token", json={"email": user.email, "password": "password123"})).json()
    auth = {"Authorization": f"Bearer {token['token']}"}

    head = await api.head("/api/v1/me", headers=auth)

    assert head.status_code == 200
    assert head.headers["content-type"] == "application/json"
    assert head.content == b""


async def test_a_page_asked_with_head_by_a_guest_is_sent_to_sign_in_like_get(api):
    head = await api.head("/orders", follow_redirects=False)
    assert head.status_code == 302 and head.headers["location"].startswith("/login")


async def test_every_405_says_which_methods_the_path_allows(app, api):
    # a path served by several routes (PATCH and DELETE of a cart line), one route (GET an order), and a page
    cases = {
        f"/api/v1/cart/items/{ANY_ID}": {"DELETE", "PATCH"},
        f"/api/v1/merchant/products/{ANY_ID}": {"GET", "HEAD", "PATCH", "DELETE"},
        f"/api/v1/orders/{ANY_ID}": {"GET", "HEAD"},
        "/login": {"GET", "HEAD", "POST"},
    }
    for path, allowed in cases.items():
        for method in ("TRACE", "PUT", "OPTIONS"):
            if method in allowed:
                continue
            response = await api.request(method, path)
            assert response.status_code == 405, (method, path)
            assert {m.strip() for m in response.headers["allow"].split(",")} == allowed, (method, path)


async def test_an_oversized_url_under_api_is_answered_in_json(app):
    async with httpx.AsyncClient(base_url=app.ctx.base_url, timeout=30) as client:
        response = await client.get("/api/v1/products", params={"q": "a" * 20_000})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["status"] == 413


async def test_an_oversized_url_of_a_page_is_still_the_friendly_page(app):
    async with httpx.AsyncClient(base_url=app.ctx.base_url, timeout=30) as client:
        response = await client.get("/search", params={"q": "a" * 20_000})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
