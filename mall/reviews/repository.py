"""Reviews, shop ratings, reports, votes, photos and the figures kept about them, in MongoDB.

Every rule that must hold under concurrency is one conditional write: one review per (order, line) and one
rating per order (unique keys), one vote per (review, user), one report per (review, reporter), one reply
(`reply: None` in the filter), one follow-up, one hide (`status: visible`). Figures move by `$inc` only."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from mall.infra import mongo
from mall.reviews.models import (
    STARS,
    FollowUp,
    Photo,
    ProductFigures,
    Reply,
    Report,
    ReportStatus,
    Review,
    ReviewStatus,
    ShopRating,
)

AFTER = ReturnDocument.AFTER
VISIBLE = ReviewStatus.VISIBLE.value
SORTS = {
    "newest": [("created_at", DESCENDING), ("_id", DESCENDING)],
    "helpful": [("helpful", DESCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
    "reported": [("reports_open", DESCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)],
}


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str) and hasattr(value, "value"):
        return value.value
    return value


def _reply(raw: dict | None) -> Reply | None:
    return Reply(**raw) if raw else None


def _review(doc: dict) -> Review:
    fields = {k: v for k, v in doc.items() if k in Review.__dataclass_fields__}
    fields["id"] = doc["_id"]
    fields["status"] = ReviewStatus(doc.get("status", VISIBLE))
    fields["reply"] = _reply(doc.get("reply"))
    raw = doc.get("followup")
    fields["followup"] = FollowUp(**{**raw, "reply": _reply(raw.get("reply"))}) if raw else None
    return Review(**fields)


def review_doc(review: Review) -> dict:
    doc = _plain(asdict(review))
    doc["_id"] = doc.pop("id")
    doc["has_photos"] = review.has_photos  # stored for the "with photos" filter
    doc["has_followup"] = review.followup is not None
    return doc


def _figures(doc: dict | None, product_id: str) -> ProductFigures:
    if not doc:
        return ProductFigures(product_id=product_id)
    dist = {str(s): int((doc.get("dist") or {}).get(str(s), 0)) for s in STARS}
    return ProductFigures(
        product_id=doc["_id"], count=doc.get("count", 0), total=doc.get("total", 0), dist=dist,
        photos=doc.get("photos", 0), followups=doc.get("followups", 0), sold=doc.get("sold", 0),
        version=doc.get("version", 0),
    )  # fmt: skip


def day_of(when: datetime) -> str:
    """The UTC day a rating or review counts on (string order = time order)."""
    return when.strftime("%Y-%m-%d")


class ReviewRepository:
    def __init__(self, db):
        self.reviews = db["reviews"]
        self.ratings = db["review_shop_ratings"]
        self.reports = db["review_reports"]
        self.votes = db["review_votes"]
        self.photos = db["review_photos"]
        self.figures = db["review_product_figures"]
        self.days = db["review_days"]
        self.sales = db["review_sales"]

    async def ensure_indexes(self) -> None:
        r = self.reviews
        await r.create_index([("order_id", ASCENDING), ("line", ASCENDING)], unique=True)
        await r.create_index([("product_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)])
        await r.create_index([("product_id", ASCENDING), ("status", ASCENDING), ("helpful", DESCENDING)])
        await r.create_index([("shop_id", ASCENDING), ("created_at", DESCENDING)])
        await r.create_index([("status", ASCENDING), ("reports_open", DESCENDING)])
        await self.ratings.create_index([("shop_id", ASCENDING), ("created_at", DESCENDING)])
        await self.reports.create_index([("review_id", ASCENDING), ("reporter_id", ASCENDING)], unique=True)
        await self.photos.create_index("user_id")
        await self.days.create_index([("scope", ASCENDING), ("day", ASCENDING)])

    # --- reviews -----------------------------------------------------------------------------------------

    async def add(self, review: Review) -> bool:
        """Insert once; False when the line already has a review."""
        try:
            await self.reviews.insert_one(review_doc(review))
        except DuplicateKeyError:
            return False
        return True

    async def get(self, review_id: str, *, shop_id: str | None = None) -> Review | None:
        query = {"_id": str(review_id)}
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        doc = await self.reviews.find_one(query)
        return _review(doc) if doc else None

    async def of_order(self, order_id: str) -> list[Review]:
        cursor = self.reviews.find({"order_id": str(order_id)}).sort("line", ASCENDING)
        return [_review(doc) async for doc in cursor]

    async def of_orders(self, order_ids: list[str]) -> list[Review]:
        cursor = self.reviews.find({"order_id": {"$in": [str(i) for i in order_ids]}})
        return [_review(doc) async for doc in cursor]

    async def page(self, query: dict, *, sort: str, skip: int, limit: int) -> tuple[list[Review], int]:
        total = await self.reviews.count_documents(query)
        cursor = self.reviews.find(query).sort(SORTS.get(sort, SORTS["newest"])).skip(skip).limit(limit)
        return [_review(doc) async for doc in cursor], total

    async def set_reply(self, review_id: str, shop_id: str, reply: Reply, *, followup: bool) -> Review | None:
        """The shop's one reply (to the follow-up when `followup`); None when not its review or already replied."""
        key = "followup.reply" if followup else "reply"
        query: dict = {"_id": str(review_id), "shop_id": str(shop_id), key: None}
        if followup:
            query["followup"] = {"$ne": None}
        doc = await self.reviews.find_one_and_update(query, {"$set": {key: asdict(reply)}}, return_document=AFTER)
        return _review(doc) if doc else None

    async def add_followup(self, review_id: str, user_id: str, followup: FollowUp) -> Review | None:
        """The one follow-up, on a visible review; None when there is one already (or it is not the author's,
        or it was hidden meanwhile: hiding and following up exclude each other, so the figures stay exact)."""
        changes = {"followup": _plain(asdict(followup)), "has_followup": True}
        if followup.photos:
            changes["has_photos"] = True
        doc = await self.reviews.find_one_and_update(
            {"_id": str(review_id), "user_id": str(user_id), "followup": None, "status": VISIBLE},
            {"$set": changes},
            return_document=AFTER,
        )
        return _review(doc) if doc else None

    async def count_helpful(self, review_id: str, n: int) -> None:
        await self.reviews.update_one({"_id": str(review_id)}, {"$inc": {"helpful": n}})

    async def hide(self, review_id: str, *, at: datetime, by: str, reason: str) -> Review | None:
        """Visible -> hidden, once; None when it was hidden already (or is unknown)."""
        entry = {"at": at, "by": by, "action": "hide", "reason": reason}
        doc = await self.reviews.find_one_and_update(
            {"_id": str(review_id), "status": VISIBLE},
            {
                "$set": {"status": ReviewStatus.HIDDEN.value, "hidden_reason": reason, "hidden_at": at,
                         "reports_open": 0},
                "$push": {"moderation": entry},
            },
            return_document=AFTER,
        )  # fmt: skip
        return _review(doc) if doc else None

    async def note_moderation(self, review_id: str, entry: dict, *, reports_open: int | None = None) -> None:
        update: dict = {"$push": {"moderation": entry}}
        if reports_open is not None:
            update["$set"] = {"reports_open": reports_open}
        await self.reviews.update_one({"_id": str(review_id)}, update)

    async def count_report(self, review_id: str) -> None:
        await self.reviews.update_one({"_id": str(review_id)}, {"$inc": {"reports_open": 1}})

    async def mark_refunded(self, order_id: str) -> int:
        query = {"order_id": str(order_id), "refunded": {"$ne": True}}
        result = await mongo.idempotent(lambda: self.reviews.update_many(query, {"$set": {"refunded": True}}))
        return result.modified_count

    async def visible_rows(self):
        """Every visible review, light (the repair command's source of truth)."""
        fields = {"product_id": 1, "stars": 1, "photos": 1, "followup": 1, "shop_id": 1, "created_at": 1}
        async for doc in self.reviews.find({"status": VISIBLE}, fields):
            yield doc

    async def shop_counts(self, shop_id: str, since: datetime, low: int) -> tuple[int, int]:
        """(visible reviews, of which `low` stars or fewer) of a shop since `since`."""
        query = {"shop_id": str(shop_id), "status": VISIBLE, "created_at": {"$gte": since}}
        total = await self.reviews.count_documents(query)
        bad = await self.reviews.count_documents({**query, "stars": {"$lte": low}})
        return total, bad

    # --- shop ratings (DSR) ----------------------------------------------------------------------------------

    async def add_rating(self, rating: ShopRating) -> bool:
        doc = asdict(rating)
        doc["_id"] = doc.pop("order_id")
        try:
            await self.ratings.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def rating(self, order_id: str) -> ShopRating | None:
        doc = await self.ratings.find_one({"_id": str(order_id)})
        if doc is None:
            return None
        fields = {k: v for k, v in doc.items() if k in ShopRating.__dataclass_fields__}
        return ShopRating(order_id=doc["_id"], **fields)

    async def rated(self, order_ids: list[str]) -> set[str]:
        cursor = self.ratings.find({"_id": {"$in": [str(i) for i in order_ids]}}, {"_id": 1})
        return {doc["_id"] async for doc in cursor}

    async def all_ratings(self):
        async for doc in self.ratings.find({}):
            yield doc

    # --- per-day sums (DSR over a rolling window) ---------------------------------------------------------------

    async def add_to_day(self, scope: str, day: str, sums: dict[str, int]) -> None:
        await self.days.update_one(
            {"_id": f"{scope}:{day}"}, {"$inc": sums, "$setOnInsert": {"scope": scope, "day": day}}, upsert=True
        )

    async def day_sums(self, scope: str, since_day: str) -> dict[str, int]:
        sums: dict[str, int] = {}
        async for doc in self.days.find({"scope": scope, "day": {"$gte": since_day}}):
            for key, value in doc.items():
                if key not in ("_id", "scope", "day"):
                    sums[key] = sums.get(key, 0) + int(value)
        return sums

    async def all_days(self) -> dict[str, dict]:
        return {doc["_id"]: doc async for doc in self.days.find({})}

    async def put_day(self, doc_id: str, doc: dict | None) -> None:
        if doc is None:
            await self.days.delete_one({"_id": doc_id})
        else:
            await self.days.replace_one({"_id": doc_id}, doc, upsert=True)

    # --- product figures -----------------------------------------------------------------------------------------

    async def add_to_figures(self, product_id: str, delta: dict[str, int]) -> ProductFigures:
        """`$inc` the product's figures (and its version): the figures right after this change."""
        doc = await self.figures.find_one_and_update(
            {"_id": str(product_id)}, {"$inc": {**delta, "version": 1}}, upsert=True, return_document=AFTER
        )
        return _figures(doc, product_id)

    async def figures_of(self, product_id: str) -> ProductFigures:
        return _figures(await self.figures.find_one({"_id": str(product_id)}), product_id)

    async def all_figures(self) -> dict[str, ProductFigures]:
        return {doc["_id"]: _figures(doc, doc["_id"]) async for doc in self.figures.find({})}

    async def put_figures(self, figures: ProductFigures) -> ProductFigures:
        """The repair: these exact figures, one version on."""
        doc = await self.figures.find_one_and_update(
            {"_id": figures.product_id},
            {"$set": figures.comparable(), "$inc": {"version": 1}},
            upsert=True,
            return_document=AFTER,
        )
        return _figures(doc, figures.product_id)

    # --- the sold ledger: one entry per paid order, so each event moves the counts once ----------------------

    async def add_sale(self, order_id: str, shop_id: str, lines: list[dict], at: datetime) -> bool:
        doc = {"_id": str(order_id), "shop_id": shop_id, "lines": lines, "counted": True, "refunded": [], "at": at}
        try:
            await self.sales.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def uncount_sale(self, order_id: str) -> dict | None:
        """Counted -> not counted, once: the entry as it was, or None."""
        return await self.sales.find_one_and_update(
            {"_id": str(order_id), "counted": True}, {"$set": {"counted": False}}
        )

    async def refund_sale_line(self, order_id: str, line: int) -> dict | None:
        """Line `line` refunded, once (only while the sale counts): the entry as it was, or None."""
        return await self.sales.find_one_and_update(
            {"_id": str(order_id), "counted": True, "refunded": {"$ne": int(line)}},
            {"$push": {"refunded": int(line)}},
        )

    async def sale(self, order_id: str) -> dict | None:
        return await self.sales.find_one({"_id": str(order_id)})

    async def all_sales(self):
        async for doc in self.sales.find({}):
            yield doc

    async def put_sale(self, doc: dict) -> None:
        await self.sales.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    # --- votes, reports, photos ------------------------------------------------------------------------------------

    async def add_vote(self, review_id: str, user_id: str, at: datetime) -> bool:
        try:
            await self.votes.insert_one({"_id": f"{review_id}:{user_id}", "review_id": review_id, "at": at})
        except DuplicateKeyError:
            return False
        return True

    async def voted(self, user_id: str, review_ids: list[str]) -> set[str]:
        ids = [f"{r}:{user_id}" for r in review_ids]
        return {doc["review_id"] async for doc in self.votes.find({"_id": {"$in": ids}}, {"review_id": 1})}

    async def add_report(self, report: Report) -> bool:
        doc = _plain(asdict(report))
        doc["_id"] = doc.pop("id")
        try:
            await self.reports.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def reports_of(self, review_ids: list[str], status: ReportStatus | None = ReportStatus.OPEN) -> list[Report]:
        query: dict = {"review_id": {"$in": [str(i) for i in review_ids]}}
        if status is not None:
            query["status"] = status.value
        cursor = self.reports.find(query).sort("created_at", ASCENDING)
        return [
            Report(**{**{k: v for k, v in doc.items() if k in Report.__dataclass_fields__},
                      "id": doc["_id"], "status": ReportStatus(doc["status"])})
            async for doc in cursor
        ]  # fmt: skip

    async def close_reports(self, review_id: str, status: ReportStatus, *, by: str, at: datetime) -> int:
        result = await mongo.idempotent(
            lambda: self.reports.update_many(
                {"review_id": str(review_id), "status": ReportStatus.OPEN.value},
                {"$set": {"status": status.value, "decided_by": by, "decided_at": at}},
            )
        )
        return result.modified_count

    async def claim_photos_back(self, photo_ids: list[str], review_id: str) -> None:
        """Undo a claim whose review was not written."""
        query = {"_id": {"$in": list(photo_ids)}, "used_by": review_id}
        await mongo.idempotent(lambda: self.photos.update_many(query, {"$set": {"used_by": None}}))

    async def add_photo(self, photo: Photo) -> None:
        doc = asdict(photo)
        doc["_id"] = doc.pop("id")
        await self.photos.insert_one(doc)

    async def unused_photos(self, user_id: str, photo_ids: list[str]) -> list[Photo]:
        cursor = self.photos.find({"_id": {"$in": list(photo_ids)}, "user_id": str(user_id), "used_by": None})
        return [Photo(**{**{k: v for k, v in doc.items() if k != "_id"}, "id": doc["_id"]}) async for doc in cursor]

    async def claim_photos(self, user_id: str, photo_ids: list[str], review_id: str) -> bool:
        """All of them for this review, or none (a photo is used once, by its own uploader)."""
        if not photo_ids:
            return True
        query = {"_id": {"$in": list(photo_ids)}, "user_id": str(user_id), "used_by": None}
        await mongo.idempotent(lambda: self.photos.update_many(query, {"$set": {"used_by": review_id}}))
        mine = {"_id": {"$in": list(photo_ids)}, "user_id": str(user_id), "used_by": review_id}
        if await self.photos.count_documents(mine) == len(set(photo_ids)):  # counted after: safe to repeat
            return True
        await self.claim_photos_back(photo_ids, review_id)
        return False
