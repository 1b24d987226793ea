"""A repository's collection that misbehaves on the calls a test picks: held in flight until the test lets
them go (an interleaving chosen on purpose, as a real server's network can produce), or failed as a crash or
a replica-set failover would fail them. Every other call passes through.

    with scripted(c.products, "products") as products:
        held = products.hold("update_many")            # the next update_many waits...
        task = asyncio.create_task(...)                # ...someone starts it
        await held.reached.wait()                      # it is in flight now
        ...                                            # whatever must land in between
        held.release()
        products.fail("update_one", AutoReconnect("primary stepped down"))   # the next update_one fails once
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from dataclasses import dataclass, field


class Crash(Exception):
    """The process died here (the test goes on as the next worker would)."""


def everything(*_args, **_kwargs) -> bool:
    return True


@dataclass
class Held:
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.released.set()


@dataclass
class Rule:
    method: str
    when: object
    times: int
    error: Exception | None = None
    held: Held | None = None


class Scripted:
    def __init__(self, inner):
        self._inner = inner
        self._rules: list[Rule] = []

    def hold(self, method: str, when=everything, *, times: int = 1) -> Held:
        held = Held()
        self._rules.append(Rule(method, when, times, held=held))
        return held

    def fail(self, method: str, error: Exception, when=everything, *, times: int = 1) -> None:
        self._rules.append(Rule(method, when, times, error=error))

    def __getattr__(self, name: str):
        attr = getattr(self._inner, name)
        if not any(rule.method == name for rule in self._rules):
            return attr

        async def call(*args, **kwargs):
            rule = next((r for r in self._rules if r.method == name and r.times and r.when(*args, **kwargs)), None)
            if rule is not None:
                rule.times -= 1
                if rule.error is not None:
                    raise rule.error
                rule.held.reached.set()
                await rule.held.released.wait()
            return await attr(*args, **kwargs)

        return call


@contextmanager
def scripted(repository, attribute: str):
    """Swap `repository.<attribute>` (a collection) for a Scripted one while the block runs."""
    original = getattr(repository, attribute)
    stand_in = Scripted(original)
    setattr(repository, attribute, stand_in)
    try:
        yield stand_in
    finally:
        setattr(repository, attribute, original)


def sets(*fields: str):
    """A `when` for updates whose $set holds every one of `fields`."""

    def when(_query, update, *_args, **_kwargs) -> bool:
        return all(f in (update.get("$set") or {}) for f in fields)

    return when
