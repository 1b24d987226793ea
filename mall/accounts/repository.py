"""Users in MongoDB; sessions and API tokens in Redis.

Who a request is (the user behind a session or token) is read on every request, so this process
remembers users, tokens and who a session belongs to for IDENTITY_TTL seconds (never past the session's
own end): a change made here is seen at once (the entry is dropped), one made by another worker process
within that time."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import replace

from pymongo.errors import DuplicateKeyError
from redis.exceptions import ResponseError

from mall.accounts.models import User
from mall.infra import redis_batch

IDENTITY_TTL = 10.0  # seconds
IDENTITY_MAX = 100_000  # entries per process


class Recent:
    """A bounded in-process memory of recent answers, each kept for `ttl` seconds."""

    def __init__(self, ttl: float = IDENTITY_TTL, size: int = IDENTITY_MAX):
        self.ttl, self.size = ttl, size
        self._items: dict = {}

    def get(self, key):
        found = self._items.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key, value, ttl: float | None = None) -> None:
        """Kept `ttl` seconds when given and shorter than the memory's own."""
        if len(self._items) >= self.size:
            self._items.pop(next(iter(self._items)))  # the oldest
        life = self.ttl if ttl is None else min(self.ttl, ttl)
        self._items[key] = (time.monotonic() + life, value)

    def drop(self, key) -> None:
        self._items.pop(key, None)


class EmailTaken(Exception):
    pass


class UserRepository:
    def __init__(self, db):
        self.users = db["users"]
        self.recent = Recent()

    async def ensure_indexes(self) -> None:
        await self.users.create_index("email", unique=True)
        await self.users.create_index("shop_id")

    async def add(self, user: User) -> None:
        doc = {
            "_id": user.id,
            "email": user.email,
            "name": user.name,
            "password_hash": user.password_hash,
            "created_at": user.created_at,
            "roles": user.roles,
            "shop_id": user.shop_id,
            "shop_role": user.shop_role,
        }
        try:
            await self.users.insert_one(doc)
        except DuplicateKeyError as exc:
            raise EmailTaken(user.email) from exc

    async def get(self, user_id: str) -> User | None:
        user = self.recent.get(str(user_id))
        if user is None:
            doc = await self.users.find_one({"_id": str(user_id)})
            if doc is None:
                return None
            user = User.from_doc(doc)
            self.recent.put(user.id, user)
        return replace(user, roles=list(user.roles))

    async def many(self, user_ids: list[str]) -> dict[str, User]:
        """{id: user} of those that exist; the ones not known already are read in one query."""
        wanted = list(dict.fromkeys(str(user_id) for user_id in user_ids))
        found = {user_id: user for user_id in wanted if (user := self.recent.get(user_id)) is not None}
        missing = [user_id for user_id in wanted if user_id not in found]
        if missing:
            async for doc in self.users.find({"_id": {"$in": missing}}):
                found[doc["_id"]] = user = User.from_doc(doc)
                self.recent.put(user.id, user)
        return {user_id: replace(user, roles=list(user.roles)) for user_id, user in found.items()}

    async def by_email(self, email: str) -> User | None:
        doc = await self.users.find_one({"email": str(email)})
        return User.from_doc(doc) if doc else None

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        await self.users.update_one({"_id": user_id}, {"$set": {"password_hash": password_hash}})
        self.recent.drop(str(user_id))

    async def set_shop(self, user_id: str, shop_id: str, shop_role: str) -> bool:
        """Join `shop_id` only if the user is in no shop or already in this one (one conditional update)."""
        result = await self.users.update_one(
            {"_id": str(user_id), "shop_id": {"$in": [None, str(shop_id)]}},
            {"$set": {"shop_id": str(shop_id), "shop_role": shop_role}},
        )
        self.recent.drop(str(user_id))
        return result.matched_count == 1

    async def set_shop_if_free(self, user_id: str, shop_id: str, shop_role: str) -> bool:
        """Join `shop_id` only if the user is in no shop yet (one conditional update)."""
        result = await self.users.update_one(
            {"_id": str(user_id), "shop_id": None}, {"$set": {"shop_id": str(shop_id), "shop_role": shop_role}}
        )
        self.recent.drop(str(user_id))
        return result.modified_count == 1

    async def clear_shop(self, user_id: str, shop_id: str) -> bool:
        """Leave `shop_id`; False when the user is not (or no longer) in that shop."""
        result = await self.users.update_one(
            {"_id": str(user_id), "shop_id": str(shop_id)}, {"$set": {"shop_id": None, "shop_role": None}}
        )
        self.recent.drop(str(user_id))
        return result.modified_count == 1

    async def members_of(self, shop_id: str) -> list[User]:
        cursor = self.users.find({"shop_id": str(shop_id)}).sort("created_at", 1)
        return [User.from_doc(doc) async for doc in cursor]

    async def count(self) -> int:
        return await self.users.count_documents({})


WHO = ("uid", "csrf", "lang")  # what the hot JSON endpoints read of a session

# A session written whole, in one step: what it held before is gone, then its entries and its lifetime.
_SAVE = """
redis.call('DEL', KEYS[1])
if #ARGV > 1 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return 1
"""


class SessionStore:
    """Server-side sessions: the cookie holds only a random id. A session is a Redis hash of its entries
    (each one JSON), so who it belongs to (`who`: user id, CSRF token, language) is read without the rest."""

    def __init__(self, redis, ttl: int):
        self.redis = redis
        self.ttl = ttl
        self.recent = Recent()
        self.batch = redis_batch.shared(redis)
        self._save = redis.register_script(_SAVE)

    @staticmethod
    def _key(session_id: str) -> str:
        return f"sess:{session_id}"

    async def load(self, session_id: str) -> dict | None:
        key = self._key(session_id)
        try:
            found = await self.batch.hgetall(key)  # every page asks: the batch's cheaper round trip
        except ResponseError:  # kept before sessions were hashes: one JSON string
            raw = await self.redis.get(key)
            return json.loads(raw) if raw else None
        return {name: json.loads(value) for name, value in found.items()} or None

    async def save(self, session_id: str, data: dict) -> None:
        self.recent.drop(session_id)
        entries = [item for name, value in data.items() for item in (name, json.dumps(value))]
        await self.batch.script(self._save, [self._key(session_id)], [self.ttl, *entries])  # one script, batched

    async def who(self, session_id: str) -> dict | None:
        """{uid, csrf, lang} of a live session (None when it has ended): one round trip, shared with the
        crowd's, then remembered for a few seconds but never past the session's end."""
        found = self.recent.get(session_id)
        if found is not None:
            return found
        key = self._key(session_id)
        asked = time.monotonic()  # Redis measured what is left no earlier than this
        values, left_ms = await self.batch.many(("HMGET", key, *WHO), ("PTTL", key))
        if isinstance(values, ResponseError):  # kept before sessions were hashes
            data = await self.load(session_id)
            return {name: data.get(name) for name in WHO} if data else None
        if isinstance(values, Exception) or isinstance(left_ms, Exception):
            raise values if isinstance(values, Exception) else left_ms
        if left_ms == -2:  # no such session (it ended, or never was)
            return None
        found = {name: None if value is None else json.loads(value) for name, value in zip(WHO, values, strict=True)}
        self.recent.put(session_id, found, ttl=asked + left_ms / 1000 - time.monotonic() if left_ms > 0 else None)
        return found

    async def entry(self, session_id: str, name: str):
        """One entry of a session (None when absent), without the rest."""
        try:
            value = await self.batch.command("HGET", self._key(session_id), name)
        except ResponseError:  # kept before sessions were hashes
            return ((await self.load(session_id)) or {}).get(name)
        return json.loads(value) if value is not None else None

    async def touch(self, session_id: str) -> None:
        await self.redis.expire(self._key(session_id), self.ttl)

    async def delete(self, session_id: str) -> None:
        self.recent.drop(session_id)
        await self.redis.delete(self._key(session_id))


class TokenStore:
    """Bearer API tokens, stored hashed."""

    def __init__(self, redis, ttl: int):
        self.redis = redis
        self.ttl = ttl
        self.recent = Recent()
        self.batch = redis_batch.shared(redis)  # a crowd's first requests look their tokens up together

    @staticmethod
    def _key(token: str) -> str:
        return "tok:" + hashlib.sha256(token.encode()).hexdigest()

    async def save(self, token: str, user_id: str) -> None:
        await self.redis.set(self._key(token), user_id, ex=self.ttl)

    async def user_id(self, token: str) -> str | None:
        key = self._key(token)
        user_id = self.recent.get(key)
        if user_id is None:
            user_id = await self.batch.get(key)
            if user_id is not None:
                self.recent.put(key, user_id)
        return user_id
