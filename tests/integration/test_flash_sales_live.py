"""Flash sales live on the `deals` channel (anyone may listen, guests too): the remaining count after
reservations (one message per 250 ms however many reservations), sold out, the opening and the end,
listing changes; and a reminder reaches only the shopper who asked for it."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from mall.flash_sales import services as flash
from tests.integration.flash_helpers import loosen_rate_limits, make_sale, next_tick_window, reserve
from tests.integration.test_realtime_hub import next_message, open_socket, session_header, ws_url


async def deals_socket(app):
    return await open_socket(app, "channels=deals")  # a guest: no session at all


async def next_about(sock, sale_id: str, timeout: float = 3.0) -> dict:
    """The next message about this sale (an earlier test's delayed push may still be on its way)."""
    while True:
        message = await next_message(sock, timeout=timeout)
        if message["data"].get("sale_id") == sale_id:
            return message


async def quiet(sock, sale_id: str, seconds: float) -> bool:
    """Nothing more about this sale arrives within `seconds`."""
    with pytest.raises(asyncio.TimeoutError):
        await next_about(sock, sale_id, timeout=seconds)
    return True


async def test_many_reservations_within_250_ms_become_one_message_with_the_right_count(app, factory, container):
    loosen_rate_limits(container)
    sale = await make_sale(container, factory, quantity=100, limit=1)
    shoppers = [(await factory.user()).id for _ in range(12)]
    sock = await deals_socket(app)
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        answers = await asyncio.gather(*(reserve(container, sale, user) for user in shoppers))
        assert [a.reason for a in answers] == ["ok"] * 12

        message = await next_about(sock, sale.id, timeout=2)

        assert loop.time() - started >= 0.24  # pushed after the 250 ms window, not per reservation
        assert message["channel"] == "deals" and message["kind"] == "flash.stock"
        assert message["data"] == {"sale_id": sale.id, "remaining": 88, "quantity": 100}
        assert message["html"] == ""  # numbers only: no text in anyone's language
        assert await quiet(sock, sale.id, 0.6)
    finally:
        await sock.close()


async def test_a_purchase_through_the_page_is_pushed_and_the_last_unit_says_sold_out(app, web, factory, container):
    sale = await make_sale(container, factory, quantity=2, limit=1)
    sock = await deals_socket(app)
    try:
        await web.sign_in((await factory.user()).email)
        await web.page(f"/flash/{sale.id}")
        assert (await web.form(f"/flash/{sale.id}/reserve", {"qty": "1"})).status_code == 303
        first = await next_about(sock, sale.id)
        assert (first["kind"], first["data"]["remaining"]) == ("flash.stock", 1)

        await next_tick_window(container, sale)
        await reserve(container, sale, (await factory.user()).id)
        last = await next_about(sock, sale.id)
        assert (last["kind"], last["data"]["remaining"]) == ("flash.sold_out", 0)
        assert last["seq"] > first["seq"]
    finally:
        await sock.close()


async def test_opening_and_ending_flip_every_open_page(app, factory, container):
    sale = await make_sale(container, factory, starts_in=60, lasts=600)
    sock = await deals_socket(app)
    try:
        container.clock.advance(seconds=60)
        assert await flash.open_sale(container, sale.id) is True
        opened = await next_about(sock, sale.id)
        assert opened["kind"] == "flash.opened" and opened["data"] == {"sale_id": sale.id, "state": "running"}

        container.clock.advance(seconds=600)
        assert await flash.close_sale(container, sale.id) is True
        ended = await next_about(sock, sale.id)
        assert ended["kind"] == "flash.ended" and ended["data"] == {"sale_id": sale.id, "state": "ended"}
    finally:
        await sock.close()


async def test_a_new_or_cancelled_sale_refreshes_the_listings(app, factory, container):
    sock = await deals_socket(app)
    try:
        sale = await make_sale(container, factory, starts_in=600)
        scheduled = await next_about(sock, sale.id)
        assert scheduled["kind"] == "flash.scheduled"
        assert scheduled["data"] == {"sale_id": sale.id, "refresh": ["#deals-list", "#deals-strip"]}
        await flash.cancel_sale(container, sale.id)
        cancelled = await next_about(sock, sale.id)
        assert cancelled["kind"] == "flash.cancelled" and cancelled["data"]["refresh"] == [
            "#deals-list",
            "#deals-strip",
        ]
    finally:
        await sock.close()


async def test_a_reminder_is_a_notification_and_a_toast_for_that_shopper_only(app, web, factory, container):
    sale = await make_sale(container, factory, starts_in=60)
    asked, other = await factory.user(), await factory.user()
    await flash.remind(container, sale.id, asked.id)
    await web.sign_in(asked.email)
    mine = await open_socket(app, f"channels=user:{asked.id}", session_header(web))
    async with type(web)(base_url=web.base_url) as other_web:
        await other_web.sign_in(other.email)
        theirs = await open_socket(app, f"channels=user:{other.id}", session_header(other_web))
    try:
        container.clock.advance(seconds=60)
        await flash.open_sale(container, sale.id)

        message = await next_message(mine)
        assert message["channel"] == f"user:{asked.id}" and message["kind"] == "flash.reminder"
        assert f"/live/alerts/flash/{sale.id}" in message["html"] and message["data"]["link"] == f"/flash/{sale.id}"
        assert "#bell-count" in message["data"]["refresh"]
        with pytest.raises(asyncio.TimeoutError):
            await next_message(theirs, timeout=0.3)  # nothing at all on the other shopper's channel
    finally:
        await mine.close()
        await theirs.close()

    notes, total = await container.notifications.page(asked.id, skip=0, limit=10)
    assert total == 1 and notes[0]["kind"] == "flash.reminder" and notes[0]["link"] == f"/flash/{sale.id}"
    assert (await container.notifications.page(other.id, skip=0, limit=10))[1] == 0
    shown = (await web.page("/notifications")).text
    assert "The flash sale you asked about has started: Test product" in shown
    toast = await web.get(f"/live/alerts/flash/{sale.id}")
    assert "A flash sale you asked about has started" in toast.text and f'href="/flash/{sale.id}"' in toast.text
    await flash.open_sale(container, sale.id)  # a second run of the job reminds nobody twice
    assert (await container.notifications.page(asked.id, skip=0, limit=10))[1] == 1


async def test_pages_with_sales_join_deals_and_other_pages_keep_to_the_users_own_channels(app, web, factory, container):
    await make_sale(container, factory)
    guest = (await web.page("/deals")).text
    assert 'ws-connect="/ws"' in guest and "ext-ws" in guest and "realtime.js" in guest
    assert "ws-connect" not in (await web.page("/shops")).text  # a guest elsewhere: no socket (the cart shows prices)

    shopper = await factory.user()
    await web.sign_in(shopper.email)
    assert 'ws-connect="/ws"' in (await web.page("/deals")).text  # deals and the user's own channels
    assert f'ws-connect="/ws?channels=user:{shopper.id}"' in (await web.page("/orders")).text
    async with await connect(ws_url(app), additional_headers=session_header(web), origin=None) as sock:
        await sock.send(json.dumps({"type": "resume", "last": {}}))
        ready = json.loads(await asyncio.wait_for(sock.recv(), 5))  # what /ws without channels joins
    assert ready["channels"] == sorted(["deals", f"user:{shopper.id}"])
