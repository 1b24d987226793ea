"""The lean path of the hot JSON endpoints (mall.web.lean): no session load and no user read, yet every check
of the full path — CSRF and Origin for cookie calls, an ended session refused, rate limits — and a
reservation that is one Redis round trip on one server (its index of holds included)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from redis.crc import key_slot

from mall.flash_sales import services as flash
from tests.integration.flash_helpers import make_sale
from tests.integration.orders_helpers import bearer


def _path(sale) -> str:
    return f"/api/v1/flash-sales/{sale.id}/reservations"


async def _signed_in(web, factory):
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    return shopper


async def _reserved(container, sale) -> int:
    return (await flash.reconcile(container, sale.id)).reserved


async def test_a_cookie_reservation_needs_the_sessions_csrf_token_and_a_same_site_origin(web, factory, container):
    """SECURITY row 9 on the lean path: the session cookie is an ambient credential."""
    sale = await make_sale(container, factory, quantity=5)
    await _signed_in(web, factory)
    body = {"quantity": 1}

    missing = await web.post(_path(sale), json=body)
    wrong = await web.post(_path(sale), json=body, headers={"X-CSRF-Token": "u.forged"})
    foreign = await web.post(
        _path(sale), json=body, headers={"X-CSRF-Token": web.csrf, "Origin": "https://evil.example"}
    )
    assert [r.status_code for r in (missing, wrong, foreign)] == [403, 403, 403]
    assert foreign.json()["error"]["message"] == "Cross-site request refused."
    assert await _reserved(container, sale) == 0  # nothing was reserved by a refused call

    ours = await web.post(_path(sale), json=body, headers={"X-CSRF-Token": web.csrf, "Origin": str(web.base_url)})
    assert ours.status_code == 201, ours.text
    assert ours.json()["reservation_id"].startswith(f"{sale.id}.")
    assert await _reserved(container, sale) == 1


async def test_an_ended_session_is_refused_at_once_and_an_expired_one_is_never_remembered_past_its_end(
    web, factory, container
):
    sale = await make_sale(container, factory, quantity=5, limit=5)
    await _signed_in(web, factory)
    headers = {"X-CSRF-Token": web.csrf}
    session_key = f"sess:{web.cookies['mall_session']}"
    await container.redis.pexpire(session_key, 300)  # its last moments (fourteen days after it was last saved)
    assert (await web.post(_path(sale), json={"quantity": 1}, headers=headers)).status_code == 201

    # the session runs out while this process remembers who it belongs to
    for _ in range(500):  # a condition, polled: Redis has dropped it
        if not await container.redis.exists(session_key):
            break
        await asyncio.sleep(0.01)
    expired = await web.post(_path(sale), json={"quantity": 1}, headers=headers)
    assert expired.status_code == 401 and expired.json()["error"]["message"] == "Sign in first."

    await _signed_in(web, factory)  # a new session, then signed out: the lean path hears it at once
    headers = {"X-CSRF-Token": web.csrf}
    assert (await web.post(_path(sale), json={"quantity": 1}, headers=headers)).status_code == 201
    await web.form("/logout")
    assert (await web.post(_path(sale), json={"quantity": 1}, headers=headers)).status_code == 401
    assert await _reserved(container, sale) == 2


async def test_the_lean_path_still_rate_limits_cookie_and_token_calls(web, api, factory, container):
    """SECURITY row 13: 429 with Retry-After, in the API's error shape, whichever way the caller signs in."""
    sale = await make_sale(container, factory, quantity=50)
    await _signed_in(web, factory)
    cookie_codes = [
        (await web.post(_path(sale), json={"quantity": 1}, headers={"X-CSRF-Token": web.csrf})).status_code
        for _ in range(6)
    ]
    assert cookie_codes == [201, 409, 409, 409, 409, 429]
    token = await bearer(container, await factory.user())
    for _ in range(5):
        await api.post(_path(sale), json={"quantity": 1}, headers=token)
    limited = await api.post(_path(sale), json={"quantity": 1}, headers=token)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    error = limited.json()["error"]
    assert (error["status"], error["message"]) == (429, "Too many attempts. Try again in a moment.")
    assert error["request_id"] == limited.headers["X-Request-ID"]
    assert limited.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_lean_call_loads_no_session_and_reads_no_user(web, api, factory, container, monkeypatch):
    sale = await make_sale(container, factory, quantity=5)
    token = await bearer(container, await factory.user())
    await _signed_in(web, factory)

    async def refuse(*_args, **_kwargs):
        raise AssertionError("the lean path read a whole session or a user document")

    monkeypatch.setattr(container.sessions, "load", refuse)
    monkeypatch.setattr(container.users, "get", refuse)
    assert (await api.post(_path(sale), json={"quantity": 1}, headers=token)).status_code == 201
    by_cookie = await web.post(_path(sale), json={"quantity": 1}, headers={"X-CSRF-Token": web.csrf})
    assert by_cookie.status_code == 201
    assert "set-cookie" not in by_cookie.headers  # nothing written to the session either


async def test_guests_and_unknown_tokens_are_refused(api, factory, container):
    sale = await make_sale(container, factory, quantity=5)
    guest = await api.post(_path(sale), json={"quantity": 1})
    unknown = await api.post(_path(sale), json={"quantity": 1}, headers={"Authorization": "Bearer nobody"})
    assert (guest.status_code, unknown.status_code) == (401, 401)
    assert unknown.json()["error"]["message"] == "Invalid or expired token."
    chinese = await api.post(_path(sale), json={"quantity": 1}, headers={"Accept-Language": "zh-TW"})
    assert chinese.json()["error"]["message"] == "請先登入。"


def round_trips(container, monkeypatch) -> list:
    """Every round trip to Redis the app makes: plain commands, pipelines and the batches (one per client)."""
    trips = []
    redis, batch = container.redis, container.flash_store.batch

    async def command(*args, real=redis.execute_command, **kwargs):
        trips.append(args[0])
        return await real(*args, **kwargs)

    def pipeline(*args, real=redis.pipeline, **kwargs):
        trips.append("pipeline")
        return real(*args, **kwargs)

    async def batched(commands, real=batch._direct):
        trips.append([command[0] for command in commands])
        return await real(commands)

    monkeypatch.setattr(redis, "execute_command", command)
    monkeypatch.setattr(redis, "pipeline", pipeline)
    monkeypatch.setattr(batch, "_direct", batched)
    return trips


async def _quiet_ticks(container, sale) -> None:
    """No live push during the measure (it would add its own commands)."""
    await container.redis.set(container.flash_store.keys(sale.id)[-1], "1", px=60_000)


async def test_a_reservation_is_one_round_trip_on_one_redis_and_notes_the_hold_in_the_shoppers_index(
    factory, container, monkeypatch
):
    sale = await make_sale(container, factory, quantity=5)
    shopper = await factory.user()
    await flash.reserve(container, sale.id, (await factory.user()).id, 1)  # Redis has the script from now on
    await _quiet_ticks(container, sale)
    trips = round_trips(container, monkeypatch)
    answer = await flash.reserve(container, sale.id, shopper.id, 1, ip="10.0.0.1")
    assert trips == [["EVALSHA"]]
    assert answer.reason == "ok"
    assert [hold.reservation for hold in await flash.live_holds(container, shopper.id)] == [answer.id]


async def test_on_a_cluster_the_script_keeps_to_one_slot_and_the_index_is_written_after_a_success(
    factory, container, monkeypatch
):
    store = container.flash_store
    store.one_server = False  # as with a RedisCluster client: a script may touch one slot only
    scripts = []
    real = store.batch.script

    async def seen(script, keys, args):
        scripts.append(keys)
        return await real(script, keys, args)

    monkeypatch.setattr(store.batch, "script", seen)
    sale = await make_sale(container, factory, quantity=1)
    first, second = await factory.user(), await factory.user()
    ok = await flash.reserve(container, sale.id, first.id, 1, ip="10.0.0.1")
    sold_out = await flash.reserve(container, sale.id, second.id, 1, ip="10.0.0.1")

    assert (ok.reason, sold_out.reason) == ("ok", "sold_out")
    assert all(len({key_slot(key.encode()) for key in keys}) == 1 for keys in scripts)
    assert [hold.reservation for hold in await flash.live_holds(container, first.id)] == [ok.id]
    assert await flash.live_holds(container, second.id) == []


def test_a_lean_route_may_not_ask_for_a_role():
    from types import SimpleNamespace

    from mall.web import lean

    merchant_only = SimpleNamespace(name="x", ctx=SimpleNamespace(lean=True, access="merchant"))
    with pytest.raises(RuntimeError, match="public or for any signed-in user"):
        lean.check_routes([merchant_only])
    lean.check_routes([SimpleNamespace(name="y", ctx=SimpleNamespace(lean=True, access="user"))])


async def test_remaining_counts_come_from_redis_alone_for_the_sales_shoppers_may_see(
    web, api, factory, container, monkeypatch
):
    from mall.shops import services as shops

    running = await make_sale(container, factory, quantity=5)
    upcoming = await make_sale(container, factory, quantity=7, starts_in=600)
    paused = await make_sale(container, factory, quantity=3)
    await shops.suspend(
        container.shops, container.products, container.clock, shop_id=paused.shop_id, operator_id="op",
        reason="checks", events=container.events,
    )  # fmt: skip
    product = await factory.product()
    pending = await flash.create_sale(
        container, actor_id="marketer", product_id=product.id, variant_id=product.variants[0].id, price=9900,
        quantity=4, per_user_limit=1, starts_at=container.clock.now(),
        ends_at=container.clock.now() + timedelta(hours=1), featured=True,
    )  # fmt: skip
    await flash.reserve(container, running.id, (await factory.user()).id, 1)
    ids = ",".join(s.id for s in (running, upcoming, paused, pending))
    await _signed_in(web, factory)

    async def refuse(*_args, **_kwargs):
        raise AssertionError("the lean path read a whole session, a user or the database")

    monkeypatch.setattr(container.sessions, "load", refuse)
    monkeypatch.setattr(container.flash_sales, "get", refuse)
    assert (await web.get(f"/api/v1/flash-sales/remaining?ids={ids}")).status_code == 200  # the owner is remembered
    trips = round_trips(container, monkeypatch)
    answer = await web.get(f"/api/v1/flash-sales/remaining?ids={ids}")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"remaining": {running.id: 4, upcoming.id: 7}}
    assert trips == [["HMGET"] * 4]  # one round trip for the four (the session's owner was remembered)
    for bad in ("", "not-an-id", ",".join([running.id] * 51), f"{running.id}&x=1"):
        assert (await api.get(f"/api/v1/flash-sales/remaining?ids={bad}")).status_code == 422, bad
    assert (await api.head(f"/api/v1/flash-sales/remaining?ids={running.id}")).status_code == 200


async def test_the_cart_badge_counts_without_loading_the_session(web, factory, container, monkeypatch):
    tea = await factory.stocked_product()
    await web.page("/login")
    added = await web.form("/cart/items", {"product_id": tea.id, "variant_id": tea.variants[0].id, "qty": "2"})
    assert added.status_code == 303

    async def refuse(*_args, **_kwargs):
        raise AssertionError("the badge loaded the whole session")

    real_load = container.sessions.load
    monkeypatch.setattr(container.sessions, "load", refuse)
    guest = await web.get("/cart/count")
    assert (guest.status_code, guest.text, guest.headers["Cache-Control"]) == (200, "2", "no-store")
    assert (await web.head("/cart/count")).status_code == 200

    monkeypatch.setattr(container.sessions, "load", real_load)
    shopper = await factory.user()
    await factory.cart_with(shopper, (tea, 3))
    await web.sign_in(shopper.email)  # the guest's 2 join the shopper's 3
    monkeypatch.setattr(container.sessions, "load", refuse)
    assert (await web.get("/cart/count")).text == "5"
