"""Fan-out inside one process: a slow client overflows and is dropped alone."""

from __future__ import annotations

import asyncio
import json

from mall.realtime.hub import Hub, Subscriber
from mall.realtime.models import allowed_channels, may_join
from mall.realtime.services import parse_resume


def raw(channel: str, seq: int) -> str:
    return json.dumps({"channel": channel, "seq": seq, "kind": "k", "html": "", "data": {}})


async def test_a_slow_subscriber_overflows_without_delaying_the_others():
    hub = Hub(store=None)
    received: list[int] = []
    stuck = asyncio.Event()

    async def fast_send(message):
        received.append(json.loads(message)["seq"])

    async def slow_send(message):
        await stuck.wait()  # never returns during the test

    fast = Subscriber(fast_send, {"deals"}, queue_size=8)
    slow = Subscriber(slow_send, {"deals"}, queue_size=8)
    hub.join(fast)
    hub.join(slow)
    pumps = [asyncio.create_task(fast.pump()), asyncio.create_task(slow.pump())]
    for seq in range(1, 21):
        hub.dispatch(raw("deals", seq))
        await asyncio.sleep(0)
    await asyncio.sleep(0.01)
    assert received == list(range(1, 21))
    assert slow.overflowed.is_set() and not fast.overflowed.is_set()
    for pump in pumps:
        pump.cancel()


async def test_replayed_and_live_copies_are_delivered_once():
    sent = []

    async def send(message):
        sent.append(message)

    sub = Subscriber(send, {"user:x"})
    await sub.deliver("user:x", 3, "a")
    await sub.deliver("user:x", 3, "a-again")
    await sub.deliver("user:x", 2, "old")
    await sub.deliver("user:x", 4, "b")
    assert sent == ["a", "b"]


def test_resume_messages_are_typed_and_limited_to_joined_channels():
    allowed = {"deals", "user:" + "a" * 24}
    text = json.dumps({"type": "resume", "last": {"deals": 3, "ops": 9, "user:" + "a" * 24: "5", "x": {"$gt": 0}}})
    assert parse_resume(text, allowed) == {"deals": 3}
    assert parse_resume("not json", allowed) == {}
    assert parse_resume(json.dumps({"type": "resume", "last": {"deals": True}}), allowed) == {}


def test_who_may_join_what():
    from datetime import UTC, datetime

    from mall.accounts.models import User

    user = User(
        id="a" * 24,
        email="a@x",
        name="A",
        password_hash="",
        created_at=datetime.now(UTC),
        shop_id="b" * 24,
        shop_role="staff",
    )
    assert allowed_channels(None) == {"deals"}
    assert allowed_channels(user) == {"deals", "user:" + "a" * 24, "shop:" + "b" * 24}
    assert not may_join(user, "shop:" + "c" * 24)
    assert not may_join(user, "ops")
    assert not may_join(user, "user:" + "a" * 24 + " ")
