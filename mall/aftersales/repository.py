"""After-sales cases and their photos in MongoDB.

Every change of status is ONE conditional update on (id, status, version): of two workers (or two clicks, or a
click and a deadline job) only one moves the case; the loser gets None. `open_slot` ("<order>:<line>") exists
only while a case is open, under a unique sparse index: one open request per line at a time."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from mall.aftersales.models import OPEN, Case, Kind, Reason, Status, Step

AFTER = ReturnDocument.AFTER
OPEN_VALUES = [s.value for s in OPEN]


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str) and hasattr(value, "value"):
        return value.value
    return value


def _doc(case: Case) -> dict:
    doc = _plain(asdict(case))
    doc["_id"] = doc.pop("id")
    if case.is_open:
        doc["open_slot"] = f"{case.order_id}:{case.line}"
    return doc


def _case(doc: dict) -> Case:
    fields = {k: v for k, v in doc.items() if k in Case.__dataclass_fields__}
    fields["id"] = doc["_id"]
    fields["kind"] = Kind(doc["kind"])
    fields["reason"] = Reason(doc["reason"])
    fields["status"] = Status(doc["status"])
    fields["timeline"] = [Step(**s) for s in doc.get("timeline", [])]
    return Case(**fields)


class LineBusy(Exception):
    """This order line already has an open case."""


class CaseRepository:
    def __init__(self, db):
        self.cases = db["aftersales_cases"]
        self.photos = db["aftersales_photos"]

    async def ensure_indexes(self) -> None:
        await self.cases.create_index("open_slot", unique=True, sparse=True)
        await self.cases.create_index("number", unique=True)
        await self.cases.create_index([("order_id", 1), ("line", 1)])
        await self.cases.create_index([("user_id", 1), ("created_at", -1)])
        await self.cases.create_index([("shop_id", 1), ("status", 1), ("due_at", 1)])
        await self.cases.create_index([("status", 1), ("due_at", 1)])
        await self.cases.create_index([("shop_id", 1), ("created_at", -1)])
        await self.photos.create_index([("user_id", 1), ("created_at", -1)])

    async def add(self, case: Case) -> None:
        try:
            await self.cases.insert_one(_doc(case))
        except DuplicateKeyError as exc:
            raise LineBusy() from exc

    async def get(self, case_id: str, *, user_id: str | None = None, shop_id: str | None = None) -> Case | None:
        query: dict = {"_id": str(case_id)}
        if user_id is not None:
            query["user_id"] = str(user_id)
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        doc = await self.cases.find_one(query)
        return _case(doc) if doc else None

    async def move(self, case: Case, to: Status, step: Step, changes: dict, *, due_at: datetime | None) -> Case | None:
        """`case` -> `to` if nobody changed it since it was read; the new case, else None."""
        update: dict = {
            "$set": {"status": to.value, "due_at": due_at, "version": case.version + 1, **_plain(changes)},
            "$push": {"timeline": _plain(asdict(step))},
        }
        if to not in OPEN:
            update["$unset"] = {"open_slot": ""}
        doc = await self.cases.find_one_and_update(
            {"_id": case.id, "status": case.status.value, "version": case.version}, update, return_document=AFTER
        )
        return _case(doc) if doc else None

    async def note(self, case_id: str, step: Step, changes: dict | None = None) -> Case | None:
        """Add to the timeline (and set fields) whatever the status."""
        update: dict = {"$push": {"timeline": _plain(asdict(step))}}
        if changes:
            update["$set"] = _plain(changes)
        doc = await self.cases.find_one_and_update({"_id": str(case_id)}, update, return_document=AFTER)
        return _case(doc) if doc else None

    async def set_fields(self, case_id: str, changes: dict) -> None:
        await self.cases.update_one({"_id": str(case_id)}, {"$set": _plain(changes)})

    async def of_order(self, order_id: str) -> list[Case]:
        cursor = self.cases.find({"order_id": str(order_id)}).sort("created_at", 1)
        return [_case(doc) async for doc in cursor]

    async def page(
        self,
        *,
        user_id: str | None = None,
        shop_id: str | None = None,
        statuses: list[Status] | None = None,
        due_before: datetime | None = None,
        page: int = 1,
        per_page: int = 20,
        by_due: bool = False,
        escalated: bool = False,
    ) -> tuple[list[Case], int]:
        query: dict = {"escalated_at": {"$ne": None}} if escalated else {}
        if user_id is not None:
            query["user_id"] = str(user_id)
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        if statuses is not None:
            query["status"] = {"$in": [s.value for s in statuses]}
        if due_before is not None:
            query["due_at"] = {"$ne": None, "$lte": due_before}
        total = await self.cases.count_documents(query)
        order = [("due_at", 1), ("_id", 1)] if by_due else [("created_at", -1), ("_id", -1)]
        cursor = self.cases.find(query).sort(order).skip((page - 1) * per_page).limit(per_page)
        return [_case(doc) async for doc in cursor], total

    async def count(self, query: dict) -> int:
        return await self.cases.count_documents(query)

    async def due(self, now: datetime, limit: int = 200) -> list[Case]:
        """Open cases whose deadline has passed (index: status, due_at)."""
        query = {"status": {"$in": OPEN_VALUES}, "due_at": {"$ne": None, "$lte": now}}
        return [_case(doc) async for doc in self.cases.find(query).sort("due_at", 1).limit(limit)]

    async def open_of_order(self, order_id: str) -> list[Case]:
        query = {"order_id": str(order_id), "status": {"$in": OPEN_VALUES}}
        return [_case(doc) async for doc in self.cases.find(query)]

    async def disputed_sum(self, shop_id: str) -> int:
        """What the shop's open disputes ask for in all (index: shop_id, status)."""
        query = {"shop_id": str(shop_id), "status": Status.DISPUTED.value}
        return sum([int(doc.get("amount", 0)) async for doc in self.cases.find(query, {"amount": 1})])

    async def of_shop_since(self, shop_id: str, since: datetime) -> list[dict]:
        """Small projections of a shop's cases opened since `since` (for its health figures)."""
        query = {"shop_id": str(shop_id), "created_at": {"$gte": since}}
        fields = {"order_id": 1, "status": 1, "outcome": 1, "refunded": 1, "escalated_at": 1}
        return [doc async for doc in self.cases.find(query, fields)]

    # --- photos a user uploaded for their cases (ids are the stored file names) ---------------------------------

    async def add_photo(self, name: str, user_id: str, now: datetime) -> None:
        await self.photos.insert_one({"_id": name, "user_id": str(user_id), "created_at": now})

    async def own_photos(self, user_id: str, names: list[str]) -> set[str]:
        cursor = self.photos.find({"_id": {"$in": [str(n) for n in names]}, "user_id": str(user_id)}, {"_id": 1})
        return {doc["_id"] async for doc in cursor}
