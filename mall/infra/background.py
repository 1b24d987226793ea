"""Work started now and finished later, without making the caller wait (a live push delayed until a window
closes). It belongs to the container that started it: `close()` cancels and awaits whatever is still
pending, so nothing outlives the app, or a test's world, and fires in another."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("mall.background")


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()  # strong references until each is done
        self._closed = False

    def later(self, seconds: float, work: Callable[[], Awaitable[object]], *, what: str) -> None:
        """Run `work()` `seconds` from now; a failure is logged as "could not <what>", never raised."""
        if self._closed:
            log.warning("not scheduling %s: shutting down", what)
            return

        async def run() -> None:
            await asyncio.sleep(seconds)
            try:
                await work()
            except Exception:
                log.exception("could not %s", what)

        task = asyncio.create_task(run(), name=f"later: {what}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def idle(self) -> None:
        """Return once nothing is pending (work that schedules more work is waited for too)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self) -> None:
        """Cancel what is pending and wait until it has stopped; nothing is scheduled after this."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
