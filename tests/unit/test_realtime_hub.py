"""Fan-out inside one process: a slow client overflows and is dropped alone."""

from __future__ import annotations

import asyncio
import json

from mall.realtime.hub import Hub, Subscriber
from mall.realtime.models import allowed_channels, may_join
from mall.realtime.services import parse_resume


def raw(channel: str, seq: int) -> str:
    return json.dumps({"channel": channel, "seq": seq, "kind": "k", "html": "", "data": {}})


async def until(condition) -> None:
    for _ in range(500):  # a condition, polled, bounded
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("never happened")


async def test_a_slow_subscriber_overflows_without_delaying_the_others():
    hub = Hub(store=None)
    received: list[int] = []
    dropped: list[str] = []
    stuck = asyncio.Event()

    async def fast_send(message):
        received.append(json.loads(message)["seq"])

    async def slow_send(message):
        await stuck.wait()  # never returns during the test

    fast = Subscriber(fast_send, {"deals"}, limit=8)
    slow = Subscriber(slow_send, {"deals"}, limit=8, on_overflow=lambda: dropped.append("slow"))
    for subscriber in (fast, slow):
        subscriber.go_live()
        hub.join(subscriber)
    for seq in range(1, 21):
        hub.dispatch(raw("deals", seq))
        await asyncio.sleep(0)
    await until(lambda: received == list(range(1, 21)))
    assert slow.overflowed and not fast.overflowed and dropped == ["slow"]
    assert slow.sender is None and slow.waiting is None  # its sending stopped, its backlog dropped
    hub.dispatch(raw("deals", 21))
    assert dropped == ["slow"]  # dropped once; the connection's handler closes it


async def test_an_idle_subscriber_holds_no_queue_and_no_task():
    sent = []

    async def send(message):
        sent.append(json.loads(message)["seq"])

    sub = Subscriber(send, {"deals"})
    sub.go_live()
    assert (sub.waiting, sub.sender) == (None, None)
    sub.offer("deals", 1, raw("deals", 1))
    sub.offer("deals", 2, raw("deals", 2))
    assert sub.sender is not None  # one task while messages wait
    await until(lambda: sent == [1, 2])
    await until(lambda: sub.sender is None)
    assert sub.waiting is None


async def test_live_messages_wait_for_the_replay_and_follow_it_once():
    sent = []

    async def send(message):
        sent.append(json.loads(message)["seq"])

    sub = Subscriber(send, {"deals"})
    sub.offer("deals", 5, raw("deals", 5))  # published while the client's missed messages are replayed
    sub.offer("deals", 6, raw("deals", 6))
    await asyncio.sleep(0)
    assert sent == [] and sub.sender is None
    for seq in (4, 5):  # the replay, which already holds 5
        await sub.deliver("deals", seq, raw("deals", seq))
    sub.go_live()
    await until(lambda: sent == [4, 5, 6])


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
