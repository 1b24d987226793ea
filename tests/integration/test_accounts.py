"""Sign-up, sign-in, sessions, tokens and their attacks (SECURITY rows 2, 3, 7, 9)."""

from __future__ import annotations

from tests.factories import PASSWORD


async def test_sign_up_signs_in_and_stores_an_argon2id_hash(web, container):
    await web.page("/signup")
    response = await web.form("/signup", {"email": "New@Example.test", "password": "s3cret-pass", "name": "Amy"})
    assert response.status_code == 302
    me = await web.page("/")
    assert "new@example.test" in me.text
    user = await container.users.by_email("new@example.test")
    assert user.password_hash.startswith("$argon2id$")


async def test_sign_in_with_wrong_password_is_refused_without_saying_which_part(web, factory):
    user = await factory.user()
    await web.page("/login")
    response = await web.form("/login", {"email": user.email, "password": "wrong-password"})
    assert response.status_code == 422
    assert "Wrong email or password" in response.text


async def test_session_cookie_is_httponly_samesite_and_rotates_on_sign_in(web, factory):
    user = await factory.user()
    first = await web.page("/login")
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    before = web.cookies.get("mall_session")
    await web.sign_in(user.email)
    assert web.cookies.get("mall_session") != before


async def test_sign_out_ends_the_session(web, factory):
    user = await factory.user()
    await web.sign_in(user.email)
    await web.form("/logout")
    assert (await web.get("/api/v1/me")).status_code == 401


async def test_post_without_csrf_token_is_403_and_signs_nobody_in(web, factory):
    user = await factory.user()
    await web.page("/login")
    response = await web.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert (await web.get("/api/v1/me")).status_code == 401


async def test_post_from_a_foreign_origin_is_403_even_with_a_token(web, factory):
    user = await factory.user()
    await web.page("/login")
    response = await web.post(
        "/login",
        data={"csrf_token": web.csrf, "email": user.email, "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


async def test_mongo_operator_in_json_sign_in_is_422_not_500(api, factory):
    await factory.user(email="victim@example.test")
    response = await api.post("/api/v1/auth/token", json={"email": "victim@example.test", "password": {"$ne": ""}})
    assert response.status_code == 422
    assert "token" not in response.text


async def test_mongo_operator_in_form_sign_in_cannot_sign_in(web, factory):
    await factory.user(email="victim@example.test")
    await web.page("/login")
    response = await web.form("/login", {"email": "victim@example.test", "password[$ne]": ""})
    assert response.status_code == 422
    assert (await web.get("/api/v1/me")).status_code == 401


async def test_register_refuses_unknown_fields_such_as_roles(api, container):
    response = await api.post(
        "/api/v1/auth/register",
        json={"email": "x@example.test", "password": "long-enough", "name": "X", "roles": ["operator"]},
    )
    assert response.status_code == 422
    assert await container.users.by_email("x@example.test") is None


async def test_bearer_token_works_without_csrf(api, factory):
    user = await factory.user()
    token = (await api.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})).json()["token"]
    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["email"] == user.email
    bad = await api.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


async def test_sign_in_is_rate_limited_with_retry_after(web, factory, container, monkeypatch):
    monkeypatch.setattr(container, "settings", container.settings.replace(auth_rate_limit=3))
    user = await factory.user()
    await web.page("/login")
    codes = [(await web.form("/login", {"email": user.email, "password": "nope-nope"})).status_code for _ in range(4)]
    assert codes[:3] == [422, 422, 422]
    last = await web.form("/login", {"email": user.email, "password": PASSWORD})
    assert last.status_code == 429
    assert int(last.headers["retry-after"]) > 0


async def test_next_parameter_never_redirects_off_site(web, factory):
    user = await factory.user()
    await web.page("/login")
    response = await web.form("/login", {"email": user.email, "password": PASSWORD, "next": "//evil.example/x"})
    assert response.status_code == 302
    assert response.headers["location"] == "/"
