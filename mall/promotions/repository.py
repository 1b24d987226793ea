"""The only code touching the promotion collections: shop promotions, coupons (with their uses and the
shoppers' wallets), campaigns and their entries.

A coupon counts its uses in its own small document (`used` below `total`) and each shopper's in a document of
their own (`coupon_uses`: one per coupon and shopper, `n` below `per_user`), so a coupon used by a million
shoppers stays a few hundred bytes. Taking a use is one conditional update of each (the shopper's first, then the
coupon's), each carrying the checkout's move id so a repeat changes nothing and a crashed caller can ask what
happened: 50 checkouts racing for a single-use coupon get exactly one use. Coupons are read without their
in-flight `moves` (and without the per-user map older versions kept, which `fold_legacy_uses` moves out)."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import UTC

from pymongo import ReturnDocument, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from mall.promotions.models import CouponKind, Scope
from mall.promotions.records import (
    CampaignEntry,
    CampaignRecord,
    CampaignStatus,
    Control,
    CouponRecord,
    EntryStatus,
    ShopPromotion,
    ShopPromotionKind,
    WalletCoupon,
)

AFTER = ReturnDocument.AFTER
# A coupon is read without its in-flight moves or a legacy map. Pass a copy: mongomock writes into a projection.
COUPON_FIELDS = {"by_user": 0, "moves": 0}
TIMES = ("starts_at", "ends_at", "created_at", "claimed_at")


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, str) and hasattr(value, "value"):
        return value.value
    return value


def _doc(obj) -> dict:
    doc = _plain(asdict(obj))
    doc["_id"] = doc.pop("id")
    return doc


def _aware(doc: dict) -> dict:
    for key in TIMES:
        if doc.get(key) is not None and doc[key].tzinfo is None:
            doc[key] = doc[key].replace(tzinfo=UTC)
    return doc


def _fields(cls, doc: dict) -> dict:
    doc = _aware(dict(doc))
    out = {k: v for k, v in doc.items() if k in cls.__dataclass_fields__}
    if "id" in cls.__dataclass_fields__:
        out["id"] = doc["_id"]
    return out


def _promotion(doc) -> ShopPromotion:
    fields = _fields(ShopPromotion, doc)
    fields["kind"], fields["control"] = ShopPromotionKind(doc["kind"]), Control(doc["control"])
    return ShopPromotion(**fields)


def _coupon(doc) -> CouponRecord:
    fields = _fields(CouponRecord, doc)
    fields["scope"], fields["kind"] = Scope(doc["scope"]), CouponKind(doc["kind"])
    fields["control"] = Control(doc["control"])
    return CouponRecord(**fields)


def _campaign(doc) -> CampaignRecord:
    fields = _fields(CampaignRecord, doc)
    fields["status"] = CampaignStatus(doc["status"])
    return CampaignRecord(**fields)


def _entry(doc) -> CampaignEntry:
    fields = _fields(CampaignEntry, doc)
    fields["status"] = EntryStatus(doc["status"])
    return CampaignEntry(**fields)


def _window(now, *, live_only: bool) -> dict:
    return {"starts_at": {"$lte": now}, "ends_at": {"$gt": now}} if live_only else {"ends_at": {"$gt": now}}


class CodeTaken(Exception):
    pass


class PromotionRepository:
    def __init__(self, db):
        self.promotions = db["shop_promotions"]
        self.coupons = db["coupons"]
        self.uses = db["coupon_uses"]  # {_id: "<coupon id>:<user id>", coupon_id, user_id, n, moves}
        self.wallets = db["coupon_wallets"]
        self.campaigns = db["campaigns"]
        self.entries = db["campaign_entries"]

    async def ensure_indexes(self) -> None:
        await self.promotions.create_index([("shop_id", 1), ("ends_at", 1)])
        await self.coupons.create_index("code", unique=True)
        await self.coupons.create_index([("shop_id", 1), ("ends_at", 1)])
        await self.coupons.create_index([("claimable", 1), ("control", 1), ("ends_at", 1)])  # claimable_coupons
        for collection in (self.promotions, self.coupons):  # due_announcements
            await collection.create_index([("start_announced_at", 1), ("starts_at", 1)])
            await collection.create_index([("end_announced_at", 1), ("ends_at", 1)])
        await self.wallets.create_index([("user_id", 1), ("claimed_at", -1)])
        await self.wallets.create_index("counting", sparse=True)  # only the claims in flight
        await self.campaigns.create_index([("status", 1), ("ends_at", 1)])
        await self.entries.create_index([("campaign_id", 1), ("status", 1)])
        await self.entries.create_index([("product_id", 1), ("status", 1)])
        await self.entries.create_index([("shop_id", 1), ("campaign_id", 1)])
        await self.fold_legacy_uses()  # coupon_uses needs no other index: each is found by its _id

    # --- shop promotions --------------------------------------------------------------------------

    async def add_promotion(self, promotion: ShopPromotion) -> None:
        await self.promotions.insert_one(_doc(promotion))

    async def promotion(self, promotion_id: str, *, shop_id: str | None = None) -> ShopPromotion | None:
        query = {"_id": str(promotion_id), **({"shop_id": str(shop_id)} if shop_id else {})}
        doc = await self.promotions.find_one(query)
        return _promotion(doc) if doc else None

    async def update_promotion(self, promotion_id: str, shop_id: str, changes: dict) -> ShopPromotion | None:
        doc = await self.promotions.find_one_and_update(
            {"_id": str(promotion_id), "shop_id": str(shop_id), "control": {"$ne": Control.STOPPED.value}},
            {"$set": _plain(changes)},
            return_document=AFTER,
        )
        return _promotion(doc) if doc else None

    async def shop_promotions(self, shop_id: str, *, limit: int = 200) -> list[ShopPromotion]:
        cursor = self.promotions.find({"shop_id": str(shop_id)}).sort([("starts_at", -1), ("_id", -1)]).limit(limit)
        return [_promotion(doc) async for doc in cursor]

    async def live_promotions(self, shop_ids: list[str], now, *, live_only: bool = True) -> list[ShopPromotion]:
        """Active promotions of these shops that run now (or, live_only=False, that have not ended)."""
        query = {
            "shop_id": {"$in": list(shop_ids)},
            "control": Control.ACTIVE.value,
            **_window(now, live_only=live_only),
        }
        return [_promotion(doc) async for doc in self.promotions.find(query)]

    async def windows(self, after) -> list[tuple]:
        """(starts_at, ends_at, shop_id or None) of every shop promotion, coupon and campaign, whatever its state,
        that ends after `after` (campaigns belong to no shop)."""
        fields = {"starts_at": 1, "ends_at": 1, "shop_id": 1}
        found = []
        for collection in (self.promotions, self.coupons, self.campaigns):
            async for doc in collection.find({"ends_at": {"$gt": after}}, fields):
                doc = _aware(doc)
                found.append((doc["starts_at"], doc["ends_at"], doc.get("shop_id")))
        return found

    # --- timed announcements (shop promotions and coupons) ------------------------------------------

    def _of(self, what: str):
        return self.promotions if what == "promotion" else self.coupons

    async def mark_once(self, what: str, item_id: str, field: str, when) -> bool:
        """Set `field` if unset; True for the one caller that did."""
        result = await self._of(what).update_one({"_id": str(item_id), field: None}, {"$set": {field: when}})
        return result.modified_count == 1

    async def due_announcements(self, now, limit: int = 200) -> list[tuple[str, str, str]]:
        """(what, id, "start" | "end") of every start or end that passed without being announced."""
        due = []
        for what in ("promotion", "coupon"):
            for edge, field, time in (
                ("start", "start_announced_at", "starts_at"),
                ("end", "end_announced_at", "ends_at"),
            ):
                query = {time: {"$lte": now}, field: None, "control": {"$ne": Control.STOPPED.value}}
                async for doc in self._of(what).find(query, {"_id": 1}).limit(limit):
                    due.append((what, doc["_id"], edge))
        return due

    # --- coupons -----------------------------------------------------------------------------------

    async def add_coupon(self, coupon: CouponRecord) -> None:
        try:
            await self.coupons.insert_one({**_doc(coupon), "moves": []})
        except DuplicateKeyError as exc:
            raise CodeTaken(coupon.code) from exc

    async def coupon(self, coupon_id: str) -> CouponRecord | None:
        doc = await self.coupons.find_one({"_id": str(coupon_id)}, {**COUPON_FIELDS})
        return _coupon(doc) if doc else None

    async def coupons_by_code(self, codes: list[str]) -> dict[str, CouponRecord]:
        found = self.coupons.find({"code": {"$in": [str(code) for code in codes]}}, {**COUPON_FIELDS})
        return {doc["code"]: _coupon(doc) async for doc in found}

    async def coupons_by_ids(self, ids: list[str]) -> dict[str, CouponRecord]:
        found = self.coupons.find({"_id": {"$in": list(ids)}}, {**COUPON_FIELDS})
        return {doc["_id"]: _coupon(doc) async for doc in found}

    async def update_coupon(self, coupon_id: str, changes: dict, *, shop_id: str | None, scope: Scope):
        query = {"_id": str(coupon_id), "scope": scope.value, "control": {"$ne": Control.STOPPED.value}}
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        doc = await self.coupons.find_one_and_update(
            query, {"$set": _plain(changes)}, projection={**COUPON_FIELDS}, return_document=AFTER
        )
        return _coupon(doc) if doc else None

    async def coupons_of(self, *, scope: Scope, shop_id: str | None = None, limit: int = 200) -> list[CouponRecord]:
        query = {"scope": scope.value, **({"shop_id": str(shop_id)} if shop_id else {})}
        cursor = self.coupons.find(query, {**COUPON_FIELDS}).sort([("starts_at", -1), ("_id", -1)])
        return [_coupon(doc) async for doc in cursor.limit(limit)]

    async def claimable_coupons(self, now, *, shop_ids: list[str] | None = None) -> list[CouponRecord]:
        query: dict = {"claimable": True, "control": Control.ACTIVE.value, "ends_at": {"$gt": now}}
        if shop_ids is not None:
            query["$or"] = [{"shop_id": {"$in": list(shop_ids)}}, {"scope": Scope.PLATFORM.value}]
        cursor = self.coupons.find(query, {**COUPON_FIELDS}).sort("ends_at", 1).limit(100)
        return [_coupon(doc) async for doc in cursor]

    # --- uses: the coupon's count and each shopper's --------------------------------------------------

    async def uses_of(self, coupon_id: str, user_id: str) -> int:
        return (await self.uses_of_many(user_id, [coupon_id])).get(str(coupon_id), 0)

    async def uses_of_many(self, user_id: str, coupon_ids: list[str]) -> dict[str, int]:
        """{coupon id: how often this shopper has used it} for the ones they used (one query)."""
        ids = [_use_id(coupon_id, user_id) for coupon_id in coupon_ids]
        found = self.uses.find({"_id": {"$in": ids}}, {"coupon_id": 1, "n": 1})
        return {doc["coupon_id"]: int(doc.get("n") or 0) async for doc in found}

    async def take_use(self, coupon: CouponRecord, user_id: str, move: str) -> bool:
        """One use for `user_id`, only while some are left and the user is under the limit; once per move.
        The shopper's count is taken first and put back when the coupon has none left."""
        if not await self._take_users_use(coupon, user_id, move):
            return False
        query = {"_id": coupon.id, "total": coupon.total, "used": {"$lt": coupon.total}, "moves": {"$ne": move}}
        taken = await self.coupons.update_one(query, {"$inc": {"used": 1}, "$push": {"moves": move}})
        if taken.modified_count == 1 or await self.move_applied(coupon.id, move):
            return True
        await self.undo_users_take(coupon.id, user_id, move)
        return False

    async def _take_users_use(self, coupon: CouponRecord, user_id: str, move: str) -> bool:
        """The shopper's count up by one while under `per_user` (the document is made on the first use)."""
        query = {"_id": _use_id(coupon.id, user_id), "n": {"$lt": coupon.per_user}, "moves": {"$ne": move}}
        update = {"$inc": {"n": 1}, "$push": {"moves": move}}
        try:
            first = {**update, "$setOnInsert": {"coupon_id": coupon.id, "user_id": str(user_id)}}
            await self.uses.update_one(query, first, upsert=True)
            return True
        except DuplicateKeyError:  # it exists (maybe made by a racing take just now) and did not match
            pass
        if (await self.uses.update_one(query, update)).modified_count == 1:
            return True
        return await self.uses.count_documents({"_id": query["_id"], "moves": move}, limit=1) == 1

    async def undo_users_take(self, coupon_id: str, user_id: str, move: str) -> None:
        """Put back the shopper's count of a take that did not complete (only if this move reached it)."""
        await self.uses.update_one(
            {"_id": _use_id(coupon_id, user_id), "moves": move}, {"$inc": {"n": -1}, "$pull": {"moves": move}}
        )

    async def give_use_back(self, coupon_id: str, user_id: str, move: str) -> bool:
        query = {"_id": str(coupon_id), "moves": {"$ne": move}}
        result = await self.coupons.update_one(query, {"$inc": {"used": -1}, "$push": {"moves": move}})
        await self.uses.update_one(
            {"_id": _use_id(coupon_id, user_id), "moves": {"$ne": move}}, {"$inc": {"n": -1}, "$push": {"moves": move}}
        )
        return result.modified_count == 1

    async def move_applied(self, coupon_id: str, move: str) -> bool:
        return await self.coupons.count_documents({"_id": str(coupon_id), "moves": move}, limit=1) == 1

    async def forget_move(self, coupon_id: str, user_id: str, move: str) -> None:
        await self.coupons.update_one({"_id": str(coupon_id)}, {"$pull": {"moves": move}})
        await self.uses.update_one({"_id": _use_id(coupon_id, user_id)}, {"$pull": {"moves": move}})

    async def fold_legacy_uses(self, batch: int = 1000) -> int:
        """One-off, idempotent, run at start-up: move the per-user map older versions kept inside each coupon
        (`by_user`) into `coupon_uses`, then drop the map. Each shopper's count is added once (`folded`), also
        when the step is interrupted and run again. -> shoppers folded now."""
        folded = 0
        async for doc in self.coupons.find({"by_user": {"$exists": True}}, {"_id": 1}):
            coupon_id = doc["_id"]
            full = await self.coupons.find_one({"_id": coupon_id}, {"by_user": 1})
            counts = [(user_id, int(n)) for user_id, n in ((full or {}).get("by_user") or {}).items()]
            for start in range(0, len(counts), batch):
                folded += await self._fold(coupon_id, counts[start : start + batch])
            await self.coupons.update_one({"_id": coupon_id}, {"$unset": {"by_user": ""}})
        return folded

    async def _fold(self, coupon_id: str, counts: list[tuple[str, int]]) -> int:
        ops = [
            UpdateOne(
                {"_id": _use_id(coupon_id, user_id), "folded": {"$ne": True}},
                {"$inc": {"n": n}, "$set": {"folded": True, "coupon_id": coupon_id, "user_id": user_id}},
                upsert=True,
            )
            for user_id, n in counts
        ]
        if not ops:
            return 0
        try:
            result = await self.uses.bulk_write(ops, ordered=False)
        except BulkWriteError as exc:  # already folded by an earlier, interrupted run: those stand
            if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                raise
            return exc.details.get("nUpserted", 0) + exc.details.get("nModified", 0)
        return result.upserted_count + result.modified_count

    # --- wallets -----------------------------------------------------------------------------------

    async def claim(self, wallet: WalletCoupon) -> bool:
        """False when the shopper already has it. The wallets are the truth and the coupon's `claimed` counts
        them, exactly once each with no transaction: the wallet is stored `counting`, the coupon counts it with
        the wallet's id in the same update (its `claims` list holds only the ones in flight), the wallet is
        marked counted, the id leaves the list. `finish_claims` completes what a crash left half-way."""
        wallet_id = f"{wallet.coupon_id}:{wallet.user_id}"
        try:
            await self.wallets.insert_one({"_id": wallet_id, **_plain(asdict(wallet)), "counting": True})
        except DuplicateKeyError:
            return False
        await self._count_claim(wallet.coupon_id, wallet_id)
        return True

    async def _count_claim(self, coupon_id: str, wallet_id: str) -> None:
        query = {"_id": coupon_id, "claims": {"$ne": wallet_id}}
        await self.coupons.update_one(query, {"$inc": {"claimed": 1}, "$push": {"claims": wallet_id}})
        await self.wallets.update_one({"_id": wallet_id}, {"$unset": {"counting": ""}})
        await self.coupons.update_one({"_id": coupon_id}, {"$pull": {"claims": wallet_id}})

    async def finish_claims(self, before, limit: int = 500) -> int:
        """Count the wallets claimed before `before` whose count a crash interrupted (an id still in a coupon's
        `claims` means it was counted), and clear what was left in flight; how many were finished."""
        finished = 0
        async for doc in self.wallets.find({"counting": True, "claimed_at": {"$lt": before}}).limit(limit):
            await self._count_claim(doc["coupon_id"], doc["_id"])
            finished += 1
        async for coupon in self.coupons.find({"claims.0": {"$exists": True}}, {"claims": 1}).limit(limit):
            for wallet_id in coupon["claims"]:
                if await self.wallets.count_documents({"_id": wallet_id, "counting": True}, limit=1) == 0:
                    await self.coupons.update_one({"_id": coupon["_id"]}, {"$pull": {"claims": wallet_id}})
        return finished

    async def wallet(self, user_id: str, *, limit: int = 200) -> list[WalletCoupon]:
        cursor = self.wallets.find({"user_id": str(user_id)}).sort("claimed_at", -1).limit(limit)
        return [WalletCoupon(**_fields(WalletCoupon, doc)) async for doc in cursor]

    async def has_claimed(self, user_id: str, coupon_ids: list[str]) -> set[str]:
        ids = [f"{coupon_id}:{user_id}" for coupon_id in coupon_ids]
        return {doc["coupon_id"] async for doc in self.wallets.find({"_id": {"$in": ids}}, {"coupon_id": 1})}

    # --- campaigns ---------------------------------------------------------------------------------

    async def add_campaign(self, campaign: CampaignRecord) -> None:
        await self.campaigns.insert_one(_doc(campaign))

    async def campaign(self, campaign_id: str) -> CampaignRecord | None:
        doc = await self.campaigns.find_one({"_id": str(campaign_id)})
        return _campaign(doc) if doc else None

    async def move_campaign(self, campaign_id: str, *, only_from, changes: dict, version: int | None = None):
        """One conditional update on the campaign's status: None when someone else moved it first."""
        query: dict = {"_id": str(campaign_id), "status": {"$in": [str(s) for s in only_from]}}
        if version is not None:
            query["version"] = version
        doc = await self.campaigns.find_one_and_update(query, {"$set": _plain(changes)}, return_document=AFTER)
        return _campaign(doc) if doc else None

    async def campaigns_in(self, statuses, *, limit: int = 200) -> list[CampaignRecord]:
        query = {"status": {"$in": [str(s) for s in statuses]}}
        cursor = self.campaigns.find(query).sort([("starts_at", 1), ("_id", 1)]).limit(limit)
        return [_campaign(doc) async for doc in cursor]

    async def all_campaigns(self, *, limit: int = 200) -> list[CampaignRecord]:
        cursor = self.campaigns.find({}).sort([("starts_at", -1), ("_id", -1)]).limit(limit)
        return [_campaign(doc) async for doc in cursor]

    # --- campaign entries --------------------------------------------------------------------------

    async def put_entry(self, entry: CampaignEntry) -> bool:
        """Enter a product (again after a rejection or withdrawal); False when it is pending or in already."""
        doc = _doc(entry)
        found = await self.entries.find_one_and_update(
            {"_id": doc["_id"], "status": {"$in": [EntryStatus.REJECTED.value, EntryStatus.WITHDRAWN.value]}},
            {"$set": doc},
        )
        if found is not None:
            return True
        try:
            await self.entries.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def entry(self, entry_id: str) -> CampaignEntry | None:
        doc = await self.entries.find_one({"_id": str(entry_id)})
        return _entry(doc) if doc else None

    async def decide_entry(self, entry_id: str, *, only_from, changes: dict, shop_id: str | None = None):
        query: dict = {"_id": str(entry_id), "status": {"$in": [str(s) for s in only_from]}}
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        doc = await self.entries.find_one_and_update(query, {"$set": _plain(changes)}, return_document=AFTER)
        return _entry(doc) if doc else None

    async def entries_of(
        self, *, campaign_id: str | None = None, shop_id: str | None = None, status=None, campaign_ids=None
    ):
        query: dict = {}
        if campaign_id is not None:
            query["campaign_id"] = str(campaign_id)
        elif campaign_ids is not None:
            query["campaign_id"] = {"$in": [str(cid) for cid in campaign_ids]}
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        if status is not None:
            query["status"] = str(status)
        cursor = self.entries.find(query).sort([("created_at", 1), ("_id", 1)]).limit(2000)
        return [_entry(doc) async for doc in cursor]

    async def approved_entries(self, campaign_ids: list[str], product_ids: list[str]) -> list[CampaignEntry]:
        query = {
            "campaign_id": {"$in": list(campaign_ids)},
            "product_id": {"$in": list(product_ids)},
            "status": EntryStatus.APPROVED.value,
        }
        return [_entry(doc) async for doc in self.entries.find(query)]


def _use_id(coupon_id: str, user_id: str) -> str:
    return f"{coupon_id}:{user_id}"


CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")
