"""Posting to the double-entry ledger: one balanced, append-only entry per (source event, kind).

`post` refuses an unbalanced entry, inserts it under its unique key (a replayed event finds the key taken and posts
nothing new) and applies it: every account balance and figure it moves, once each, and the statement items it
carries. A crash between the insert and the apply leaves the entry flagged unapplied; `repair` applies it later."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from mall.settlement.models import EntryKind, Item, Leg, is_balanced
from mall.settlement.repository import item_doc

log = logging.getLogger("mall.settlement")
REPAIR_AFTER = timedelta(seconds=30)


class Unbalanced(Exception):
    """An entry whose debits and credits differ: never written."""


def account_doc(account: str) -> str:
    return f"account:{account}"


def totals_of(entry_legs: list[Leg], figures: Iterable[tuple[str, str, int]]) -> list[dict]:
    """What an entry adds to each totals document: account balances (debit − credit) and named figures."""
    moves: dict[str, dict[str, int]] = {}
    for leg in entry_legs:
        doc = moves.setdefault(account_doc(leg.account), {})
        doc["balance"] = doc.get("balance", 0) + leg.debit - leg.credit
    for doc_id, name, amount in figures:
        if amount:
            doc = moves.setdefault(f"figures:{doc_id}", {})
            doc[name] = doc.get(name, 0) + amount
    return [{"doc": doc_id, "inc": inc} for doc_id, inc in moves.items()]


async def post(
    c,
    *,
    key: str,
    kind: EntryKind,
    entry_legs: list[Leg],
    at,
    shop_id: str | None = None,
    order_id: str | None = None,
    figures: Iterable[tuple[str, str, int]] = (),
    items: Iterable[Item] = (),
    refs: dict | None = None,
) -> dict | None:
    """Append one entry and apply it; None when an entry with this key exists (nothing new is posted).

    Raises Unbalanced (nothing written) when its debits and credits differ."""
    if not is_balanced(entry_legs):
        raise Unbalanced(key)
    doc = {
        "_id": key,
        "key": key,
        "kind": kind.value,
        "shop_id": shop_id,
        "order_id": order_id,
        "at": at,
        "recorded_at": c.clock.now(),
        "legs": [{"account": leg.account, "debit": leg.debit, "credit": leg.credit} for leg in entry_legs],
        "totals": totals_of(entry_legs, figures),
        "items": [item_doc(item) for item in items],
        "applied": False,
        **(refs or {}),
    }
    if not await c.ledger.insert(doc):
        existing = await c.ledger.by_key(key)
        if existing is not None and not existing.get("applied"):
            await c.ledger.apply(existing)
        return None
    await c.ledger.apply(doc)
    return doc


async def repair(c) -> int:
    """Apply entries a crash left unapplied (older than REPAIR_AFTER, so a post under way is left alone)."""
    done = 0
    for entry in await c.ledger.unapplied(c.clock.now() - REPAIR_AFTER):
        await c.ledger.apply(entry)
        done += 1
    if done:
        log.warning("ledger: applied %d entries a crash had left unapplied", done)
    return done


async def balances(c, accounts: list[str]) -> dict[str, int]:
    """Balances (debit − credit) of these accounts, 0 for one never moved."""
    found = await c.ledger.totals_many([account_doc(a) for a in accounts])
    return {a: found.get(account_doc(a), {}).get("balance", 0) for a in accounts}


def new_item_id(entry_key: str, position: int | None) -> str:
    return f"{entry_key}#{'ship' if position is None else position}"
