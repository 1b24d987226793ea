"""The sign-in and sign-up pages speak to people: refusals in their language next to the field, the server's
limits on every input, empty fields empty, and "Sign in" returns to the very page it was pressed on."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.factories import PASSWORD


def _input(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html, re.S)
    assert match, f"no input {name}"
    return match.group(0)


async def test_sign_up_errors_on_the_chinese_page_are_chinese_and_written_for_people(web):
    await web.page("/signup")
    await web.form("/lang", {"lang": "zh_Hant", "next": "/signup"})
    await web.page("/signup")
    typed = {"email": "not-an-email", "password": "short", "name": "名" * 81}
    response = await web.form("/signup", typed)
    assert response.status_code == 422
    assert "最多只能輸入 80 個字元。" in response.text
    assert "請至少輸入 8 個字元。" in response.text
    assert "請輸入電子郵件地址，例如 name@example.com。" in response.text
    assert "should" not in response.text and "String" not in response.text
    assert 'value="not-an-email"' in response.text and "名" * 81 in response.text  # nothing typed is lost


async def test_every_sign_up_and_sign_in_input_carries_the_servers_limit(web):
    signup = (await web.page("/signup")).text
    assert 'maxlength="80"' in _input(signup, "name")
    assert 'maxlength="254"' in _input(signup, "email")
    assert 'maxlength="256"' in _input(signup, "password") and 'minlength="8"' in _input(signup, "password")
    login = (await web.page("/login")).text
    assert 'maxlength="254"' in _input(login, "email") and 'maxlength="256"' in _input(login, "password")


async def test_empty_fields_are_empty_not_none(web):
    for path in ("/login", "/signup"):
        page = (await web.page(path)).text
        assert 'value="None"' not in page
        assert 'value=""' in _input(page, "email")


async def test_the_api_says_what_is_wrong_in_words_people_read(api):
    response = await api.post(
        "/api/v1/auth/register", json={"email": "a@example.test", "password": "long-enough-1", "name": "x" * 81}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"name": "Use at most 80 characters."}
    chinese = await api.post(
        "/api/v1/auth/register",
        json={"email": "a@example.test", "password": "short", "name": "Amy"},
        headers={"Accept-Language": "zh-TW"},
    )
    assert chinese.json()["error"]["fields"] == {"password": "請至少輸入 8 個字元。"}


async def test_sign_in_from_a_search_returns_to_the_same_search(web, factory):
    user = await factory.user()
    search = await web.page("/search?q=茶")
    link = re.search(r'href="(/login\?next=[^"]+)"', search.text).group(1)
    (back,) = parse_qs(urlsplit(link).query)["next"]
    assert _same_search(back)
    login = await web.page(link)
    assert f'name="next" value="{back}"' in login.text
    response = await web.form("/login", {"email": user.email, "password": PASSWORD, "next": back})
    assert response.status_code == 302 and _same_search(response.headers["location"])


def _same_search(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path == "/search" and parse_qs(parts.query) == {"q": ["茶"]}
