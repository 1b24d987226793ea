"""Per-process fan-out: one Redis pub/sub subscription per worker, many
WebSocket connections. A slow connection's bounded queue overflows and that
connection alone is dropped (it reconnects and resyncs); nobody else waits."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict

from mall.realtime.repository import BUS, ChannelStore

log = logging.getLogger("mall.realtime")


class Subscriber:
    """One client connection: channels it joined, the last seq it has per
    channel, and a bounded queue of raw messages waiting to be sent."""

    def __init__(self, send, channels: set[str], queue_size: int = 64):
        self.send = send
        self.channels = channels
        self.last: dict[str, int] = {}
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=queue_size)
        self.overflowed = asyncio.Event()

    def offer(self, channel: str, seq: int, raw: str) -> None:
        if self.overflowed.is_set():
            return
        try:
            self.queue.put_nowait((channel, seq, raw))
        except asyncio.QueueFull:
            self.overflowed.set()

    async def deliver(self, channel: str, seq: int, raw: str) -> None:
        """Send unless the client already has it (replay and live can overlap)."""
        if seq <= self.last.get(channel, 0):
            return
        self.last[channel] = seq
        await self.send(raw)

    async def pump(self) -> None:
        while True:
            channel, seq, raw = await self.queue.get()
            await self.deliver(channel, seq, raw)


class Hub:
    def __init__(self, store: ChannelStore):
        self.store = store
        self.subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self._task: asyncio.Task | None = None
        self._pubsub = None
        self.ready = asyncio.Event()

    async def start(self) -> None:
        self._pubsub = self.store.subscriber()
        await self._pubsub.subscribe(BUS)
        self._task = asyncio.create_task(self._listen(), name="realtime-hub")
        self.ready.set()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: S110 (shutting down)
                pass
        if self._pubsub is not None:
            await self._pubsub.aclose()

    async def _listen(self) -> None:
        while True:
            try:
                async for message in self._pubsub.listen():
                    if message.get("type") == "message":
                        self.dispatch(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("realtime bus listener failed; resubscribing")
                await asyncio.sleep(0.5)

    def dispatch(self, raw: str) -> None:
        head = json.loads(raw)
        channel, seq = head["channel"], int(head["seq"])
        for subscriber in tuple(self.subscribers.get(channel, ())):
            subscriber.offer(channel, seq, raw)

    def join(self, subscriber: Subscriber) -> None:
        for channel in subscriber.channels:
            self.subscribers[channel].add(subscriber)

    def leave(self, subscriber: Subscriber) -> None:
        for channel in subscriber.channels:
            members = self.subscribers.get(channel)
            if members is not None:
                members.discard(subscriber)
                if not members:
                    del self.subscribers[channel]

    @property
    def connections(self) -> int:
        return len({s for members in self.subscribers.values() for s in members})
