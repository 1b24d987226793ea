"""Redis keys of the realtime hub: per-channel sequence numbers, the replay log
of persisted channels, and the pub/sub bus every worker listens to."""

from __future__ import annotations

import json

from mall.infra import mongo, redis_batch

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
        self.batch = redis_batch.shared(redis)
        self._publish = redis.register_script(_PUBLISH)

    async def publish(self, channel: str, message: dict, *, persist: bool) -> int:
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
        seq = await self._publish(keys=_keys(channel), args=[channel, body, "1" if persist else "0", LOG_LENGTH, BUS])
        return int(seq)

    async def since(self, channel: str, last_seq: int) -> list[str]:
        """Persisted messages after last_seq, oldest first (raw JSON text)."""
        return await self.redis.zrangebyscore(_keys(channel)[1], f"({int(last_seq)}", "+inf")

    async def current_seqs(self, channels) -> dict[str, int]:
        """current_seq of each channel, in one round trip (on a cluster, a pipeline to each key's node)."""
        channels = list(channels)
        seqs = await self.batch.each(*(("GET", _keys(channel)[0]) for channel in channels))
        return {channel: int(seq or 0) for channel, seq in zip(channels, seqs, strict=True)}

    def subscriber(self):
        return self.redis.pubsub(ignore_subscribe_messages=True)


UNREAD_KEPT_SECONDS = 600


def _unread_keys(user_id: str) -> list[str]:
    return [f"nt:{{{user_id}}}:v", f"nt:{{{user_id}}}:unread"]  # one slot per user (Redis Cluster)


class NotificationRepository:
    """What a user must not miss, kept in MongoDB for the notifications page and bell.

    The bell's unread count is on every signed-in page, so it is kept in Redis beside a version of the user's
    notifications that each write bumps (after it is written): a kept count is used only while the version it
    was counted at is still current, so a count taken while a notification arrives is never served; a lost Redis
    costs a recount. Without Redis (`redis=None`) it is counted each time."""

    def __init__(self, db, redis=None):
        self.items = db["notifications"]
        self.batch = redis_batch.shared(redis) if redis is not None else None

    async def ensure_indexes(self) -> None:
        await self.items.create_index([("user_id", 1), ("created_at", -1)])
        await self.items.create_index([("user_id", 1), ("read_at", 1)])

    async def add(self, doc: dict) -> None:
        await self.items.insert_one(doc)
        await self._changed(doc["user_id"])

    async def unread_count(self, user_id: str) -> int:
        if self.batch is None:
            return await self._count(user_id)
        version_key, kept_key = _unread_keys(str(user_id))
        version, kept = await self.batch.command("MGET", version_key, kept_key)
        version = version or "0"
        if kept is not None:
            kept_version, _, count = kept.partition(":")
            if kept_version == version:
                return int(count)
        count = await self._count(user_id)
        await self.batch.command("SET", kept_key, f"{version}:{count}", "EX", UNREAD_KEPT_SECONDS)
        return count

    async def _count(self, user_id: str) -> int:
        return await self.items.count_documents({"user_id": str(user_id), "read_at": None})

    async def _changed(self, user_id: str) -> None:
        if self.batch is not None:
            await self.batch.command("INCR", _unread_keys(str(user_id))[0])

    async def page(self, user_id: str, *, skip: int, limit: int) -> tuple[list[dict], int]:
        query = {"user_id": str(user_id)}
        total = await self.items.count_documents(query)
        cursor = self.items.find(query).sort("created_at", -1).skip(skip).limit(limit)
        return [doc async for doc in cursor], total

    async def mark_read(self, user_id: str, at) -> int:
        query = {"user_id": str(user_id), "read_at": None}
        result = await mongo.idempotent(lambda: self.items.update_many(query, {"$set": {"read_at": at}}))
        await self._changed(user_id)
        return result.modified_count
