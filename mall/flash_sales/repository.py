"""The only code touching the flash-sale Mongo collections, the `{sale:<id>}` Redis keys and each shopper's
`{user:<id>}:flash_holds` index (see mall/flash_sales/lua.py for the keys and the scripts)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError
from redis.asyncio.cluster import RedisCluster

from mall.flash_sales import lua
from mall.flash_sales.events import STOCK_TICK_SECONDS
from mall.flash_sales.models import FlashSale, Hold, LiveHold, Status, reservation_id
from mall.infra import redis_batch
from mall.infra.ids import new_id

TICK_MS = int(STOCK_TICK_SECONDS * 1000)  # at most 4 live updates of the remaining count per second per sale
FIGURES = ("remaining", "held", "sold", "reserved", "closed", "paused")


def ms(when: datetime) -> int:
    return int(when.astimezone(UTC).timestamp() * 1000)


def from_ms(value) -> datetime:
    return datetime.fromtimestamp(int(float(value)) / 1000, UTC)


def index_ttl_ms(expires_at, now) -> int:
    """How long a shopper's index of holds outlives a hold noted in it."""
    return max(ms(expires_at) - ms(now), 0) + 1000


class FlashSaleStore:
    """Redis side: remaining units, holds, per-user counts and sold holds of the sales that run."""

    def __init__(self, redis):
        self.redis = redis
        self.batch = redis_batch.shared(redis)  # the reservations of a crowd share round trips
        self.one_server = not isinstance(redis, RedisCluster)  # a script may touch keys of several slots
        self._reserve = redis.register_script(lua.RESERVE)
        self._peek = redis.register_script(lua.PEEK)
        self._claim = redis.register_script(lua.CLAIM)
        self._release = redis.register_script(lua.RELEASE)
        self._expire = redis.register_script(lua.EXPIRE)
        self._sell = redis.register_script(lua.SELL)
        self._load = redis.register_script(lua.LOAD)
        self._reset = redis.register_script(lua.RESET)
        self._pause = redis.register_script(lua.PAUSE)
        self._close = redis.register_script(lua.CLOSE)
        self._remember_hold = redis.register_script(lua.REMEMBER_HOLD)

    @staticmethod
    def keys(sale_id: str) -> list[str]:
        tag = f"{{sale:{sale_id}}}"
        return [f"{tag}:{name}" for name in ("meta", "users", "holds", "exp", "done", "tick")]

    async def load(
        self,
        sale: FlashSale,
        *,
        remaining: int,
        sold: int,
        users: dict[str, int],
        done: dict[str, int],
        paused: bool = False,
    ) -> bool:
        args = [ms(sale.starts_at), ms(sale.ends_at), sale.per_user_limit, remaining, sold, sold]
        args += [json.dumps(users or {}, separators=(",", ":")), json.dumps(done or {}, separators=(",", ":"))]
        return bool(await self._load(keys=self.keys(sale.id), args=[*args, int(paused)]))

    async def pause(self, sale_id: str, paused: bool) -> bool:
        """Pause or resume a loaded sale (False when Redis does not hold it)."""
        return bool(await self._pause(keys=self.keys(sale_id), args=[int(paused)]))

    async def drop(self, sale_id: str) -> None:
        await self.redis.delete(*self.keys(sale_id)[:5])

    async def reset(self, sale: FlashSale, *, starts_at: datetime | None = None) -> bool:
        """New window / limit / quantity before anything was reserved (starts_at overrides, e.g. to freeze)."""
        args = [ms(starts_at or sale.starts_at), ms(sale.ends_at), sale.per_user_limit, sale.quantity]
        return bool(await self._reset(keys=self.keys(sale.id), args=args))

    async def reserve(
        self, sale_id: str, *, now, user_id: str, ip: str, qty: int, hold_id: str, expires_at, limits
    ) -> tuple[str, int, bool]:
        """-> (reason, remaining or seconds to wait, tick). `limits` = (per user, per IP, window seconds).
        A hold is noted in the shopper's index too: in the same script on one server (one round trip), in a
        second step on a cluster (the index lives in another slot)."""
        tag = f"{{sale:{sale_id}}}"
        keys = [*self.keys(sale_id), f"{tag}:rl:u:{user_id}", f"{tag}:rl:ip:{ip}"]
        args = [ms(now), user_id, qty, hold_id, ms(expires_at), *limits, TICK_MS]
        held = reservation_id(sale_id, hold_id)
        if self.one_server:
            keys.append(self.user_key(user_id))
            args += [held, index_ttl_ms(expires_at, now)]
        reason, value, tick = await self.batch.script(self._reserve, keys, args)
        if reason == "ok" and not self.one_server:
            await self.remember_hold(user_id, held, expires_at, now)
        return str(reason), int(value), bool(tick)

    async def peek(self, sale_id: str, hold_id: str) -> Hold | None:
        value, expiry = await self._peek(keys=self.keys(sale_id), args=[hold_id])
        if not value or expiry is None:
            return None
        user, qty, claim = str(value).split("|")
        return Hold(sale_id, hold_id, user, int(qty), from_ms(expiry), claim or None)

    async def claim(
        self, sale_id: str, hold_id: str, user_id: str, checkout_id: str, now
    ) -> tuple[str, int, datetime | None]:
        """-> (answer, units, the hold's expiry) of a checkout taking the hold."""
        answer = await self._claim(keys=self.keys(sale_id), args=[hold_id, user_id, checkout_id, ms(now)])
        if len(answer) < 3:
            return str(answer[0]), 0, None
        return str(answer[0]), int(answer[1]), from_ms(answer[2])

    async def release(self, sale_id: str, hold_id: str, checkout_id: str = "") -> tuple[int, bool]:
        qty, tick = await self._release(keys=self.keys(sale_id), args=[hold_id, checkout_id, TICK_MS])
        return int(qty), bool(tick)

    async def expire(self, sale_id: str, now) -> tuple[int, bool]:
        qty, tick = await self._expire(keys=self.keys(sale_id), args=[ms(now), TICK_MS])
        return int(qty), bool(tick)

    async def sell(
        self, sale_id: str, *, hold_id: str, user_id: str, qty: int, checkout_id: str, now
    ) -> tuple[str, int, bool]:
        args = [hold_id, user_id, qty, checkout_id, ms(now), TICK_MS]
        reason, sold, tick = await self._sell(keys=self.keys(sale_id), args=args)
        return str(reason), int(sold), bool(tick)

    async def close(self, sale_id: str) -> int:
        return int(await self._close(keys=self.keys(sale_id), args=[]))

    async def figures(self, sale_id: str) -> dict[str, int] | None:
        meta = await self.redis.hgetall(self.keys(sale_id)[0])
        if not meta or "starts" not in meta:
            return None
        return {k: int(meta.get(k, 0)) for k in FIGURES}

    async def remaining_many(self, sale_ids: list[str]) -> dict[str, int]:
        """Remaining units of several sales in one round trip (listing pages)."""
        if not sale_ids:
            return {}
        async with self.redis.pipeline(transaction=False) as pipe:
            for sale_id in sale_ids:
                pipe.hget(self.keys(sale_id)[0], "remaining")
            values = await pipe.execute()
        return {sale_id: int(v) for sale_id, v in zip(sale_ids, values, strict=True) if v is not None}

    async def remaining_shown(self, sale_ids: list[str]) -> dict[str, int]:
        """Remaining units of the loaded sales that are not paused, through the batcher (one round trip)."""
        answers = await self.batch.each(
            *(("HMGET", self.keys(sale_id)[0], "remaining", "paused") for sale_id in sale_ids)
        )
        shown = {}
        for sale_id, (left, paused) in zip(sale_ids, answers, strict=True):
            if left is not None and paused != "1":
                shown[sale_id] = int(left)
        return shown

    async def paused_among(self, sale_ids: list[str]) -> set[str]:
        """Which of these sales are paused (their shop suspended), through the batcher (one round trip)."""
        answers = await self.batch.each(*(("HGET", self.keys(sale_id)[0], "paused") for sale_id in sale_ids))
        return {sale_id for sale_id, paused in zip(sale_ids, answers, strict=True) if paused == "1"}

    async def user_count(self, sale_id: str, user_id: str) -> int:
        return int(await self.redis.hget(self.keys(sale_id)[1], user_id) or 0)

    async def user_counts(self, sale_id: str) -> dict[str, int]:
        return {user: int(n) for user, n in (await self.redis.hgetall(self.keys(sale_id)[1])).items()}

    async def figures_many(self, sale_ids: list[str]) -> dict[str, dict[str, int]]:
        """`figures` of several sales in one round trip (console listings); sales Redis lacks are left out."""
        if not sale_ids:
            return {}
        async with self.redis.pipeline(transaction=False) as pipe:
            for sale_id in sale_ids:
                pipe.hgetall(self.keys(sale_id)[0])
            metas = await pipe.execute()
        return {
            sale_id: {k: int(meta.get(k, 0)) for k in FIGURES}
            for sale_id, meta in zip(sale_ids, metas, strict=True)
            if meta and "starts" in meta
        }

    @staticmethod
    def samples_key(sale_id: str) -> str:
        return f"{{sale:{sale_id}}}:samples"

    async def add_sample(self, sale_id: str, bucket: int, sold: int, ttl_seconds: int) -> None:
        """Units sold by time bucket `bucket` (the chart of a sale; the last value in a bucket wins)."""
        key = self.samples_key(sale_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(key, str(int(bucket)), int(sold))
            pipe.expire(key, max(60, int(ttl_seconds)))
            await pipe.execute()

    async def samples(self, sale_id: str) -> dict[int, int]:
        return {int(b): int(v) for b, v in (await self.redis.hgetall(self.samples_key(sale_id))).items()}

    @staticmethod
    def user_key(user_id: str) -> str:
        return f"{{user:{user_id}}}:flash_holds"

    async def remember_hold(self, user_id: str, reservation: str, expires_at, now, checkout_id: str = "") -> None:
        """Note a live hold in the shopper's own index (with the checkout that claimed it, once one has)."""
        args = [reservation, f"{ms(expires_at)}|{checkout_id}", ms(now), index_ttl_ms(expires_at, now)]
        await self._remember_hold(keys=[self.user_key(user_id)], args=args)

    async def forget_hold(self, user_id: str, reservation: str) -> None:
        await self.redis.hdel(self.user_key(user_id), reservation)

    async def live_holds(self, user_id: str, now) -> list[LiveHold]:
        """The shopper's holds not yet past their expiry, soonest to expire first: one read."""
        found = []
        for reservation, value in (await self.batch.hgetall(self.user_key(user_id))).items():
            expiry, _, checkout_id = str(value).partition("|")
            sale_id = str(reservation).split(".", 1)[0]
            if expiry.isdigit() and from_ms(expiry) > now:
                found.append(LiveHold(str(reservation), sale_id, from_ms(expiry), now, checkout_id or None))
        return sorted(found, key=lambda hold: (hold.expires_at, hold.reservation))

    async def holds(self, sale_id: str) -> dict[str, tuple[str, int]]:
        out = {}
        for hold_id, value in (await self.redis.hgetall(self.keys(sale_id)[2])).items():
            user, qty, _claim = value.split("|")
            out[hold_id] = (user, int(qty))
        return out


def _sale(doc) -> FlashSale:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    for key in ("starts_at", "ends_at", "created_at", "opened_at", "closed_at", "returned_at"):
        if doc.get(key) is not None and doc[key].tzinfo is None:
            doc[key] = doc[key].replace(tzinfo=UTC)
    return FlashSale(**{k: v for k, v in doc.items() if k in FlashSale.__dataclass_fields__})


OPEN_STATUSES = [Status.SCHEDULED.value, Status.EDITING.value]
STATES = ("pending_approval", "upcoming", "running", "ended", "cancelled", "rejected")


def state_query(state: str, now) -> dict:
    """Sales a person would call `state` now: the same rule as FlashSale.state, as a MongoDB filter."""
    live = {"$in": [Status.SCHEDULED.value, Status.EDITING.value, Status.ALLOCATING.value]}
    return {
        "pending_approval": {"status": Status.PENDING_APPROVAL.value},
        "rejected": {"status": Status.REJECTED.value},
        "cancelled": {"status": Status.CANCELLED.value},
        "ended": {"$or": [{"status": Status.ENDED.value}, {"status": live, "ends_at": {"$lte": now}}]},
        "upcoming": {"status": live, "starts_at": {"$gt": now}, "ends_at": {"$gt": now}},
        "running": {"status": live, "starts_at": {"$lte": now}, "ends_at": {"$gt": now}},
    }[state]


class FlashSaleRepository:
    """MongoDB side: the sales, and who asked to be reminded of them. (What sold lives in the orders.)"""

    def __init__(self, db):
        self.sales = db["flash_sales"]
        self.reminders = db["flash_reminders"]

    async def ensure_indexes(self) -> None:
        await self.sales.create_index([("status", 1), ("ends_at", 1)])
        await self.sales.create_index([("shop_id", 1), ("starts_at", -1)])
        await self.sales.create_index("returned_at")
        await self.reminders.create_index([("sale_id", 1), ("notified_at", 1)])
        await self.reminders.create_index([("user_id", 1), ("sale_id", 1)])

    async def insert(self, sale: FlashSale) -> None:
        doc = asdict(sale)
        doc["_id"] = doc.pop("id")
        await self.sales.insert_one(doc)

    async def delete(self, sale_id: str) -> None:
        await self.sales.delete_one({"_id": str(sale_id)})

    async def get(self, sale_id: str) -> FlashSale | None:
        doc = await self.sales.find_one({"_id": str(sale_id)})
        return _sale(doc) if doc else None

    async def many(self, sale_ids: list[str]) -> dict[str, FlashSale]:
        return {doc["_id"]: _sale(doc) async for doc in self.sales.find({"_id": {"$in": list(sale_ids)}})}

    async def move(self, sale_id: str, *, only_from: tuple[str, ...], changes: dict, version: int | None = None):
        """One conditional update: the sale changes only if it is still in one of `only_from` (and at `version`).
        -> the sale after the change, or None when someone else moved it first."""
        query: dict = {"_id": str(sale_id), "status": {"$in": [str(s) for s in only_from]}}
        if version is not None:
            query["version"] = version
        doc = await self.sales.find_one_and_update(
            query, {"$set": {k: (str(v) if isinstance(v, Status) else v) for k, v in changes.items()}},
            return_document=ReturnDocument.AFTER,
        )  # fmt: skip
        return _sale(doc) if doc else None

    async def mark_once(self, sale_id: str, field: str, when) -> bool:
        """Set `field` (opened_at, closed_at, returned_at) if it is unset; True for the one caller that did."""
        result = await self.sales.update_one({"_id": str(sale_id), field: None}, {"$set": {field: when}})
        return result.modified_count == 1

    async def listing(self, now, limit: int = 100) -> list[FlashSale]:
        """Running and upcoming sales, soonest first."""
        query = {"status": {"$in": OPEN_STATUSES}, "ends_at": {"$gt": now}}
        cursor = self.sales.find(query).sort([("starts_at", 1), ("_id", 1)]).limit(limit)
        return [_sale(doc) async for doc in cursor]

    async def of_shop(self, shop_id: str, statuses, limit: int = 1000) -> list[FlashSale]:
        """A shop's sales in these stored statuses (a suspension pauses them all)."""
        query = {"shop_id": str(shop_id), "status": {"$in": [str(s) for s in statuses]}}
        return [_sale(doc) async for doc in self.sales.find(query).sort("starts_at", 1).limit(limit)]

    async def unsettled(self, limit: int = 500) -> list[FlashSale]:
        """Sales whose units are not all back home yet (the sweep's work list)."""
        query = {"returned_at": None, "status": {"$nin": [Status.PENDING_APPROVAL.value, Status.REJECTED.value]}}
        cursor = self.sales.find(query).sort("ends_at", 1).limit(limit)
        return [_sale(doc) async for doc in cursor]

    async def page(
        self, *, shop_id: str | None = None, status: str | None = None, page: int = 1, per_page: int = 20
    ) -> tuple[list[FlashSale], int]:
        query: dict = {}
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        if status is not None:
            query["status"] = str(status)
        total = await self.sales.count_documents(query)
        cursor = self.sales.find(query).sort([("starts_at", -1), ("_id", -1)]).skip((page - 1) * per_page)
        return [_sale(doc) async for doc in cursor.limit(per_page)], total

    async def in_state(
        self,
        state: str | None,
        now,
        *,
        shop_id: str | None = None,
        page: int = 1,
        per_page: int = 20,
        soonest_first: bool = False,
    ) -> tuple[list[FlashSale], int]:
        """A page of the sales in `state` now (None: every sale); newest start first, or soonest first."""
        query: dict = dict(state_query(state, now)) if state else {}
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        order = 1 if soonest_first else -1
        total = await self.sales.count_documents(query)
        cursor = self.sales.find(query).sort([("starts_at", order), ("_id", order)]).skip((page - 1) * per_page)
        return [_sale(doc) async for doc in cursor.limit(per_page)], total

    async def state_counts(self, now, *, shop_id: str | None = None) -> dict[str, int]:
        scope = {"shop_id": str(shop_id)} if shop_id is not None else {}
        return {state: await self.sales.count_documents({**scope, **state_query(state, now)}) for state in STATES}

    # --- reminders ------------------------------------------------------------------------

    async def remind(self, sale_id: str, user_id: str, when) -> bool:
        """False when this user already asked."""
        doc = {"_id": f"{sale_id}:{user_id}", "sale_id": sale_id, "user_id": user_id, "created_at": when}
        try:
            await self.reminders.insert_one({**doc, "notified_at": None})
        except DuplicateKeyError:
            return False
        return True

    async def forget_reminder(self, sale_id: str, user_id: str) -> bool:
        result = await self.reminders.delete_one({"_id": f"{sale_id}:{user_id}", "notified_at": None})
        return result.deleted_count == 1

    async def reminded(self, user_id: str, sale_ids: list[str]) -> set[str]:
        """Which of these sales the user asked to be reminded of."""
        ids = [f"{sale_id}:{user_id}" for sale_id in sale_ids]
        return {doc["sale_id"] async for doc in self.reminders.find({"_id": {"$in": ids}}, {"sale_id": 1})}

    async def reminder_count(self, sale_id: str) -> int:
        return await self.reminders.count_documents({"sale_id": str(sale_id)})

    async def take_due_reminders(self, sale_id: str, when, limit: int = 500) -> list[str]:
        """User ids to tell that the sale opened; each reminder is handed out once: a batch is claimed with one
        conditional update under a token of this call, and only what carries the token is handed out."""
        cursor = self.reminders.find({"sale_id": str(sale_id), "notified_at": None}, {"_id": 1}).limit(limit)
        ids = [doc["_id"] async for doc in cursor]
        if not ids:
            return []
        token = new_id()
        await self.reminders.update_many(
            {"_id": {"$in": ids}, "notified_at": None}, {"$set": {"notified_at": when, "claimed_by": token}}
        )
        taken = self.reminders.find({"_id": {"$in": ids}, "claimed_by": token}, {"user_id": 1})
        return [doc["user_id"] async for doc in taken]
