"""The WebSocket hub: handshake checks, channel isolation, resync after a
disconnect, and fan-out across app processes that share one Redis."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from mall.realtime import services as realtime


def ws_url(app, query: str = "") -> str:
    return app.ctx.base_url.replace("http://", "ws://") + "/ws" + (f"?{query}" if query else "")


def session_header(web) -> dict:
    return {"Cookie": f"mall_session={web.cookies.get('mall_session')}"}


async def open_socket(app, query="", headers=None, last=None):
    sock = await connect(ws_url(app, query), additional_headers=headers or {}, origin=None)
    await sock.send(json.dumps({"type": "resume", "last": last or {}}))
    ready = json.loads(await asyncio.wait_for(sock.recv(), 5))  # subscribed from here on
    assert ready["type"] == "ready"
    return sock


async def next_message(sock, timeout=3.0) -> dict:
    return json.loads(await asyncio.wait_for(sock.recv(), timeout))


async def test_a_foreign_origin_is_refused_at_the_handshake(app):
    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_url(app, "channels=deals"), origin="https://evil.example")
    assert refused.value.response.status_code == 403


async def test_same_origin_may_connect(app, container):
    async with await connect(ws_url(app, "channels=deals"), origin=app.ctx.base_url) as sock:
        await sock.send(json.dumps({"type": "resume", "last": {}}))
        assert await next_message(sock) == {"type": "ready", "channels": ["deals"]}
        await realtime.publish(container.channels, "deals", "sale.opened", html="<b>open</b>")
        message = await next_message(sock)
        assert (message["channel"], message["kind"], message["html"]) == ("deals", "sale.opened", "<b>open</b>")


async def test_a_signed_out_client_cannot_join_shop_or_user_channels(app, factory):
    shop = await factory.shop()
    owner = await factory.owner_of(shop)
    for channel in (f"shop:{shop.id}", f"user:{owner.id}", "ops"):
        with pytest.raises(InvalidStatus) as refused:
            await connect(ws_url(app, f"channels={channel}"))
        assert refused.value.response.status_code == 403


async def test_a_merchant_cannot_join_another_shops_channel(app, web, factory):
    mine, theirs = await factory.shop(), await factory.shop()
    await web.sign_in((await factory.owner_of(mine)).email)
    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_url(app, f"channels=shop:{theirs.id}"), additional_headers=session_header(web))
    assert refused.value.response.status_code == 403
    own = await open_socket(app, f"channels=shop:{mine.id}", session_header(web))  # the session itself is fine
    await own.close()


async def test_merchant1_never_receives_shop2_events(app, web, container, factory):
    shop1, shop2 = await factory.shop(), await factory.shop()
    await web.sign_in((await factory.owner_of(shop1)).email)
    sock = await open_socket(app, headers=session_header(web))  # every channel the session allows
    try:
        await realtime.publish(container.channels, f"shop:{shop2.id}", "order.paid", html="<p>shop 2</p>")
        await realtime.publish(container.channels, f"shop:{shop1.id}", "order.paid", html="<p>shop 1</p>")
        got = [await next_message(sock)]
        with pytest.raises(asyncio.TimeoutError):
            while True:
                got.append(await next_message(sock, timeout=0.3))
        shops = [m for m in got if m["channel"].startswith("shop:")]  # `deals` may carry other tests' sales
        assert [(m["channel"], m["html"]) for m in shops] == [(f"shop:{shop1.id}", "<p>shop 1</p>")]
    finally:
        await sock.close()


async def test_a_reconnecting_client_gets_every_missed_event_in_order(app, web, container, factory):
    user = await factory.user()
    await web.sign_in(user.email)
    channel = f"user:{user.id}"
    sock = await open_socket(app, f"channels={channel}", session_header(web))
    await realtime.publish(container.channels, channel, "order.paid", html="1")
    seen = (await next_message(sock))["seq"]
    await sock.close()

    for n in range(2, 6):  # published while the client is away
        await realtime.publish(container.channels, channel, "order.shipped", html=str(n))

    sock = await open_socket(app, f"channels={channel}", session_header(web), last={channel: seen})
    try:
        got = [await next_message(sock) for _ in range(4)]
        assert [m["seq"] for m in got] == [seen + 1, seen + 2, seen + 3, seen + 4]
        assert [m["html"] for m in got] == ["2", "3", "4", "5"]
        await realtime.publish(container.channels, channel, "order.completed", html="6")
        assert (await next_message(sock))["seq"] == seen + 5  # and then live again, no duplicates
    finally:
        await sock.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_an_event_from_one_app_process_reaches_a_client_of_another(app, container, tmp_path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MALL_")},
        "MALL_PORT": str(port),
        "MALL_REDIS_URL": container.redis_url,  # the same Redis (and job queue) as this process
        "MALL_QUEUE_REDIS_URL": container.queue_url,
        "MALL_DEMO": "false",
        "MALL_PAYMENT_WEBHOOK_SECRET": "test-secret-0123456789abcdef",
        "MALL_PAYOUT_WEBHOOK_SECRET": "test-payout-secret-0123456789",
        "MALL_VAR_DIR": str(tmp_path),
        "MALL_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    other = subprocess.Popen(
        [sys.executable, "-m", "mall", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"ws://127.0.0.1:{port}/ws?channels=deals"
        for _ in range(200):
            try:
                sock = await connect(url)
                break
            except (OSError, InvalidStatus):  # not listening yet, or 503 while it starts
                assert other.poll() is None, "the second app process exited"
                await asyncio.sleep(0.1)
        else:
            pytest.fail("the second app process did not start")
        await sock.send(json.dumps({"type": "resume", "last": {}}))
        assert json.loads(await asyncio.wait_for(sock.recv(), 5))["type"] == "ready"
        # published through THIS process's publish path; the client is connected to the OTHER process
        await realtime.publish(container.channels, "deals", "sale.opened", html="<b>open</b>")
        message = await next_message(sock, timeout=5)
        assert message["kind"] == "sale.opened" and message["channel"] == "deals"
        await sock.close()
    finally:
        other.terminate()
        other.wait(10)


async def test_a_client_too_slow_to_read_is_dropped_with_1013_and_resumes(app, container, monkeypatch):
    from websockets.exceptions import ConnectionClosed

    from mall.realtime import routes
    from mall.realtime.hub import Subscriber

    monkeypatch.setattr(routes, "Subscriber", lambda send, channels: Subscriber(send, channels, limit=1))
    sock = await open_socket(app, "channels=deals")
    raw = [json.dumps({"channel": "deals", "seq": seq, "kind": "k", "html": "", "data": {}}) for seq in (1, 2)]
    for message in raw:  # two in one turn of the loop: the second finds the first still waiting
        app.ctx.hub.dispatch(message)
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await next_message(sock)
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1013, "too slow; reconnect and resume")
    again = await open_socket(app, "channels=deals")  # it comes back and resumes as usual
    await realtime.publish(container.channels, "deals", "sale.opened", html="<b>open</b>")
    assert (await next_message(again))["kind"] == "sale.opened"
    await again.close()
