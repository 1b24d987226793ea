"""The one clock: timezone-aware UTC. Tests pass a FrozenClock instead of sleeping."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass
class FrozenClock:
    current: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        """A wait that passes at once: the frozen time moves on by `seconds`."""
        self.advance(seconds=seconds)

    def advance(self, **delta) -> datetime:
        self.current += timedelta(**delta)
        return self.current
