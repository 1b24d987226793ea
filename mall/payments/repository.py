"""Payments, their provider events and refunds in MongoDB.

Unique indexes carry the idempotency: one payment per checkout, one record per
provider event id, one refund per (payment, key). Status changes are single
conditional updates, so two deliveries racing cannot both apply."""

from __future__ import annotations

from datetime import datetime

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from mall.payments.models import Payment, RecordedEvent, Refund, WebhookEvent


class PaymentRepository:
    def __init__(self, db):
        self.payments = db["payments"]
        self.events = db["payment_events"]
        self.refunds = db["payment_refunds"]

    async def ensure_indexes(self) -> None:
        await self.payments.create_index("checkout_id", unique=True)
        await self.payments.create_index([("user_id", 1), ("created_at", -1)])
        await self.events.create_index("event_id", unique=True)
        await self.events.create_index([("payment_id", 1), ("received_at", 1)])
        await self.events.create_index([("handled_at", 1), ("received_at", 1)])
        await self.refunds.create_index([("payment_id", 1), ("key", 1)], unique=True)

    async def add(self, payment: Payment) -> Payment:
        """Insert, or the checkout's existing payment when it already has one."""
        try:
            await self.payments.insert_one(payment.to_doc())
        except DuplicateKeyError:
            existing = await self.by_checkout(payment.checkout_id)
            if existing is None:
                raise
            return existing
        return payment

    async def get(self, payment_id: str) -> Payment | None:
        doc = await self.payments.find_one({"_id": str(payment_id)})
        return Payment.from_doc(doc) if doc else None

    async def by_checkout(self, checkout_id: str) -> Payment | None:
        doc = await self.payments.find_one({"checkout_id": str(checkout_id)})
        return Payment.from_doc(doc) if doc else None

    async def transition(self, payment_id: str, from_statuses: tuple[str, ...], changes: dict) -> Payment | None:
        """Apply `changes` only if the payment is in one of `from_statuses`; the updated payment, else None."""
        doc = await self.payments.find_one_and_update(
            {"_id": str(payment_id), "status": {"$in": [str(s) for s in from_statuses]}},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )
        return Payment.from_doc(doc) if doc else None

    async def count_refund(self, seen: Payment, refund_id: str, amount: int, status: str, now: datetime):
        """Compare-and-set: add one refund to what `seen` had refunded, only if nobody
        changed it since and this refund is not counted yet. The updated payment, else None."""
        doc = await self.payments.find_one_and_update(
            {
                "_id": seen.id,
                "status": seen.status,
                "refunded_amount": seen.refunded_amount,
                "refund_ids": {"$ne": refund_id},
            },
            {
                "$set": {"refunded_amount": seen.refunded_amount + amount, "status": status, "updated_at": now},
                "$push": {"refund_ids": refund_id},
            },
            return_document=ReturnDocument.AFTER,
        )
        return Payment.from_doc(doc) if doc else None

    async def record_event(self, event: WebhookEvent, provider: str, now: datetime) -> bool:
        """Remember a verified event; False when its id was seen before."""
        try:
            await self.events.insert_one(
                {
                    "event_id": event.id,
                    "provider": provider,
                    "type": event.type.value,
                    "payment_id": event.payment_id,
                    "amount": event.amount,
                    "created": event.created,
                    "received_at": now,
                    "handled_at": None,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def get_event(self, event_id: str) -> RecordedEvent | None:
        doc = await self.events.find_one({"event_id": str(event_id)})
        return _event(doc) if doc else None

    async def mark_event_handled(self, event_id: str, now: datetime) -> None:
        await self.events.update_one({"event_id": str(event_id), "handled_at": None}, {"$set": {"handled_at": now}})

    async def unhandled_events(self, received_before: datetime, limit: int) -> list[RecordedEvent]:
        """Events recorded before `received_before` whose handling never finished, oldest first."""
        query = {"handled_at": None, "received_at": {"$lt": received_before}}
        return [_event(doc) async for doc in self.events.find(query).sort("received_at", 1).limit(limit)]

    async def events_for(self, payment_id: str) -> list[RecordedEvent]:
        cursor = self.events.find({"payment_id": str(payment_id)}).sort("received_at", 1)
        return [_event(doc) async for doc in cursor]

    async def add_refund(self, refund: Refund) -> tuple[Refund, bool]:
        """Insert, or the refund already recorded under the same (payment, key); True when new."""
        try:
            await self.refunds.insert_one(refund.to_doc())
        except DuplicateKeyError:
            doc = await self.refunds.find_one({"payment_id": refund.payment_id, "key": refund.key})
            if doc is None:
                raise
            return Refund.from_doc(doc), False
        return refund, True

    async def set_refund(self, refund_id: str, changes: dict) -> Refund | None:
        doc = await self.refunds.find_one_and_update(
            {"_id": str(refund_id)}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )
        return Refund.from_doc(doc) if doc else None

    async def get_refund(self, refund_id: str) -> Refund | None:
        doc = await self.refunds.find_one({"_id": str(refund_id)})
        return Refund.from_doc(doc) if doc else None

    async def confirm_refund(self, refund_id: str, event_id: str, now: datetime) -> bool:
        """requested -> succeeded, once (a redelivered confirmation changes nothing)."""
        result = await self.refunds.update_one(
            {"_id": str(refund_id), "status": "requested"},
            {"$set": {"status": "succeeded", "confirmed_by": str(event_id), "confirmed_at": now}},
        )
        return result.modified_count == 1

    async def refunds_for(self, payment_id: str) -> list[Refund]:
        cursor = self.refunds.find({"payment_id": str(payment_id)}).sort("created_at", 1)
        return [Refund.from_doc(doc) async for doc in cursor]


def _event(doc: dict) -> RecordedEvent:
    return RecordedEvent(
        event_id=doc["event_id"],
        type=doc["type"],
        payment_id=doc["payment_id"],
        amount=doc["amount"],
        received_at=doc["received_at"],
        handled_at=doc.get("handled_at"),
    )
