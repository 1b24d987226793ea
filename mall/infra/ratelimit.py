"""Fixed-window rate limits in Redis: one atomic script per hit (works on Redis 6.2+)."""

from __future__ import annotations

from dataclasses import dataclass

_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('TTL', KEYS[1])}
"""
# Take one hit back, only while its window lasts (a DECR after expiry would leave a key that never expires).
_FORGIVE = """
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
"""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int
    count: int = 0


class RateLimiter:
    def __init__(self, redis):
        self.redis = redis
        self._hit = redis.register_script(_HIT)
        self._forgive = redis.register_script(_FORGIVE)

    async def hit(self, bucket: str, limit: int, window: int) -> Verdict:
        count, ttl = await self._hit(keys=[f"rl:{bucket}"], args=[window])
        if int(count) > limit:
            return Verdict(False, max(int(ttl), 1), int(count))
        return Verdict(True, 0, int(count))

    async def forgive(self, bucket: str) -> None:
        """Undo one hit of the current window (an attempt that turned out not to count, e.g. a sign-in that worked)."""
        await self._forgive(keys=[f"rl:{bucket}"])

    async def count(self, bucket: str) -> int:
        return int(await self.redis.get(f"rl:{bucket}") or 0)
