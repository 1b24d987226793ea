"""The bell's unread count, kept in Redis between writes: always the count MongoDB holds, also when a
notification arrives while it is being counted, after "mark all read", and after Redis lost what it kept."""

from __future__ import annotations

import asyncio

from mall.realtime import services as realtime


async def _notify(container, user_id: str, n: int = 1) -> None:
    for i in range(n):
        await realtime.notify(
            container.notifications, container.channels, container.clock, user_id=user_id, kind="order.paid",
            params={"number": f"N{i}"}, link="/orders", html="",
        )  # fmt: skip


async def _counted(container, user_id: str) -> int:
    return await container.db["notifications"].count_documents({"user_id": user_id, "read_at": None})


async def test_the_count_follows_every_notification_and_mark_all_read(container, factory):
    # given a shopper whose count has been read (and kept) once
    shopper = await factory.user()
    assert await realtime.unread_count(container.notifications, shopper.id) == 0

    # when notifications arrive, then the kept count is not served: each read is the new count
    for expected in (1, 2, 3):
        await _notify(container, shopper.id)
        assert await realtime.unread_count(container.notifications, shopper.id) == expected

    # when they are all read, then the bell says 0 at once, and again when asked twice
    await realtime.mark_all_read(container.notifications, container.clock, shopper.id)
    assert await realtime.unread_count(container.notifications, shopper.id) == 0
    assert await realtime.unread_count(container.notifications, shopper.id) == 0
    await _notify(container, shopper.id)
    assert (
        await realtime.unread_count(container.notifications, shopper.id) == 1 == await _counted(container, shopper.id)
    )


async def test_a_kept_count_is_served_without_counting_and_is_one_users_own(container, factory, monkeypatch):
    # given two users with different counts, each read once
    alice, bob = await factory.user(), await factory.user()
    await _notify(container, alice.id, 2)
    await _notify(container, bob.id, 5)
    assert await realtime.unread_count(container.notifications, alice.id) == 2
    assert await realtime.unread_count(container.notifications, bob.id) == 5

    # when they are read again with nothing new, then MongoDB is not asked and each gets their own count
    calls = []
    original = container.notifications._count

    async def counting(user_id):
        calls.append(user_id)
        return await original(user_id)

    monkeypatch.setattr(container.notifications, "_count", counting)
    assert await realtime.unread_count(container.notifications, alice.id) == 2
    assert await realtime.unread_count(container.notifications, bob.id) == 5
    assert calls == []


async def test_a_notification_arriving_during_a_count_is_never_hidden(container, factory, monkeypatch):
    # given a count that is slow (it read MongoDB before a notification arrived)
    shopper = await factory.user()
    await _notify(container, shopper.id, 1)
    original = container.notifications._count
    counted = asyncio.Event()
    go_on = asyncio.Event()

    async def slow(user_id):
        count = await original(user_id)
        counted.set()
        await go_on.wait()
        return count

    monkeypatch.setattr(container.notifications, "_count", slow)
    reading = asyncio.create_task(realtime.unread_count(container.notifications, shopper.id))
    await counted.wait()

    # when a notification arrives in between, and the slow count then finishes and is kept
    monkeypatch.setattr(container.notifications, "_count", original)
    await _notify(container, shopper.id)
    go_on.set()
    assert await reading == 1  # what that reader counted

    # then the next reader gets 2, not the 1 kept by the late count
    assert (
        await realtime.unread_count(container.notifications, shopper.id) == 2 == await _counted(container, shopper.id)
    )


async def test_what_redis_kept_being_lost_costs_a_recount_not_a_wrong_count(container, factory):
    # given a kept count
    shopper = await factory.user()
    await _notify(container, shopper.id, 3)
    assert await realtime.unread_count(container.notifications, shopper.id) == 3

    # when Redis loses its keys (a flush; a restart without its files) and one more notification arrives
    await container.redis.flushdb()
    await _notify(container, shopper.id)

    # then the count is MongoDB's
    assert (
        await realtime.unread_count(container.notifications, shopper.id) == 4 == await _counted(container, shopper.id)
    )
