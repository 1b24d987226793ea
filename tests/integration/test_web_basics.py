"""Errors, headers, language and route access rules that hold for every page."""

from __future__ import annotations


async def test_unknown_page_is_a_friendly_404_without_internals(web):
    response = await web.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Traceback" not in response.text
    assert response.headers["x-request-id"]


async def test_api_errors_are_json_with_a_request_id(api):
    response = await api.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    body = response.json()["error"]
    assert body["status"] == 404 and body["request_id"]


async def test_security_headers_and_csp_on_pages(web):
    response = await web.page("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["vary"].startswith("HX-Request")


async def test_json_answers_may_not_run_or_be_framed(api):
    response = await api.get("/api/v1/flash-sales")
    assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]


async def test_every_route_declares_its_access(app):
    from mall.web.security import ACCESS_LEVELS, route_access

    undeclared = [
        r.path
        for r in app.router.routes
        if not r.name.endswith(".static") and not r.name.endswith(".media") and route_access(r) not in ACCESS_LEVELS
    ]
    assert undeclared == []


async def test_language_switch_to_traditional_chinese(web):
    await web.page("/login")
    response = await web.form("/lang", {"lang": "zh_Hant", "next": "/login"})
    assert response.status_code == 302 and response.headers["location"] == "/login"
    page = await web.page("/login")
    assert 'lang="zh-Hant"' in page.text
    assert "登入" in page.text


async def test_accept_language_picks_chinese_for_new_visitors(web):
    page = await web.get("/login", headers={"Accept-Language": "zh-TW,zh;q=0.9"})
    assert 'lang="zh-Hant"' in page.text


async def test_openapi_document_lists_the_api_only(api):
    spec = (await api.get("/api/v1/openapi.json")).json()
    assert "/api/v1/auth/token" in spec["paths"]
    assert all(path.startswith("/api/") for path in spec["paths"])


async def test_signed_in_404_and_403_pages_render(web, factory):
    u = await factory.user()
    await web.sign_in(u.email)
    assert (await web.get("/no/such/page")).status_code == 404
    assert (await web.get("/operator")).status_code == 403


async def test_a_live_htmx_refresh_does_not_swallow_the_message_meant_for_the_next_page(web, factory):
    # given a shopper who is sent back from an empty checkout with a message waiting for the cart page
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    response = await web.get("/checkout")
    assert response.status_code == 302 and response.headers["location"] == "/cart"
    # when live regions of the page still open reload themselves before the redirect is followed
    for path in ("/orders", "/live/bell"):
        assert (await web.get(path, headers={"HX-Request": "true"})).status_code == 200
    # then the cart page still shows the message
    assert "Your cart is empty." in (await web.page("/cart")).text


async def test_a_bearer_token_call_gets_no_cookie_and_leaves_no_session(api, factory, container):
    from tests.integration.orders_helpers import bearer

    headers = await bearer(container, await factory.user())
    answered = await api.get("/api/v1/orders", headers=headers)
    assert answered.status_code == 200
    assert "set-cookie" not in answered.headers
    assert [key async for key in container.redis.scan_iter("sess:*")] == []
    browser = await api.get("/login")  # a browser still gets its session
    assert "mall_session" in browser.headers.get("set-cookie", "")
