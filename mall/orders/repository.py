"""Addresses, shipping templates, checkouts and orders in MongoDB.

Every status change is one conditional update on the current status, so two
workers can never both apply it; the loser gets None."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime, timedelta

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from mall.orders.models import (
    Address,
    Checkout,
    CheckoutItem,
    CheckoutStatus,
    CouponUse,
    Order,
    OrderLine,
    OrderStatus,
    SaleState,
    ShippingTemplate,
    ShopPart,
    StockState,
    TimelineEntry,
)

AFTER = ReturnDocument.AFTER


def _plain(value):
    """Dataclass dicts -> BSON-friendly values (enums as their strings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and isinstance(value, str):
        return value.value
    return value


def _doc(obj) -> dict:
    doc = _plain(asdict(obj))
    doc["_id"] = doc.pop("id")
    return doc


def _fields(cls, doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k in cls.__dataclass_fields__}
    out["id"] = doc["_id"]
    return out


class DuplicateCheckout(Exception):
    """Another checkout already has this number or this (user, idempotency key)."""


class AddressRepository:
    """Each user's address book. Two rules hold under concurrent requests, with no transaction:
    - at most `limit` addresses: each takes a numbered slot whose (user, slot) key is unique, so two adds
      racing for the last free slot cannot both succeed;
    - exactly one default: the book's own document names it (one write), and when that address is gone the
      oldest one is the default."""

    def __init__(self, db):
        self.addresses = db["addresses"]
        self.books = db["address_books"]

    async def ensure_indexes(self) -> None:
        await self.addresses.create_index([("user_id", 1), ("created_at", 1)])
        await self.addresses.create_index("slot_key", unique=True, sparse=True)

    async def add(self, address: Address, *, limit: int) -> bool:
        """Store it in a free slot of its user's book; False when the book holds `limit` addresses."""
        doc = _doc(address)
        doc.pop("is_default")
        for _ in range(limit + 1):  # each miss means another add took a slot
            held = [d async for d in self.addresses.find({"user_id": address.user_id}, {"slot": 1})]
            used = {d.get("slot") for d in held}
            free = next((n for n in range(limit) if n not in used), None)
            if len(held) >= limit or free is None:
                return False
            try:
                await self.addresses.insert_one({**doc, "slot": free, "slot_key": f"{address.user_id}:{free}"})
                return True
            except DuplicateKeyError:
                continue
        return False

    async def list_for(self, user_id: str) -> list[Address]:
        """Oldest first; `is_default` marks the book's default."""
        cursor = self.addresses.find({"user_id": str(user_id)}).sort([("created_at", 1), ("_id", 1)])
        docs = [doc async for doc in cursor]
        if not docs:
            return []
        book = await self.books.find_one({"_id": str(user_id)}) or {}
        ids = [doc["_id"] for doc in docs]
        legacy = next((doc["_id"] for doc in docs if doc.get("is_default")), None)  # stored before books
        default = next((i for i in (book.get("default_id"), legacy) if i in ids), ids[0])
        return [Address(**{**_fields(Address, doc), "is_default": doc["_id"] == default}) for doc in docs]

    async def count_for(self, user_id: str) -> int:
        return await self.addresses.count_documents({"user_id": str(user_id)})

    async def get(self, user_id: str, address_id: str) -> Address | None:
        return next((a for a in await self.list_for(user_id) if a.id == str(address_id)), None)

    async def update(self, user_id: str, address_id: str, changes: dict) -> bool:
        result = await self.addresses.update_one({"_id": str(address_id), "user_id": str(user_id)}, {"$set": changes})
        return result.matched_count == 1

    async def delete(self, user_id: str, address_id: str) -> bool:
        """Its slot is free again; if it was the default, the oldest remaining address is."""
        result = await self.addresses.delete_one({"_id": str(address_id), "user_id": str(user_id)})
        return result.deleted_count == 1

    async def set_default(self, user_id: str, address_id: str) -> None:
        """One write: the last choice wins, and there is never a book without a default."""
        await self.books.update_one({"_id": str(user_id)}, {"$set": {"default_id": str(address_id)}}, upsert=True)


class ShippingRepository:
    def __init__(self, db):
        self.templates = db["shipping_templates"]

    async def ensure_indexes(self) -> None:
        return None  # keyed by shop id (_id)

    async def get(self, shop_id: str) -> ShippingTemplate | None:
        doc = await self.templates.find_one({"_id": str(shop_id)})
        return _template(doc) if doc else None

    async def many(self, shop_ids: list[str]) -> dict[str, ShippingTemplate]:
        found = self.templates.find({"_id": {"$in": [str(i) for i in shop_ids]}})
        return {doc["_id"]: _template(doc) async for doc in found}

    async def save(self, template: ShippingTemplate) -> None:
        doc = _plain(asdict(template))
        shop_id = doc.pop("shop_id")
        await self.templates.replace_one({"_id": shop_id}, doc, upsert=True)


def _template(doc: dict) -> ShippingTemplate:
    return ShippingTemplate(
        shop_id=doc["_id"],
        flat_fee=doc["flat_fee"],
        free_over=doc.get("free_over"),
        region_fees=dict(doc.get("region_fees") or {}),
        updated_at=doc.get("updated_at"),
    )


def _item(doc: dict) -> CheckoutItem:
    item = CheckoutItem(**{**doc, "stock": StockState(doc["stock"])})
    item.sale_state = SaleState(item.sale_state) if item.sale_state else None
    return item


def _checkout(doc: dict) -> Checkout:
    fields = _fields(Checkout, doc)
    fields["status"] = CheckoutStatus(doc["status"])
    fields["items"] = [_item(i) for i in doc["items"]]
    fields["parts"] = [ShopPart(**p) for p in doc["parts"]]
    fields["coupons"] = [CouponUse(**{**u, "state": StockState(u["state"])}) for u in doc.get("coupons", [])]
    return Checkout(**fields)


class CheckoutRepository:
    def __init__(self, db):
        self.checkouts = db["checkouts"]

    async def ensure_indexes(self) -> None:
        await self.checkouts.create_index([("user_id", 1), ("idempotency_key", 1)], unique=True)
        await self.checkouts.create_index("number", unique=True)
        await self.checkouts.create_index([("status", 1), ("expires_at", 1)])
        await self.checkouts.create_index("items.flash_sale_id")
        await self.checkouts.create_index([("items.sale_state", 1), ("status", 1)])

    async def flash_lines(self, sale_id: str) -> list[tuple[str, CheckoutItem]]:
        """(user id, line) of every flash-sale line of this sale that is being paid or was sold."""
        states = [SaleState.SELLING.value, SaleState.SOLD.value]
        query = {"items": {"$elemMatch": {"flash_sale_id": str(sale_id), "sale_state": {"$in": states}}}}
        found = []
        async for doc in self.checkouts.find(query, {"user_id": 1, "items": 1}):
            for raw in doc["items"]:
                if raw.get("flash_sale_id") == sale_id and raw.get("sale_state") in states:
                    found.append((doc["user_id"], _item(raw)))
        return found

    async def add(self, checkout: Checkout, *, lock_token: str, lock_until: datetime) -> None:
        """Insert the checkout already locked by its creator."""
        doc = {**_doc(checkout), "lock_token": lock_token, "lock_until": lock_until}
        try:
            await self.checkouts.insert_one(doc)
        except DuplicateKeyError as exc:
            raise DuplicateCheckout() from exc

    async def lock(self, checkout_id: str, token: str, now: datetime, until: datetime) -> tuple[Checkout | None, bool]:
        """Take the checkout's lock if it is free or its lease ran out.

        Returns (checkout, True) when the previous holder never released it (it died mid-way)."""
        doc = await self.checkouts.find_one_and_update(
            {"_id": str(checkout_id), "$or": [{"lock_until": None}, {"lock_until": {"$lte": now}}]},
            {"$set": {"lock_token": token, "lock_until": until}},
        )
        if doc is None:
            return None, False
        return _checkout(doc), doc.get("lock_until") is not None

    async def unlock(self, checkout_id: str, token: str) -> None:
        await self.checkouts.update_one(
            {"_id": checkout_id, "lock_token": token}, {"$set": {"lock_token": None, "lock_until": None}}
        )

    async def overdue(self, now, limit: int) -> list[str]:
        """Ids of unpaid checkouts past their expiry (index: status, expires_at)."""
        live = [CheckoutStatus.RESERVING.value, CheckoutStatus.PENDING_PAYMENT.value]
        cursor = self.checkouts.find({"status": {"$in": live}, "expires_at": {"$lt": now}}, {"_id": 1})
        return [doc["_id"] async for doc in cursor.sort("expires_at", 1).limit(limit)]

    async def paid_selling(self, limit: int) -> list[str]:
        """Ids of paid checkouts with a flash-sale line whose Redis step is not done yet."""
        query = {"items.sale_state": SaleState.SELLING.value, "status": CheckoutStatus.PAID.value}
        return [doc["_id"] async for doc in self.checkouts.find(query, {"_id": 1}).limit(limit)]

    async def exists(self, checkout_id: str) -> bool:
        return await self.checkouts.count_documents({"_id": str(checkout_id)}, limit=1) == 1

    async def get(self, checkout_id: str) -> Checkout | None:
        doc = await self.checkouts.find_one({"_id": str(checkout_id)})
        return _checkout(doc) if doc else None

    async def by_key(self, user_id: str, key: str) -> Checkout | None:
        doc = await self.checkouts.find_one({"user_id": str(user_id), "idempotency_key": str(key)})
        return _checkout(doc) if doc else None

    async def transition(
        self, checkout_id: str, from_statuses: tuple[CheckoutStatus, ...], changes: dict
    ) -> Checkout | None:
        doc = await self.checkouts.find_one_and_update(
            {"_id": checkout_id, "status": {"$in": [s.value for s in from_statuses]}},
            {"$set": _plain(changes)},
            return_document=AFTER,
        )
        return _checkout(doc) if doc else None

    async def move_item(self, checkout_id: str, n: int, item: CheckoutItem, changes: dict) -> bool:
        """Change line `n` only if it is still as `item` says (same state, same move)."""
        prefix = f"items.{n}."
        result = await self.checkouts.update_one(
            {"_id": checkout_id, prefix + "stock": item.stock.value, prefix + "move": item.move},
            {"$set": {prefix + k: v for k, v in _plain(changes).items()}},
        )
        return result.modified_count == 1

    async def move_coupon(self, checkout_id: str, n: int, use: CouponUse, changes: dict) -> bool:
        """Change coupon use `n` only if it is still as `use` says (same state, same move)."""
        prefix = f"coupons.{n}."
        result = await self.checkouts.update_one(
            {"_id": checkout_id, prefix + "state": use.state.value, prefix + "move": use.move},
            {"$set": {prefix + k: v for k, v in _plain(changes).items()}},
        )
        return result.modified_count == 1

    async def set_payment(self, checkout_id: str, payment_id: str, payment_url: str) -> None:
        await self.checkouts.update_one(
            {"_id": checkout_id}, {"$set": {"payment_id": payment_id, "payment_url": payment_url}}
        )

    async def note_refunded(self, checkout_id: str, payment_id: str) -> bool:
        """True only for the first caller for this payment (a refund happens once)."""
        result = await self.checkouts.update_one(
            {"_id": checkout_id, "refunded_payments": {"$ne": payment_id}},
            {"$push": {"refunded_payments": payment_id}},
        )
        return result.modified_count == 1


def _order(doc: dict) -> Order:
    fields = _fields(Order, doc)
    fields["status"] = OrderStatus(doc["status"])
    fields["lines"] = [OrderLine(**line) for line in doc["lines"]]
    fields["timeline"] = [TimelineEntry(**entry) for entry in doc.get("timeline", [])]
    return Order(**fields)


class OrderRepository:
    def __init__(self, db):
        self.orders = db["orders"]

    async def ensure_indexes(self) -> None:
        await self.orders.create_index("number", unique=True)
        await self.orders.create_index("checkout_id")
        newest = [("created_at", -1), ("_id", -1)]  # the lists' order (page()), on an index for each filter
        for equal in ([("user_id", 1)], [("shop_id", 1)], [("shop_id", 1), ("status", 1)], [("status", 1)], []):
            await self.orders.create_index([*equal, *newest])
        await self.orders.create_index([("shop_id", 1), ("status", 1), ("alert_acked_at", 1), ("paid_at", 1)])
        await self.orders.create_index("lines.allocations.promotion_id")
        await self.orders.create_index("address.name")  # the operator's search by recipient
        await self.orders.create_index([("shop_id", 1), ("paid_at", -1)])
        await self.orders.create_index("after_sales_open.at")  # the after-sales sweep's check of holds
        await self.orders.create_index("paid_at", sparse=True)  # settlement's catch-up and check
        await self.orders.create_index("completed_at", sparse=True)

    async def add(self, order: Order) -> bool:
        """Insert once; False when it is already there (a repeated step)."""
        try:
            await self.orders.insert_one(_doc(order))
        except DuplicateKeyError:
            return False
        return True

    async def get(self, order_id: str, *, user_id: str | None = None, shop_id: str | None = None) -> Order | None:
        """The order, only if it belongs to `user_id` / `shop_id` when given."""
        query = {"_id": str(order_id)}
        if user_id is not None:
            query["user_id"] = str(user_id)
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        doc = await self.orders.find_one(query)
        return _order(doc) if doc else None

    async def of_checkout(self, checkout_id: str) -> list[Order]:
        cursor = self.orders.find({"checkout_id": str(checkout_id)}).sort("number", 1)
        return [_order(doc) async for doc in cursor]

    async def transition(
        self,
        order_id: str,
        from_status: OrderStatus,
        to_status: OrderStatus,
        entry: TimelineEntry,
        changes: dict,
        guard: dict | None = None,
    ) -> Order | None:
        doc = await self.orders.find_one_and_update(
            {"_id": order_id, "status": from_status.value, **(guard or {})},
            {"$set": {"status": to_status.value, **_plain(changes)}, "$push": {"timeline": _plain(asdict(entry))}},
            return_document=AFTER,
        )
        return _order(doc) if doc else None

    async def record_refund(self, order_id: str, record: dict, entry: TimelineEntry) -> Order | None:
        """Add one refund (its key once: a repeat changes nothing) and its timeline entry; the order, or None when
        this key was already recorded."""
        doc = await self.orders.find_one_and_update(
            {"_id": str(order_id), "refunds.key": {"$ne": record["key"]}},
            {
                "$push": {"refunds": _plain(record), "timeline": _plain(asdict(entry))},
                "$inc": {"refunded": record["amount"]},
            },
            return_document=AFTER,
        )
        return _order(doc) if doc else None

    async def hold(self, order_id: str, case_id: str, at, statuses: list[str]) -> bool:
        """Keep the order from completing while after-sales case `case_id` is open (only while in `statuses`)."""
        result = await self.orders.update_one(
            {"_id": str(order_id), "status": {"$in": statuses}, "after_sales_open.case_id": {"$ne": case_id}},
            {"$push": {"after_sales_open": {"case_id": case_id, "at": at}}},
        )
        return result.modified_count == 1

    async def release(self, order_id: str, case_id: str) -> bool:
        result = await self.orders.update_one(
            {"_id": str(order_id)}, {"$pull": {"after_sales_open": {"case_id": str(case_id)}}}
        )
        return result.modified_count == 1

    async def holds_before(self, before, limit: int = 200) -> list[tuple[str, str]]:
        """(order id, case id) of holds taken before `before` (for the after-sales sweep to check)."""
        query = {"after_sales_open.at": {"$lt": before}}
        found = []
        async for doc in self.orders.find(query, {"after_sales_open": 1}).limit(limit):
            found += [(doc["_id"], h["case_id"]) for h in doc.get("after_sales_open", []) if h["at"] < before]
        return found

    async def acknowledge(self, order_id: str, *, shop_id: str, at, by: str) -> bool:
        result = await self.orders.update_one(
            {"_id": str(order_id), "shop_id": str(shop_id), "alert_acked_at": None},
            {"$set": {"alert_acked_at": at, "alert_acked_by": by}},
        )
        return result.modified_count == 1

    async def acknowledged(self, order_id: str) -> bool:
        doc = await self.orders.find_one({"_id": str(order_id)}, {"alert_acked_at": 1})
        return bool(doc and doc.get("alert_acked_at"))

    async def unacknowledged(self, shop_id: str, limit: int = 50) -> list[Order]:
        query = {"shop_id": str(shop_id), "status": OrderStatus.PAID.value, "alert_acked_at": None}
        cursor = self.orders.find(query).sort("paid_at", 1).limit(limit)
        return [_order(doc) async for doc in cursor]

    async def note(self, order_id: str, entry: TimelineEntry | None, changes: dict | None = None) -> None:
        """Add to the timeline and/or set fields, whatever the status."""
        update: dict = {"$push": {"timeline": _plain(asdict(entry))}} if entry else {}
        if changes:
            update["$set"] = _plain(changes)
        await self.orders.update_one({"_id": order_id}, update)

    async def page(
        self,
        *,
        user_id: str | None = None,
        shop_id: str | None = None,
        status: OrderStatus | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> tuple[list[Order], int]:
        query: dict = {}
        if user_id is not None:
            query["user_id"] = str(user_id)
        if shop_id is not None:
            query["shop_id"] = str(shop_id)
        if status is not None:
            query["status"] = status.value
        total = await self.orders.count_documents(query)
        cursor = self.orders.find(query).sort([("created_at", -1), ("_id", -1)]).skip((page - 1) * per_page)
        return [_order(doc) async for doc in cursor.limit(per_page)], total

    async def search(
        self,
        *,
        number: str | None = None,
        name: str | None = None,
        user_ids: list[str] | None = None,
        status: OrderStatus | None = None,
        page: int = 1,
        per_page: int = 20,
        cap: int = 1000,
    ) -> tuple[list[Order], int]:
        """Orders whose number contains `number`, whose recipient's name contains `name` (any case), or of these
        buyers; newest first. Matched literally (escaped), each clause on an index; counted up to `cap`."""
        either: list[dict] = []
        if number:
            either.append({"number": {"$regex": re.escape(number)}})
        if name:
            either.append({"address.name": {"$regex": re.escape(name), "$options": "i"}})
        if user_ids:
            either.append({"user_id": {"$in": [str(u) for u in user_ids]}})
        if not either:
            return [], 0
        query: dict = {"$or": either}
        if status is not None:
            query["status"] = status.value
        total = await self.orders.count_documents(query, limit=cap)
        cursor = self.orders.find(query).sort([("created_at", -1), ("_id", -1)]).skip((page - 1) * per_page)
        return [_order(doc) async for doc in cursor.limit(per_page)], total

    async def promotion_figures(
        self, promotion_id: str, statuses: list[str], *, shop_id: str | None = None, top: int = 5
    ) -> dict[str, list[dict]]:
        """What a promotion's orders add up to, grouped by the database (index: lines.allocations.promotion_id):
        `totals` (orders, gmv, checkouts), `shops` and `products` (the `top` of each), `hours`, `lines` (units,
        discount and its funding). Each answer is a few small groups, however many orders used it."""
        match: dict = {"lines.allocations.promotion_id": str(promotion_id), "status": {"$in": list(statuses)}}
        if shop_id is not None:
            match["shop_id"] = str(shop_id)
        orders = {"orders": {"$sum": 1}, "gmv": {"$sum": "$total"}}
        hour = {"$dateToString": {"format": "%Y-%m-%dT%H", "date": {"$ifNull": ["$paid_at", "$created_at"]}}}
        lines = [  # one group per discounted line: its units once, the promotion's allocations summed
            {"$unwind": {"path": "$lines", "includeArrayIndex": "n"}},
            {"$match": {"lines.allocations.promotion_id": str(promotion_id)}},
            {"$unwind": "$lines.allocations"},
            {"$match": {"lines.allocations.promotion_id": str(promotion_id)}},
            {
                "$group": {
                    "_id": {"order": "$_id", "n": "$n"},
                    "product_id": {"$first": "$lines.product_id"},
                    "name": {"$first": "$lines.name"},
                    "qty": {"$first": "$lines.qty"},
                    "amount": {"$sum": "$lines.allocations.amount"},
                    "platform": {"$sum": "$lines.allocations.platform_funded"},
                    "merchant": {"$sum": "$lines.allocations.merchant_funded"},
                }
            },
        ]
        money = {key: {"$sum": f"${key}"} for key in ("qty", "amount", "platform", "merchant")}
        pipelines = {
            "totals": [
                {"$group": {"_id": "$checkout_id", **orders}},
                {"$group": {"_id": None, **{k: {"$sum": f"${k}"} for k in orders}, "checkouts": {"$sum": 1}}},
            ],
            "shops": [{"$group": {"_id": "$shop_id", **orders}}, {"$sort": {"gmv": -1, "_id": 1}}, {"$limit": top}],
            "hours": [{"$group": {"_id": hour, **orders}}, {"$sort": {"_id": 1}}],
            "lines": [*lines, {"$group": {"_id": None, **money}}],
            "products": [
                *lines,
                {"$group": {"_id": "$product_id", "name": {"$last": "$name"}, **money}},
                {"$sort": {"qty": -1, "_id": 1}},
                {"$limit": top},
            ],
        }
        return {
            name: [doc async for doc in self.orders.aggregate([{"$match": match}, *stages])]
            for name, stages in pipelines.items()
        }

    async def fulfilment_counts(self, shop_id: str, since: datetime, now: datetime, hours: int) -> dict[str, int]:
        """Of the shop's orders paid since `since`: `paid`, `cancelled_by_shop`, `due` (shipped, or unshipped past
        `hours` after payment), `late` (shipped after that, or still unshipped and paid past it). Counted by the
        database (index: shop_id, paid_at): no order is read."""
        base = {"shop_id": str(shop_id), "paid_at": {"$gte": since}}
        live = {**base, "status": {"$ne": OrderStatus.CANCELLED.value}}
        past_due = {"$gte": since, "$lt": now - timedelta(hours=hours)}  # paid, and the deadline has gone by
        by_shop = {"$elemMatch": {"action": "cancel", "actor": "merchant"}}
        late_shipped = [
            {"$match": {**live, "shipped_at": {"$ne": None}}},
            {"$project": {"late": {"$gt": [{"$subtract": ["$shipped_at", "$paid_at"]}, hours * 3_600_000]}}},
            {"$match": {"late": True}},
            {"$count": "n"},
        ]
        counts = {
            "paid": await self.orders.count_documents(base),
            "cancelled_by_shop": await self.orders.count_documents(
                {**base, "status": OrderStatus.CANCELLED.value, "timeline": by_shop}
            ),
            "due": await self.orders.count_documents(
                {**live, "$or": [{"shipped_at": {"$ne": None}}, {"paid_at": past_due}]}
            ),
            "late": await self.orders.count_documents(
                {**base, "status": OrderStatus.PAID.value, "shipped_at": None, "paid_at": past_due}
            ),
        }
        counts["late"] += sum([doc["n"] async for doc in self.orders.aggregate(late_shipped)])
        return counts

    async def ever_paid(self):
        """Every order that was paid (whatever happened next), oldest first."""
        async for doc in self.orders.find({"paid_at": {"$ne": None}}).sort("paid_at", 1):
            yield _order(doc)

    async def count_paid_since(self, shop_id: str, since) -> int:
        return await self.orders.count_documents({"shop_id": str(shop_id), "paid_at": {"$gte": since}})

    async def many(self, order_ids: list[str]) -> dict[str, Order]:
        cursor = self.orders.find({"_id": {"$in": [str(i) for i in order_ids]}})
        return {doc["_id"]: _order(doc) async for doc in cursor}

    async def stream(self, field: str, since: datetime | None = None, batch: int = 500):
        """Every order whose `field` (paid_at / completed_at) is set (and at or after `since`), oldest first, a batch
        at a time from the database: never all of them in memory."""
        query: dict = {field: {"$ne": None} if since is None else {"$gte": since}}
        async for doc in self.orders.find(query).sort([(field, 1), ("_id", 1)]).batch_size(batch):
            yield _order(doc)

    async def count_by_status(self, *, shop_id: str | None = None) -> dict[str, int]:
        match = {"shop_id": shop_id} if shop_id else {}
        pipeline = [{"$match": match}, {"$group": {"_id": "$status", "n": {"$sum": 1}}}]
        return {doc["_id"]: doc["n"] async for doc in self.orders.aggregate(pipeline)}
