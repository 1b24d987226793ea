"""The only code touching flash-sale Mongo collections and `{sale:<id>}` Redis keys.

Redis keys of one sale share the hash tag `{sale:<id>}` so every script runs unchanged on Redis Cluster:
  {sale:<id>}:meta   hash  starts, ends (epoch ms), limit, remaining, held, sold
  {sale:<id>}:users  hash  user id -> units held or bought
  {sale:<id>}:holds  hash  hold id -> "<user id>|<qty>"
  {sale:<id>}:exp    zset  hold id scored by its expiry (epoch ms)
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC

from pymongo.errors import DuplicateKeyError

from mall.flash_sales.models import FlashSale

# KEYS meta users holds exp; ARGV now_ms user qty hold_id expires_ms
_RESERVE = """
local m = redis.call('HMGET', KEYS[1], 'starts', 'ends', 'limit', 'remaining')
if not m[1] then return {'missing'} end
local now = tonumber(ARGV[1])
if now < tonumber(m[1]) then return {'not_started'} end
if now >= tonumber(m[2]) then return {'ended'} end
local qty = tonumber(ARGV[3])
local used = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
if used + qty > tonumber(m[3]) then return {'limit_reached'} end
if tonumber(m[4]) < qty then return {'sold_out'} end
redis.call('HINCRBY', KEYS[1], 'remaining', -qty)
redis.call('HINCRBY', KEYS[1], 'held', qty)
redis.call('HINCRBY', KEYS[2], ARGV[2], qty)
redis.call('HSET', KEYS[3], ARGV[4], ARGV[2] .. '|' .. qty)
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[4])
return {'ok', ARGV[4]}
"""

_RELEASE_ONE = """
local function release(id)
  local h = redis.call('HGET', KEYS[3], id)
  if not h then return 0 end
  local sep = string.find(h, '|', 1, true)
  local user = string.sub(h, 1, sep - 1)
  local qty = tonumber(string.sub(h, sep + 1))
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
  redis.call('HINCRBY', KEYS[1], 'remaining', qty)
  redis.call('HINCRBY', KEYS[1], 'held', -qty)
  if redis.call('HINCRBY', KEYS[2], user, -qty) <= 0 then redis.call('HDEL', KEYS[2], user) end
  return qty
end
"""

# ARGV hold_id -> units returned (0 when the hold was already gone)
_RELEASE = _RELEASE_ONE + "return release(ARGV[1])"

# ARGV now_ms -> units returned from every hold expired by now
_EXPIRE = (
    _RELEASE_ONE
    + """
local total = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[1])) do total = total + release(id) end
return total
"""
)

# ARGV hold_id user -> qty consumed; 0 when the hold is gone; -1 when it belongs to another user
_CONSUME = """
local h = redis.call('HGET', KEYS[3], ARGV[1])
if not h then return 0 end
local sep = string.find(h, '|', 1, true)
if string.sub(h, 1, sep - 1) ~= ARGV[2] then return -1 end
local qty = tonumber(string.sub(h, sep + 1))
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'held', -qty)
redis.call('HINCRBY', KEYS[1], 'sold', qty)
return qty
"""

# ARGV starts ends limit remaining sold [user count]... ; loads a sale unless it is already loaded
_LOAD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'starts', ARGV[1], 'ends', ARGV[2], 'limit', ARGV[3],
  'remaining', ARGV[4], 'held', 0, 'sold', ARGV[5])
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1
"""

# closes a sale: no more reservations, outstanding holds dropped; -> units that were held
_CLOSE = """
local held = tonumber(redis.call('HGET', KEYS[1], 'held') or '0')
redis.call('HSET', KEYS[1], 'ends', 0, 'remaining', 0, 'held', 0)
redis.call('DEL', KEYS[3], KEYS[4])
return held
"""


def _ms(when) -> int:
    return int(when.astimezone(UTC).timestamp() * 1000)


class FlashSaleStore:
    """Redis side: remaining units, holds and per-user counts of running sales."""

    def __init__(self, redis):
        self.redis = redis
        self._reserve = redis.register_script(_RESERVE)
        self._release = redis.register_script(_RELEASE)
        self._expire = redis.register_script(_EXPIRE)
        self._consume = redis.register_script(_CONSUME)
        self._load = redis.register_script(_LOAD)
        self._close = redis.register_script(_CLOSE)

    @staticmethod
    def keys(sale_id: str) -> list[str]:
        tag = f"{{sale:{sale_id}}}"
        return [f"{tag}:meta", f"{tag}:users", f"{tag}:holds", f"{tag}:exp"]

    async def load(self, sale: FlashSale, *, remaining: int, sold: int, users: dict[str, int]) -> bool:
        args = [_ms(sale.starts_at), _ms(sale.ends_at), sale.per_user_limit, remaining, sold]
        for user, count in users.items():
            args += [user, count]
        return bool(await self._load(keys=self.keys(sale.id), args=args))

    async def reserve(self, sale_id: str, *, now, user_id: str, qty: int, hold_id: str, expires_at) -> str:
        answer = await self._reserve(keys=self.keys(sale_id), args=[_ms(now), user_id, qty, hold_id, _ms(expires_at)])
        return str(answer[0])

    async def release(self, sale_id: str, hold_id: str) -> int:
        return int(await self._release(keys=self.keys(sale_id), args=[hold_id]))

    async def expire(self, sale_id: str, now) -> int:
        return int(await self._expire(keys=self.keys(sale_id), args=[_ms(now)]))

    async def consume(self, sale_id: str, hold_id: str, user_id: str) -> int:
        return int(await self._consume(keys=self.keys(sale_id), args=[hold_id, user_id]))

    async def close(self, sale_id: str) -> int:
        return int(await self._close(keys=self.keys(sale_id), args=[]))

    async def figures(self, sale_id: str) -> dict[str, int] | None:
        meta = await self.redis.hgetall(self.keys(sale_id)[0])
        if not meta:
            return None
        return {k: int(meta.get(k, 0)) for k in ("remaining", "held", "sold")}

    async def user_count(self, sale_id: str, user_id: str) -> int:
        return int(await self.redis.hget(self.keys(sale_id)[1], user_id) or 0)

    async def holds(self, sale_id: str) -> dict[str, tuple[str, int]]:
        raw = await self.redis.hgetall(self.keys(sale_id)[2])
        out = {}
        for hold_id, value in raw.items():
            user, qty = value.split("|")
            out[hold_id] = (user, int(qty))
        return out


def _sale(doc) -> FlashSale:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    for key in ("starts_at", "ends_at", "created_at"):
        if doc.get(key) is not None and doc[key].tzinfo is None:
            doc[key] = doc[key].replace(tzinfo=UTC)
    return FlashSale(**doc)


class FlashSaleRepository:
    """MongoDB side: the sales and the units sold (one document per consumed hold: the truth)."""

    def __init__(self, db):
        self.sales = db["flash_sales"]
        self.sold = db["flash_sale_sales"]

    async def ensure_indexes(self) -> None:
        await self.sales.create_index([("status", 1), ("ends_at", 1)])
        await self.sold.create_index([("sale_id", 1), ("user_id", 1)])

    async def insert(self, sale: FlashSale) -> None:
        doc = asdict(sale)
        doc["_id"] = doc.pop("id")
        await self.sales.insert_one(doc)

    async def get(self, sale_id: str) -> FlashSale | None:
        doc = await self.sales.find_one({"_id": sale_id})
        return _sale(doc) if doc else None

    async def set_status(self, sale_id: str, status: str, *, only_from: str) -> bool:
        result = await self.sales.update_one({"_id": sale_id, "status": only_from}, {"$set": {"status": status}})
        return result.modified_count == 1

    async def listing(self, now, limit: int = 100) -> list[FlashSale]:
        cursor = self.sales.find({"status": "scheduled", "ends_at": {"$gt": now}}).sort("starts_at", 1).limit(limit)
        return [_sale(doc) async for doc in cursor]

    async def record_sold(self, sale_id: str, hold_id: str, user_id: str, qty: int, when) -> bool:
        """False when this hold was already recorded (the unique hold id makes it count once)."""
        try:
            await self.sold.insert_one({"_id": hold_id, "sale_id": sale_id, "user_id": user_id, "qty": qty, "at": when})
        except DuplicateKeyError:
            return False
        return True

    async def sold_by_user(self, sale_id: str) -> dict[str, int]:
        out: dict[str, int] = {}
        async for doc in self.sold.find({"sale_id": sale_id}):
            out[doc["user_id"]] = out.get(doc["user_id"], 0) + doc["qty"]
        return out
