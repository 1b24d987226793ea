"""The one way to announce something: `await c.events.publish(name, payload)`,
called by a service after its write succeeded. Handlers (realtime, analytics)
subscribe at start-up; a failing handler is logged and never undoes the write."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

log = logging.getLogger("mall.events")
Handler = Callable[[str, dict], Awaitable[None]]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, name: str, handler: Handler) -> None:
        self._handlers[name].append(handler)

    async def publish(self, name: str, payload: dict) -> None:
        for handler in (*self._handlers.get(name, ()), *self._handlers.get("*", ())):
            try:
                await handler(name, payload)
            except Exception:
                log.exception("event handler %s failed for %s", getattr(handler, "__name__", handler), name)
