"""The ledger, statements, payouts and commission rules in MongoDB: the only code that touches their collections.

Ledger entries are inserted once (unique `key`: the source event and kind) and never updated but for the flag that
says their totals were applied. Totals (account balances and the figures the finance pages show) are kept in the
same step with `$inc`, guarded per document by the ids of the last GUARD entries applied to it, so re-applying an
entry after a crash counts it once; `python -m mall finance check` recomputes every total from the entries."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from mall.settlement.models import (
    CommissionRule,
    Item,
    ItemKind,
    Payout,
    PayoutStatus,
    RuleScope,
    Statement,
    StatementStatus,
    Totals,
)

GUARD = 200
AFTER = ReturnDocument.AFTER


def item_doc(item: Item) -> dict:
    doc = asdict(item)
    doc["_id"] = doc.pop("id")
    doc["kind"] = item.kind.value
    return doc


def item_of(doc: dict) -> Item:
    fields = {k: v for k, v in doc.items() if k in Item.__dataclass_fields__}
    return Item(**{**fields, "id": doc["_id"], "kind": ItemKind(doc["kind"])})


class LedgerRepository:
    def __init__(self, db):
        self.entries = db["ledger_entries"]
        self.totals = db["ledger_totals"]
        self.items = db["settlement_items"]

    async def ensure_indexes(self) -> None:
        # an entry's _id is its key (source event and kind): the _id index makes it once, and finds it at once
        await self.entries.create_index([("order_id", 1), ("recorded_at", 1)])
        await self.entries.create_index([("applied", 1), ("recorded_at", 1)])
        await self.entries.create_index([("shop_id", 1), ("at", 1)])
        await self.items.create_index([("shop_id", 1), ("statement_id", 1), ("eligible_at", 1), ("order_id", 1)])
        await self.items.create_index([("order_id", 1), ("position", 1)])
        await self.items.create_index([("statement_id", 1), ("order_id", 1), ("_id", 1)])

    # --- entries ---------------------------------------------------------------------------------------------

    async def insert(self, doc: dict) -> bool:
        """Insert a new entry (its _id is its key); False when one with that key exists (a replay)."""
        try:
            await self.entries.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def by_key(self, key: str) -> dict | None:
        return await self.entries.find_one({"_id": key})

    async def of_order(self, order_id: str) -> list[dict]:
        return [doc async for doc in self.entries.find({"order_id": str(order_id)}).sort("recorded_at", 1)]

    async def apply(self, entry: dict) -> None:
        """Count the entry in every total it moves (once each, however often this runs), write its statement items,
        then flag it applied."""
        for target in entry["totals"]:
            try:
                await self.totals.update_one(
                    {"_id": target["doc"], "applied": {"$ne": entry["_id"]}},
                    {"$inc": target["inc"], "$push": {"applied": {"$each": [entry["_id"]], "$slice": -GUARD}}},
                    upsert=True,
                )
            except DuplicateKeyError:
                pass  # the document exists and already counts this entry
        for doc in entry.get("items", ()):
            try:
                await self.items.insert_one(dict(doc))
            except DuplicateKeyError:
                pass
        await self.entries.update_one({"_id": entry["_id"]}, {"$set": {"applied": True}})

    async def unapplied(self, before: datetime, limit: int = 500) -> list[dict]:
        cursor = self.entries.find({"applied": False, "recorded_at": {"$lt": before}}).sort("recorded_at", 1)
        return [doc async for doc in cursor.limit(limit)]

    def stream(self, query: dict | None = None, batch: int = 1000):
        return self.entries.find(query or {}).sort("_id", 1).batch_size(batch)

    async def count(self, query: dict | None = None) -> int:
        return await self.entries.count_documents(query or {})

    # --- totals ----------------------------------------------------------------------------------------------

    async def total(self, doc_id: str) -> dict:
        return await self.totals.find_one({"_id": doc_id}, {"applied": 0}) or {}

    async def totals_many(self, doc_ids: list[str]) -> dict[str, dict]:
        cursor = self.totals.find({"_id": {"$in": doc_ids}}, {"applied": 0})
        return {doc["_id"]: doc async for doc in cursor}

    async def totals_prefixed(self, prefix: str) -> list[dict]:
        """Every totals document whose id starts with `prefix` (ids are ours: no pattern characters)."""
        cursor = self.totals.find({"_id": {"$regex": "^" + prefix}}, {"applied": 0})
        return [doc async for doc in cursor]

    # --- items -----------------------------------------------------------------------------------------------

    async def mark_eligible(self, order_id: str, eligible_at: datetime) -> int:
        result = await self.items.update_many(
            {"order_id": str(order_id), "eligible_at": None}, {"$set": {"eligible_at": eligible_at}}
        )
        return result.modified_count

    def claimable(self, shop_id: str, now: datetime, batch: int = 500):
        """The shop's items not in a statement and eligible by `now`, by order: streamed."""
        query = {"shop_id": shop_id, "statement_id": None, "eligible_at": {"$lte": now}}
        fields = {"order_id": 1, "position": 1}
        return self.items.find(query, fields).sort([("order_id", 1), ("_id", 1)]).batch_size(batch)

    async def claim(self, item_ids: list[str], statement_id: str) -> int:
        result = await self.items.update_many(
            {"_id": {"$in": item_ids}, "statement_id": None}, {"$set": {"statement_id": statement_id}}
        )
        return result.modified_count

    async def shops_with_claimable(self, now: datetime) -> list[str]:
        return sorted(await self.items.distinct("shop_id", {"statement_id": None, "eligible_at": {"$lte": now}}))

    def of_statement(self, statement_id: str, *, skip: int = 0, limit: int = 0, batch: int = 500):
        cursor = self.items.find({"statement_id": statement_id}).sort([("order_id", 1), ("_id", 1)]).skip(skip)
        return (cursor.limit(limit) if limit else cursor).batch_size(batch)

    async def count_of_statement(self, statement_id: str) -> int:
        return await self.items.count_documents({"statement_id": statement_id})

    async def of_order_items(self, order_id: str) -> list[Item]:
        return [item_of(doc) async for doc in self.items.find({"order_id": str(order_id)})]

    async def statement_sums(self, statement_id: str) -> Totals:
        """A statement's figures, summed from its items as they stream by (a batch at a time, nothing kept)."""
        fields = {"kind": 1, "net": 1, "subsidy": 1, "commission": 1}
        sums = {"sales": 0, "subsidies": 0, "shipping": 0, "refunds": 0, "commission": 0, "lines": 0}
        async for doc in self.items.find({"statement_id": statement_id}, fields).batch_size(1000):
            revenue = doc["net"] + doc["subsidy"]
            bucket = {"sale": "sales", "shipping": "shipping"}.get(doc["kind"], "refunds")
            sums[bucket] += revenue
            sums["subsidies"] += doc["subsidy"] if doc["kind"] == ItemKind.SALE.value else 0
            sums["commission"] += doc["commission"]
            sums["lines"] += 1
        return Totals(**sums)


def statement_of(doc: dict) -> Statement:
    return Statement(
        id=doc["_id"],
        number=doc["number"],
        shop_id=doc["shop_id"],
        period=doc["period"],
        status=StatementStatus(doc["status"]),
        started_at=doc["started_at"],
        totals=Totals(**doc.get("totals", {})),
        carried=doc.get("carried", 0),
        held=doc.get("held", 0),
        issued_at=doc.get("issued_at"),
    )


def payout_of(doc: dict) -> Payout:
    fields = {k: v for k, v in doc.items() if k in Payout.__dataclass_fields__}
    return Payout(**{**fields, "id": doc["_id"], "status": PayoutStatus(doc["status"])})


class StatementRepository:
    def __init__(self, db):
        self.statements = db["settlement_statements"]
        self.payouts = db["settlement_payouts"]
        self.events = db["payout_events"]
        self.locks = db["settlement_locks"]
        self.marks = db["settlement_marks"]

    async def ensure_indexes(self) -> None:
        await self.statements.create_index([("shop_id", 1), ("period", 1)], unique=True)
        await self.statements.create_index([("shop_id", 1), ("started_at", -1)])
        await self.statements.create_index([("status", 1), ("period", 1)])
        await self.payouts.create_index("statement_id", unique=True)
        await self.payouts.create_index([("status", 1), ("approved_at", 1)])
        await self.payouts.create_index([("shop_id", 1), ("approved_at", 1)])
        await self.events.create_index("event_id", unique=True)

    # --- statements --------------------------------------------------------------------------------------------

    async def start(self, statement: Statement) -> Statement:
        """The shop's statement of that period, created now as ISSUING unless it exists (then that one)."""
        doc = {
            "_id": statement.id,
            "number": statement.number,
            "shop_id": statement.shop_id,
            "period": statement.period,
            "status": StatementStatus.ISSUING.value,
            "started_at": statement.started_at,
        }
        try:
            await self.statements.insert_one(doc)
        except DuplicateKeyError:
            existing = await self.statements.find_one({"shop_id": statement.shop_id, "period": statement.period})
            return statement_of(existing)
        return statement

    async def finish(self, statement_id: str, totals: Totals, carried: int, held: int, at: datetime):
        """ISSUING -> ISSUED with its figures, once: an issued statement is never written again."""
        doc = await self.statements.find_one_and_update(
            {"_id": statement_id, "status": StatementStatus.ISSUING.value},
            {
                "$set": {
                    "status": StatementStatus.ISSUED.value,
                    "totals": asdict(totals),
                    "carried": carried,
                    "held": held,
                    "issued_at": at,
                }
            },
            return_document=AFTER,
        )
        return statement_of(doc) if doc else None

    async def discard(self, statement_id: str) -> None:
        """Drop a draft that claimed nothing (nothing to settle or pay): only an ISSUING one."""
        await self.statements.delete_one({"_id": statement_id, "status": StatementStatus.ISSUING.value})

    async def get(self, statement_id: str, *, shop_id: str | None = None) -> Statement | None:
        query = {"_id": str(statement_id)}
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        doc = await self.statements.find_one(query)
        return statement_of(doc) if doc else None

    async def issuing(self, shop_id: str) -> list[Statement]:
        cursor = self.statements.find({"shop_id": shop_id, "status": StatementStatus.ISSUING.value})
        return [statement_of(doc) async for doc in cursor]

    async def page(self, *, shop_id: str | None = None, period: str | None = None, skip=0, limit=20):
        query: dict = {"status": StatementStatus.ISSUED.value}
        if shop_id is not None:
            query["shop_id"] = shop_id
        if period is not None:
            query["period"] = period
        total = await self.statements.count_documents(query)
        cursor = self.statements.find(query).sort([("started_at", -1), ("_id", -1)]).skip(skip).limit(limit)
        return [statement_of(doc) async for doc in cursor], total

    async def issued_of_shop(self, shop_id: str) -> list[Statement]:
        query = {"shop_id": shop_id, "status": StatementStatus.ISSUED.value}
        return [statement_of(doc) async for doc in self.statements.find(query)]

    async def issued_in(self, period: str) -> list[Statement]:
        query = {"period": period, "status": StatementStatus.ISSUED.value}
        return [statement_of(doc) async for doc in self.statements.find(query)]

    async def unpaid(self, limit: int = 200) -> list[Statement]:
        """Issued statements with something to pay and no payout yet (the operators' queue), oldest first."""
        paid_ids = await self.payouts.distinct("statement_id")
        query = {"status": StatementStatus.ISSUED.value, "_id": {"$nin": paid_ids}}
        found = []
        async for doc in self.statements.find(query).sort([("issued_at", 1), ("_id", 1)]):
            statement = statement_of(doc)
            if statement.payable > 0:
                found.append(statement)
                if len(found) >= limit:
                    break
        return found

    # --- payouts -----------------------------------------------------------------------------------------------

    async def add_payout(self, payout: Payout) -> tuple[Payout, bool]:
        """Insert, or the statement's payout when it has one; True when new."""
        doc = {**asdict(payout), "status": payout.status.value}
        doc["_id"] = doc.pop("id")
        try:
            await self.payouts.insert_one(doc)
        except DuplicateKeyError:
            return payout_of(await self.payouts.find_one({"statement_id": payout.statement_id})), False
        return payout, True

    async def payout(self, payout_id: str) -> Payout | None:
        doc = await self.payouts.find_one({"_id": str(payout_id)})
        return payout_of(doc) if doc else None

    async def payouts_of(self, statement_ids: list[str]) -> dict[str, Payout]:
        cursor = self.payouts.find({"statement_id": {"$in": statement_ids}})
        return {doc["statement_id"]: payout_of(doc) async for doc in cursor}

    async def move_payout(self, payout_id: str, from_statuses: tuple[PayoutStatus, ...], changes: dict):
        doc = await self.payouts.find_one_and_update(
            {"_id": payout_id, "status": {"$in": [s.value for s in from_statuses]}},
            {"$set": {k: (v.value if isinstance(v, PayoutStatus) else v) for k, v in changes.items()}},
            return_document=AFTER,
        )
        return payout_of(doc) if doc else None

    async def payouts_in(self, statuses: tuple[PayoutStatus, ...], *, shop_id=None, since=None, limit=500):
        query: dict = {"status": {"$in": [s.value for s in statuses]}}
        if since is not None:
            query["approved_at"] = {"$gte": since}
        if shop_id is not None:
            query["shop_id"] = shop_id
        cursor = self.payouts.find(query).sort([("approved_at", 1), ("_id", 1)]).limit(limit)
        return [payout_of(doc) async for doc in cursor]

    async def payouts_of_shop(self, shop_id: str, limit: int = 500) -> list[Payout]:
        cursor = self.payouts.find({"shop_id": shop_id}).sort([("approved_at", 1), ("_id", 1)]).limit(limit)
        return [payout_of(doc) async for doc in cursor]

    async def record_event(self, event_id: str, payout_id: str, kind: str, now: datetime) -> bool:
        """Remember a verified provider event; False when its id was seen before."""
        try:
            await self.events.insert_one({"event_id": event_id, "payout_id": payout_id, "type": kind, "at": now})
        except DuplicateKeyError:
            return False
        return True

    # --- a lease per shop (statement issue and approval take turns) and sweep marks ---------------------------

    async def lock(self, name: str, token: str, now: datetime, until: datetime) -> bool:
        try:
            doc = await self.locks.find_one_and_update(
                {"_id": name, "$or": [{"until": None}, {"until": {"$lte": now}}]},
                {"$set": {"token": token, "until": until}},
                upsert=True,
                return_document=AFTER,
            )
        except DuplicateKeyError:
            return False  # held by someone else (the upsert found it taken)
        return doc is not None and doc.get("token") == token

    async def unlock(self, name: str, token: str) -> None:
        await self.locks.update_one({"_id": name, "token": token}, {"$set": {"until": None, "token": None}})

    async def mark(self, name: str) -> datetime | None:
        doc = await self.marks.find_one({"_id": name})
        return doc.get("at") if doc else None

    async def set_mark(self, name: str, at: datetime) -> None:
        await self.marks.update_one({"_id": name}, {"$set": {"at": at}}, upsert=True)


class RuleRepository:
    def __init__(self, db):
        self.rules = db["commission_rules"]

    async def ensure_indexes(self) -> None:
        await self.rules.create_index([("scope", 1), ("target_id", 1), ("effective_from", 1)], unique=True)

    async def all(self) -> list[CommissionRule]:
        cursor = self.rules.find({}).sort([("scope", 1), ("target_id", 1), ("effective_from", 1)])
        return [_rule(doc) async for doc in cursor]

    async def put(self, rule: CommissionRule) -> CommissionRule:
        """The rule for (scope, target, effective_from): a new one, or that one's rate replaced."""
        key = {"scope": rule.scope.value, "target_id": rule.target_id, "effective_from": rule.effective_from}
        doc = await self.rules.find_one_and_update(
            key,
            {
                "$set": {"rate_bp": rule.rate_bp, "created_at": rule.created_at, "created_by": rule.created_by},
                "$setOnInsert": {"_id": rule.id},
            },
            upsert=True,
            return_document=AFTER,
        )
        return _rule(doc)

    async def delete(self, rule_id: str, not_before: datetime) -> bool:
        """Only a rule that has not taken effect yet may be withdrawn."""
        result = await self.rules.delete_one({"_id": str(rule_id), "effective_from": {"$gt": not_before}})
        return result.deleted_count == 1


def _rule(doc: dict) -> CommissionRule:
    return CommissionRule(
        id=doc["_id"],
        scope=RuleScope(doc["scope"]),
        target_id=doc.get("target_id"),
        rate_bp=doc["rate_bp"],
        effective_from=doc["effective_from"],
        created_at=doc["created_at"],
        created_by=doc.get("created_by", ""),
    )
