"""Redis keys of the realtime hub: per-channel sequence numbers, the replay log
of persisted channels, and the pub/sub bus every worker listens to."""

from __future__ import annotations

import json

BUS = "rt:bus"
LOG_LENGTH = 500

# One atomic step: number the message, keep it for replay if the channel is
# persisted, and publish it. Keys are hash-tagged per channel (Redis Cluster).
_PUBLISH = """
local seq = redis.call('INCR', KEYS[1])
local message = cjson.decode(ARGV[2])
message['seq'] = seq
message['channel'] = ARGV[1]
local text = cjson.encode(message)
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[2], seq, text)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
end
redis.call('PUBLISH', ARGV[5], text)
return seq
"""


def _keys(channel: str) -> list[str]:
    return [f"rt:{{{channel}}}:seq", f"rt:{{{channel}}}:log"]


class ChannelStore:
    def __init__(self, redis):
        self.redis = redis
        self._publish = redis.register_script(_PUBLISH)

    async def publish(self, channel: str, message: dict, *, persist: bool) -> int:
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
        seq = await self._publish(keys=_keys(channel), args=[channel, body, "1" if persist else "0", LOG_LENGTH, BUS])
        return int(seq)

    async def since(self, channel: str, last_seq: int) -> list[str]:
        """Persisted messages after last_seq, oldest first (raw JSON text)."""
        return await self.redis.zrangebyscore(_keys(channel)[1], f"({int(last_seq)}", "+inf")

    async def current_seq(self, channel: str) -> int:
        return int(await self.redis.get(_keys(channel)[0]) or 0)

    def subscriber(self):
        return self.redis.pubsub(ignore_subscribe_messages=True)
