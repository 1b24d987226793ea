"""Fixed-window rate limits in Redis: one atomic script per hit (works on Redis 6.2+)."""

from __future__ import annotations

from dataclasses import dataclass

_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('TTL', KEYS[1])}
"""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


class RateLimiter:
    def __init__(self, redis):
        self.redis = redis
        self._hit = redis.register_script(_HIT)

    async def hit(self, bucket: str, limit: int, window: int) -> Verdict:
        count, ttl = await self._hit(keys=[f"rl:{bucket}"], args=[window])
        if int(count) > limit:
            return Verdict(False, max(int(ttl), 1))
        return Verdict(True, 0)
