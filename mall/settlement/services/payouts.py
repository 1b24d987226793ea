"""Payouts: an operator approves a statement (or every statement of a period) -> the payout provider sends its
payable -> the provider's signed webhook says paid, or failed (the money goes back to the shop's balance and the next
statement carries it). One payout per statement (unique index); every step is a conditional update and an entry
keyed by the payout, so repeating one (a retry, a redelivered webhook, the repair sweep) changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from mall.infra.ids import is_id, new_id
from mall.payments.models import WebhookRejected
from mall.settlement import events
from mall.settlement.models import CLEARING, EntryKind, Payout, PayoutStatus, available, legs, transit
from mall.settlement.providers import PayoutEvent, payout_provider
from mall.settlement.services.ledger import post
from mall.settlement.services.locks import shop_lock
from mall.settlement.services.statements import get_statement

log = logging.getLogger("mall.settlement")
REPAIR_AFTER = timedelta(minutes=2)


class PayoutRefused(Exception):
    """reason: not_found | nothing_to_pay"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PayoutReceipt:
    event: PayoutEvent
    payout: Payout
    duplicate: bool


async def approve(c, statement_id: str, *, operator_id: str) -> Payout:
    """Pay an issued statement's payable (once: approving again answers the same payout)."""
    statement = await get_statement(c, statement_id)
    if statement is None:
        raise PayoutRefused("not_found")
    if statement.payable <= 0:
        raise PayoutRefused("nothing_to_pay")
    async with shop_lock(c, statement.shop_id):
        draft = Payout(
            id=new_id(), statement_id=statement.id, shop_id=statement.shop_id, amount=statement.payable,
            status=PayoutStatus.APPROVED, approved_by=operator_id, approved_at=c.clock.now(),
            provider=c.settings.payout_provider,
        )  # fmt: skip
        payout, _new = await c.statements.add_payout(draft)
        if payout.status is PayoutStatus.APPROVED:
            payout = await _send(c, payout)
    return payout


async def approve_period(c, period: str, *, operator_id: str) -> list[Payout]:
    """Approve every statement of `period` that has something to pay and no payout yet."""
    paid = []
    for statement in await c.statements.issued_in(period):
        if statement.payable > 0 and not (await c.statements.payouts_of([statement.id])):
            paid.append(await approve(c, statement.id, operator_id=operator_id))
    return paid


async def _send(c, payout: Payout) -> Payout:
    """Available -> in transit, then the provider; a crash in between is finished by `repair`."""
    await post(
        c, key=f"payout:{payout.id}:sent", kind=EntryKind.PAYOUT_SENT, at=c.clock.now(), shop_id=payout.shop_id,
        entry_legs=legs((available(payout.shop_id), payout.amount), (transit(payout.shop_id), -payout.amount)),
        refs={"payout_id": payout.id, "statement_id": payout.statement_id},
    )  # fmt: skip
    reference = await payout_provider(c.settings, c.clock).send(payout)
    changes = {"status": PayoutStatus.SENT, "provider_ref": reference, "sent_at": c.clock.now()}
    moved = await c.statements.move_payout(payout.id, (PayoutStatus.APPROVED,), changes)
    if moved is None:
        return await c.statements.payout(payout.id)
    await c.events.publish(events.PAYOUT_SENT, events.payout_payload(moved))
    if c.settings.payout_provider == "sandbox" and c.settings.payout_sandbox_delay_seconds <= 0:
        return (await sandbox_report(c, moved.id)).payout  # the sandbox 'bank' pays at once
    if c.settings.payout_provider == "sandbox":
        await _schedule_sandbox(c, moved)
    return moved


async def _schedule_sandbox(c, payout: Payout) -> None:
    when = c.clock.now() + timedelta(seconds=c.settings.payout_sandbox_delay_seconds)
    try:
        await c.queue.enqueue(
            "sandbox_payout_paid", key=f"payout-sandbox:{payout.id}", scheduled=int(when.timestamp()), retries=3,
            payout_id=payout.id,
        )  # fmt: skip
    except Exception:
        log.exception("could not schedule the sandbox's report of payout %s", payout.id)


async def receive_webhook(c, *, provider: str, raw_body: bytes, headers: Mapping[str, str]) -> PayoutReceipt:
    """Verify a provider's call and apply its event once (WebhookRejected when forged, stale, malformed, for an
    unknown payout or another amount). A repeated event id is acknowledged and ignored."""
    if provider != c.settings.payout_provider:
        raise WebhookRejected("provider_disabled", 404)
    event = payout_provider(c.settings, c.clock).verify_webhook(raw_body, headers)
    payout = await c.statements.payout(event.payout_id)
    if payout is None:
        raise WebhookRejected("unknown_payout")
    if event.amount != payout.amount:
        raise WebhookRejected("amount_mismatch")
    if not await c.statements.record_event(event.id, payout.id, event.type, c.clock.now()):
        return PayoutReceipt(event, payout, duplicate=True)
    return PayoutReceipt(event, await settle(c, payout, paid=event.type == "payout.paid", reason=event.reason), False)


async def settle(c, payout: Payout, *, paid: bool, reason: str = "") -> Payout:
    """The provider says paid (in transit -> out of clearing) or failed (in transit -> back to the shop's balance).
    A payout settles once: a later, contrary event changes nothing."""
    target = PayoutStatus.PAID if paid else PayoutStatus.FAILED
    changes = {"status": target, "settled_at": c.clock.now(), "failure": None if paid else (reason or "failed")[:200]}
    moved = await c.statements.move_payout(payout.id, (PayoutStatus.SENT,), changes)
    if moved is not None:
        await _post_settled(c, moved)
        await c.events.publish(events.PAYOUT_PAID if paid else events.PAYOUT_FAILED, events.payout_payload(moved))
        return moved
    current = await c.statements.payout(payout.id)
    if current is not None and current.status is target:
        await _post_settled(c, current)  # settled before: make sure it was posted (a crash between the two writes)
    return current or payout


async def _post_settled(c, payout: Payout) -> None:
    shop, figures = payout.shop_id, []
    if payout.status is PayoutStatus.PAID:
        key, kind, other = f"payout:{payout.id}:paid", EntryKind.PAYOUT_PAID, CLEARING
        figures = [("platform", "paid_out", payout.amount), (f"shop:{shop}", "paid_out", payout.amount)]
    else:
        key, kind, other = f"payout:{payout.id}:failed", EntryKind.PAYOUT_FAILED, available(shop)
    await post(
        c, key=key, kind=kind, at=payout.settled_at, shop_id=shop, figures=figures,
        entry_legs=legs((transit(shop), payout.amount), (other, -payout.amount)),
        refs={"payout_id": payout.id, "statement_id": payout.statement_id},
    )  # fmt: skip


async def sandbox_report(c, payout_id: str, *, paid: bool = True, reason: str = "") -> PayoutReceipt | None:
    """What the sandbox 'bank' does once a payout is sent: its signed webhook, delivered to the verified path."""
    payout = await c.statements.payout(payout_id) if is_id(payout_id) else None
    if payout is None or payout.status is not PayoutStatus.SENT or payout.provider != "sandbox":
        return None
    outcome = "payout.paid" if paid else "payout.failed"
    delivery = payout_provider(c.settings, c.clock).simulate(payout, outcome, reason)
    return await receive_webhook(c, provider="sandbox", raw_body=delivery.raw_body, headers=delivery.headers)


async def repair(c) -> int:
    """Finish payouts a crash left half-done: approved but not sent, settled but not posted."""
    done = 0
    stale = c.clock.now() - REPAIR_AFTER
    for payout in await c.statements.payouts_in((PayoutStatus.APPROVED,)):
        if payout.approved_at <= stale:
            async with shop_lock(c, payout.shop_id):
                await _send(c, payout)
            done += 1
    recent = c.clock.now() - timedelta(days=2)
    for payout in await c.statements.payouts_in((PayoutStatus.PAID, PayoutStatus.FAILED), since=recent):
        await _post_settled(c, payout)
    return done


async def get_payout(c, payout_id: str, *, shop_id: str | None = None) -> Payout | None:
    """A payout (of `shop_id` when given: another shop's is None, like a missing one)."""
    payout = await c.statements.payout(payout_id) if is_id(payout_id) else None
    return payout if payout and (shop_id is None or payout.shop_id == shop_id) else None


async def payout_for(c, statement_id: str) -> Payout | None:
    return (await c.statements.payouts_of([statement_id])).get(statement_id)


async def payouts_of_shop(c, shop_id: str) -> list[Payout]:
    return await c.statements.payouts_of_shop(shop_id)


async def queue(c) -> tuple[list, list[Payout]]:
    """The operators' queue: statements waiting for approval (oldest first) and payouts on their way."""
    waiting = await c.statements.unpaid()
    moving = await c.statements.payouts_in((PayoutStatus.APPROVED, PayoutStatus.SENT))
    return waiting, moving
