"""Per-process fan-out: one Redis pub/sub subscription per worker, many
WebSocket connections. A slow connection's bounded queue overflows and that
connection alone is dropped (it reconnects and resyncs); nobody else waits."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict, deque

from mall.realtime.repository import BUS, ChannelStore

log = logging.getLogger("mall.realtime")


class Subscriber:
    """One client connection: the channels it joined, the last seq it has per channel, and the raw messages
    waiting to be sent. An idle connection holds neither a queue nor a task (memory per connection is what
    bounds how many a worker holds): a message starts a sending task that ends once nothing waits. More than
    `limit` waiting (a client too slow to read) drops that connection alone (`on_overflow`); it reconnects and
    resumes. Until `go_live` (the replay of what a resuming client missed) live messages only wait."""

    __slots__ = ("channels", "last", "limit", "live", "on_overflow", "overflowed", "send", "sender", "waiting")

    def __init__(self, send, channels: set[str], limit: int = 64, on_overflow=None):
        self.send = send
        self.channels = channels
        self.last: dict[str, int] = {}
        self.limit = limit
        self.on_overflow = on_overflow
        self.overflowed = False
        self.live = False
        self.waiting: deque | None = None
        self.sender: asyncio.Task | None = None

    def offer(self, channel: str, seq: int, raw: str) -> None:
        if self.overflowed:
            return
        if self.waiting is None:
            self.waiting = deque()
        elif len(self.waiting) >= self.limit:
            self.overflowed, self.waiting = True, None
            self.stop()
            if self.on_overflow is not None:
                self.on_overflow()
            return
        self.waiting.append((channel, seq, raw))
        self._start()

    def go_live(self) -> None:
        self.live = True
        self._start()

    def _start(self) -> None:
        if self.live and self.waiting and self.sender is None:
            self.sender = asyncio.get_running_loop().create_task(self._send_waiting(), name="ws: send")

    async def _send_waiting(self) -> None:
        try:
            while self.waiting:
                await self.deliver(*self.waiting.popleft())
        except Exception as exc:  # the connection went; its handler sees it too and ends
            log.debug("a live message was not sent: %r", exc)
        finally:
            self.sender, self.waiting = None, None

    async def deliver(self, channel: str, seq: int, raw: str) -> None:
        """Send unless the client already has it (replay and live can overlap)."""
        if seq <= self.last.get(channel, 0):
            return
        self.last[channel] = seq
        await self.send(raw)

    def stop(self) -> asyncio.Task | None:
        """Stop sending (the connection ends); -> the sending task, cancelled, to await."""
        sender, self.sender = self.sender, None
        if sender is not None:
            sender.cancel()
        return sender


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
