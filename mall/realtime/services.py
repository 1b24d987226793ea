"""Publishing to channels and resyncing a reconnecting client."""

from __future__ import annotations

import json

from mall.infra.ids import new_id
from mall.realtime.models import Notification, persisted
from mall.realtime.repository import ChannelStore, NotificationRepository


async def publish(
    store: ChannelStore, channel: str, kind: str, *, html: str = "", data: dict | None = None, transient: bool = False
) -> int:
    """Number, keep (for persisted channels) and fan out one message; returns its seq.

    `transient`: fan out but never keep it for replay, even on a persisted channel (a frequent "refresh this
    figure" nudge that a reconnecting client has no use for and that would push out what it must not miss)."""
    message = {"kind": kind, "html": html, "data": data or {}}
    return await store.publish(channel, message, persist=persisted(channel) and not transient)


async def missed(store: ChannelStore, channel: str, last_seq: int) -> list[tuple[int, str]]:
    """What a client that saw `last_seq` missed on a persisted channel, in order."""
    if not persisted(channel):
        return []
    return [(int(json.loads(raw)["seq"]), raw) for raw in await store.since(channel, last_seq)]


async def positions(store: ChannelStore, channels) -> dict[str, int]:
    """Current seq per channel, embedded in pages so the socket resumes from there."""
    return await store.current_seqs(sorted(channels))


def parse_resume(text: str, allowed: set[str]) -> dict[str, int]:
    """{"type": "resume", "last": {channel: seq}} from the client, typed and filtered."""
    try:
        message = json.loads(text)
    except (ValueError, TypeError):
        return {}
    if not isinstance(message, dict) or message.get("type") != "resume" or not isinstance(message.get("last"), dict):
        return {}
    return {
        channel: seq
        for channel, seq in message["last"].items()
        if channel in allowed and isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq < 2**53
    }


async def unread_count(notifications: NotificationRepository, user_id: str) -> int:
    return await notifications.unread_count(user_id)


async def list_notifications(notifications: NotificationRepository, user_id: str, *, page: int, per_page: int = 20):
    docs, total = await notifications.page(user_id, skip=(page - 1) * per_page, limit=per_page)
    return [Notification.from_doc(d) for d in docs], total


async def mark_all_read(notifications: NotificationRepository, clock, user_id: str) -> int:
    return await notifications.mark_read(user_id, clock.now())


async def notify(
    notifications: NotificationRepository,
    store: ChannelStore,
    clock,
    *,
    user_id: str,
    kind: str,
    params: dict,
    link: str,
    html: str,
    refresh: list[str] | None = None,
    sound: bool = False,
) -> Notification:
    """Keep a notification for the user, then push `html` (bell, toast, fresh views) live."""
    note = Notification(id=new_id(), user_id=user_id, kind=kind, params=params, link=link, created_at=clock.now())
    await notifications.add(
        {
            "_id": note.id,
            "user_id": user_id,
            "kind": kind,
            "params": params,
            "link": link,
            "created_at": note.created_at,
            "read_at": None,
        }
    )
    data = {"sound": sound, "link": link, "refresh": refresh or []}
    await publish(store, f"user:{user_id}", kind, html=html, data=data)
    return note


async def ops_feed(store: ChannelStore, limit: int = 30) -> list[dict]:
    """The newest platform events (new shop applications, paid orders), newest first."""
    entries = [json.loads(raw) for raw in await store.since("ops", 0)]
    return list(reversed(entries))[:limit]
