"""Payments: start one per checkout, receive the provider's signed events,
refund. Nothing here knows about orders: the web layer tells the orders side
after an event was verified and recorded.

Crash safety without transactions: an event is recorded (unique id) before it
moves the payment, and marked handled only after the orders side heard of it.
A provider redelivers what got no 200, and a redelivered event that moved the
payment but was never handled is passed on again (the orders side is idempotent)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from mall.infra.ids import is_id, new_id
from mall.payments.models import (
    EVENT_TRANSITIONS,
    REFUNDABLE,
    SETTLEABLE,
    EventType,
    Payment,
    PaymentConflict,
    PaymentStatus,
    RecordedEvent,
    Refund,
    RefundRefused,
    RefundStatus,
    SignedDelivery,
    WebhookReceipt,
    WebhookRejected,
)
from mall.payments.providers import SandboxProvider, provider_for
from mall.payments.repository import PaymentRepository

__all__ = [
    "PaymentConflict",
    "RefundRefused",
    "WebhookRejected",
    "access_payment",
    "cancel_payment",
    "events_for",
    "get_payment",
    "mark_event_handled",
    "payment_for_checkout",
    "receive_webhook",
    "refund",
    "refunds_for",
    "sandbox_delivery",
    "start_payment",
    "unhandled_events",
]
MAX_REASON = 500
CAS_ATTEMPTS = 100


def _local_path(url: str | None) -> str | None:
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    return url[:500]


async def start_payment(
    repo: PaymentRepository,
    clock,
    settings,
    *,
    checkout_id: str,
    amount: int,
    currency: str,
    user_id: str | None = None,
    return_url: str | None = None,
    checkout_number: str | None = None,
) -> Payment:
    """The checkout's payment, created on the first call (same checkout again = same payment).

    user_id: the only user who may open the sandbox page; return_url: a local
    path the shopper goes back to after paying (default /orders)."""
    if type(amount) is not int or amount <= 0:
        raise ValueError("amount must be a positive integer of minor units")
    existing = await repo.by_checkout(checkout_id)
    if existing is None:
        provider = provider_for(settings.payment_provider, settings, clock)
        payment = Payment(
            id=new_id(),
            checkout_id=str(checkout_id),
            amount=amount,
            currency=str(currency),
            provider=provider.name,
            status=PaymentStatus.PENDING.value,
            redirect_url="",
            created_at=clock.now(),
            user_id=user_id,
            return_url=_local_path(return_url),
            checkout_number=checkout_number,
            updated_at=clock.now(),
        )
        payment.redirect_url = await provider.start(payment)
        existing = await repo.add(payment)
    if existing.amount != amount or existing.currency != currency:
        raise PaymentConflict(checkout_id)
    return existing


async def get_payment(repo: PaymentRepository, payment_id: str) -> Payment | None:
    return await repo.get(payment_id) if is_id(payment_id) else None


async def payment_for_checkout(repo: PaymentRepository, checkout_id: str) -> Payment | None:
    return await repo.by_checkout(checkout_id)


async def access_payment(repo: PaymentRepository, payment_id: str, *, user_id: str) -> Payment | None:
    """The payment only for the user it belongs to (None, like a missing one, for anyone else)."""
    payment = await get_payment(repo, payment_id)
    return payment if payment and payment.user_id and payment.user_id == user_id else None


async def events_for(repo: PaymentRepository, payment_id: str) -> list[RecordedEvent]:
    return await repo.events_for(payment_id)


async def refunds_for(repo: PaymentRepository, payment_id: str) -> list[Refund]:
    return await repo.refunds_for(payment_id)


async def receive_webhook(
    repo: PaymentRepository, clock, settings, *, provider: str, raw_body: bytes, headers: Mapping[str, str]
) -> WebhookReceipt:
    """Verify a provider's call and apply its event at most once.

    Refused (WebhookRejected, nothing written): another provider than the
    configured one, a missing/forged signature, a timestamp outside
    ±payment_webhook_tolerance, a malformed body, an unknown payment, an amount
    that is not the payment's. A repeated event id is acknowledged and ignored."""
    if provider != settings.payment_provider:
        raise WebhookRejected("provider_disabled", 404)
    event = provider_for(provider, settings, clock).verify_webhook(raw_body, headers)
    payment = await repo.get(event.payment_id)
    if payment is None or payment.provider != provider:
        raise WebhookRejected("unknown_payment")
    if event.is_refund:
        return await _confirm_refund(repo, clock, event, payment)
    if event.amount != payment.amount:
        raise WebhookRejected("amount_mismatch")
    first = await repo.record_event(event, provider, clock.now())
    if not first:
        recorded = await repo.get_event(event.id)
        if recorded is None or recorded.handled_at is not None:
            return WebhookReceipt(event=event, payment=payment, duplicate=True, notify=False)
    from_statuses, target = EVENT_TRANSITIONS[event.type]
    changes = {"status": target.value, "last_event_id": event.id, "updated_at": clock.now()}
    if target is PaymentStatus.SUCCEEDED:
        changes["paid_at"] = clock.now()
    moved = await repo.transition(payment.id, tuple(s.value for s in from_statuses), changes)
    if moved is not None:
        return WebhookReceipt(event=event, payment=moved, duplicate=not first, notify=True)
    current = await repo.get(payment.id) or payment
    if current.last_event_id == event.id:  # an earlier delivery moved it but did not finish
        return WebhookReceipt(event=event, payment=current, duplicate=True, notify=True)
    await repo.mark_event_handled(event.id, clock.now())  # too late to matter (e.g. failed after paid)
    return WebhookReceipt(event=event, payment=current, duplicate=not first, notify=False)


async def _confirm_refund(repo: PaymentRepository, clock, event, payment: Payment) -> WebhookReceipt:
    """A verified `refund.succeeded`: the refund it names (of this payment, for this amount) is confirmed, once."""
    refund = await repo.get_refund(event.refund_id)
    if refund is None or refund.payment_id != payment.id or refund.amount != event.amount:
        raise WebhookRejected("unknown_refund")
    if refund.status == RefundStatus.REFUSED.value:
        raise WebhookRejected("refund_refused")
    first = await repo.record_event(event, payment.provider, clock.now())
    changed = await repo.confirm_refund(refund.id, event.id, clock.now())
    await repo.mark_event_handled(event.id, clock.now())
    return WebhookReceipt(event=event, payment=payment, duplicate=not first or not changed, notify=False)


async def cancel_payment(repo: PaymentRepository, clock, *, payment_id: str) -> Payment | None:
    """Stop an unpaid payment from being paid (its checkout expired or was abandoned).

    One conditional update against settlement: the payment as it ends up. If its
    status is "succeeded" the payment won the race and the checkout must not expire.
    None for an unknown payment."""
    settleable = tuple(s.value for s in SETTLEABLE)
    changes = {"status": PaymentStatus.CANCELLED.value, "updated_at": clock.now()}
    moved = await repo.transition(payment_id, settleable, changes) if is_id(payment_id) else None
    return moved or await get_payment(repo, payment_id)


async def unhandled_events(repo: PaymentRepository, clock, *, older_than: timedelta, limit: int = 100):
    """Verified events whose handling never finished (the process died, or the orders side failed): a
    provider would redeliver them; the orders' catch-up job does not wait for it."""
    return await repo.unhandled_events(clock.now() - older_than, limit)


async def mark_event_handled(repo: PaymentRepository, clock, *, event_id: str) -> None:
    """Call once everyone who must hear of the event did: a redelivery is then ignored."""
    await repo.mark_event_handled(event_id, clock.now())


def sandbox_delivery(clock, settings, *, payment: Payment, outcome: EventType) -> SignedDelivery:
    """The signed webhook the sandbox sends when its Pay or Fail button is pressed.

    Deliver it through receive_webhook like any provider call (it is verified there)."""
    if settings.payment_provider != SandboxProvider.name or payment.provider != SandboxProvider.name:
        raise WebhookRejected("provider_disabled", 404)
    return provider_for(SandboxProvider.name, settings, clock).simulate(payment, EventType(outcome))


async def refund(
    repo: PaymentRepository,
    clock,
    settings,
    *,
    payment_id: str,
    amount: int,
    reason: str,
    key: str | None = None,
) -> Refund:
    """Give back `amount` of a paid payment; never more than is left to refund.

    Same (payment_id, key) again -> the same Refund, counted once (safe to retry
    after a crash; the provider gets the same idempotency key). Without a key,
    every call is a new refund. Raises RefundRefused(reason).

    The amount is counted on the payment before the provider is asked, so concurrent refunds never exceed what
    was paid; the refund stays `requested` until the provider's signed `refund.succeeded` webhook confirms it
    (the sandbox sends it at once, through receive_webhook like any provider call)."""
    if type(amount) is not int or amount <= 0:
        raise RefundRefused("invalid_amount")
    payment = await get_payment(repo, payment_id)
    if payment is None:
        raise RefundRefused("not_found")
    draft = Refund(
        id=new_id(),
        payment_id=payment.id,
        key=str(key) if key else new_id(),
        amount=amount,
        reason=str(reason).strip()[:MAX_REASON],
        status=RefundStatus.REQUESTED.value,
        created_at=clock.now(),
    )
    record, _ = await repo.add_refund(draft)
    if record.amount != amount:
        raise RefundRefused("key_reused")
    if record.status == RefundStatus.SUCCEEDED.value:
        return record
    payment = await _count_refund(repo, clock, payment.id, record)
    provider = provider_for(payment.provider, settings, clock)
    provider_ref = await provider.refund(payment, amount, key=record.id)
    record = await repo.set_refund(record.id, {"provider_ref": provider_ref}) or record
    if isinstance(provider, SandboxProvider):  # the sandbox 'bank' pays out at once and says so, signed
        delivery = provider.confirm_refund(record)
        await receive_webhook(
            repo, clock, settings, provider=provider.name, raw_body=delivery.raw_body, headers=delivery.headers
        )
        record = await repo.get_refund(record.id) or record
    return record


async def _count_refund(repo: PaymentRepository, clock, payment_id: str, record: Refund) -> Payment:
    for _ in range(CAS_ATTEMPTS):
        payment = await repo.get(payment_id)
        if record.id in payment.refund_ids:
            return payment
        reason = _refusal(payment, record.amount)
        if reason:
            await repo.set_refund(record.id, {"status": RefundStatus.REFUSED.value})
            raise RefundRefused(reason)
        left = payment.amount - payment.refunded_amount - record.amount
        status = PaymentStatus.REFUNDED if left == 0 else PaymentStatus.PARTIALLY_REFUNDED
        counted = await repo.count_refund(payment, record.id, record.amount, status.value, clock.now())
        if counted is not None:
            return counted
    raise RefundRefused("busy")


def _refusal(payment: Payment, amount: int) -> str | None:
    if payment.status not in REFUNDABLE:
        return "not_paid"
    if amount > payment.refundable:
        return "exceeds_remaining"
    return None
