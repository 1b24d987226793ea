"""What the merchant, the shopper and the operator do with a case. Every call is scoped to its owner (the
shopper's user id, the merchant's shop id from the session): another's case is CaseNotFound and nothing is
written. Each is one move through the table (common.move), so a repeat is an IllegalTransition, never a second
refund."""

from __future__ import annotations

import re

from mall.aftersales import events
from mall.aftersales.models import EVIDENCE_STATES, Action, Actor, Case, IllegalTransition, accept_action
from mall.aftersales.services.common import MAX_NOTE, MAX_PHOTOS, Refused, load, move, step

TRACKING = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{2,39}$")
OUTCOMES = ("refund_full", "refund_partial", "no_refund")


def _text(value: str, field: str, *, low: int = 3, high: int = 500) -> str:
    value = (value or "").strip()
    if not low <= len(value) <= high:
        raise Refused(field, field)
    return value


def _split(case: Case, amount: int) -> tuple[int, int]:
    """(line part, shipping part) of an amount no larger than what was asked: the line first."""
    line_part = min(amount, case.amount - case.shipping)
    return line_part, amount - line_part


# --- merchant ------------------------------------------------------------------------------------------------


async def merchant_decide(
    c,
    *,
    shop_id: str,
    case_id: str,
    actor_id: str,
    action: str,
    amount: int | None = None,
    reason: str = "",
    return_address: str = "",
) -> Case:
    """accept (a return: with the shop's return address), offer a partial refund, or reject with a reason."""
    case = await load(c, case_id, shop_id=shop_id)
    if action == "accept":
        chosen = accept_action(case.kind)
        changes: dict = {}
        if chosen is Action.ACCEPT:
            line_part, shipping = _split(case, case.amount)
            changes = {"decided": line_part, "decided_shipping": shipping}
            return await move(c, case, chosen, Actor.MERCHANT, actor_id=actor_id, changes=changes, amount=case.amount)
        address = _text(return_address, "return_address", low=5, high=300)
        changes = {"return_address": address}
        data = {"return_address": address}
        return await move(c, case, chosen, Actor.MERCHANT, actor_id=actor_id, changes=changes, data=data)
    if action == "offer":
        if amount is None or not 1 <= amount < case.amount:
            raise Refused("offer", "amount")
        note = (reason or "").strip()[:500]
        return await move(
            c, case, Action.OFFER, Actor.MERCHANT, actor_id=actor_id, changes={"offer": amount}, amount=amount,
            note=note,
        )  # fmt: skip
    if action == "reject":
        why = _text(reason, "reason")
        changes = {"reject_reason": why}
        return await move(c, case, Action.REJECT, Actor.MERCHANT, actor_id=actor_id, changes=changes, note=why)
    raise Refused("action", "action")


async def merchant_received(c, *, shop_id: str, case_id: str, actor_id: str, restock: bool) -> Case:
    """The return arrived: refund what was asked; `restock` puts the units back on the shelf (once)."""
    case = await load(c, case_id, shop_id=shop_id)
    line_part, shipping = _split(case, case.amount)
    changes = {"restock": bool(restock), "decided": line_part, "decided_shipping": shipping}
    data = {"restock": bool(restock)}
    return await move(c, case, Action.RECEIVE, Actor.MERCHANT, actor_id=actor_id, changes=changes, data=data)


# --- shopper -------------------------------------------------------------------------------------------------


async def accept_offer(c, *, user_id: str, case_id: str) -> Case:
    case = await load(c, case_id, user_id=user_id)
    line_part, shipping = _split(case, case.offer or 0)
    changes = {"decided": line_part, "decided_shipping": shipping}
    return await move(c, case, Action.ACCEPT_OFFER, Actor.SHOPPER, actor_id=user_id, changes=changes,
                      amount=case.offer)  # fmt: skip


async def decline_offer(c, *, user_id: str, case_id: str) -> Case:
    case = await load(c, case_id, user_id=user_id)
    return await move(c, case, Action.DECLINE_OFFER, Actor.SHOPPER, actor_id=user_id)


async def ship_back(c, *, user_id: str, case_id: str, carrier: str, tracking_no: str) -> Case:
    case = await load(c, case_id, user_id=user_id)
    carrier = _text(carrier, "carrier", low=1, high=60)
    tracking_no = (tracking_no or "").strip()
    if not TRACKING.match(tracking_no):
        raise Refused("tracking_no", "tracking_no")
    changes = {"carrier": carrier, "tracking_no": tracking_no}
    return await move(c, case, Action.SHIP_BACK, Actor.SHOPPER, actor_id=user_id, changes=changes, data=changes)


async def escalate(c, *, user_id: str, case_id: str, note: str = "") -> Case:
    """平台介入: after a rejection or a declined offer, within escalate_days."""
    case = await load(c, case_id, user_id=user_id)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise Refused("note", "note")
    changes = {"escalated_at": c.clock.now()}
    return await move(c, case, Action.ESCALATE, Actor.SHOPPER, actor_id=user_id, changes=changes, note=note)


async def withdraw(c, *, user_id: str, case_id: str) -> Case:
    case = await load(c, case_id, user_id=user_id)
    return await move(c, case, Action.WITHDRAW, Actor.SHOPPER, actor_id=user_id)


async def add_evidence(
    c, *, case_id: str, actor: Actor, actor_id: str, note: str, photo_ids: list[str], user_id=None, shop_id=None
) -> Case:
    """Text and photos on the case's thread (both sides, while it is contested)."""
    owner = {"user_id": user_id} if actor is Actor.SHOPPER else {"shop_id": shop_id}
    case = await load(c, case_id, **owner)
    if case.status not in EVIDENCE_STATES:
        raise IllegalTransition(case.status, Action.EVIDENCE)
    note = (note or "").strip()
    photos = list(dict.fromkeys(photo_ids or []))
    if len(note) > MAX_NOTE or (not note and not photos):
        raise Refused("evidence", "note")
    if len(photos) > MAX_PHOTOS or (photos and await c.cases.own_photos(actor_id, photos) != set(photos)):
        raise Refused("photos", "photo_ids")
    entry = step(c, actor, Action.EVIDENCE, actor_id=actor_id, note=note, photos=photos)
    updated = await c.cases.note(case.id, entry, {"updated_at": c.clock.now()})
    await c.events.publish(events.CASE_CHANGED, events.case_payload(updated, updated.status, Action.EVIDENCE, actor))
    return updated


# --- operator ------------------------------------------------------------------------------------------------


async def operator_decide(
    c, *, case_id: str, operator_id: str, outcome: str, reason: str, amount: int | None = None
) -> Case:
    """The platform's decision on a dispute: a full refund (what was asked), a partial one, or none; the reason is
    shown to both sides. A refund runs at once."""
    case = await load(c, case_id)
    why = _text(reason, "reason")
    if outcome == "no_refund":
        changes = {"outcome": outcome, "outcome_reason": why}
        return await move(c, case, Action.DECIDE_NONE, Actor.OPERATOR, actor_id=operator_id, changes=changes,
                          note=why, data={"outcome": outcome})  # fmt: skip
    if outcome == "refund_full":
        amount = case.amount
    elif outcome != "refund_partial" or amount is None or not 1 <= amount <= case.amount:
        raise Refused("decision_amount" if outcome == "refund_partial" else "outcome", "amount")
    line_part, shipping = _split(case, amount)
    changes = {"outcome": outcome, "outcome_reason": why, "decided": line_part, "decided_shipping": shipping}
    return await move(c, case, Action.DECIDE_REFUND, Actor.OPERATOR, actor_id=operator_id, changes=changes,
                      note=why, amount=amount, data={"outcome": outcome})  # fmt: skip
