"""What every after-sales use case shares: moving a case through the table, and what follows a move (its
deadline job, the order's hold, the announcement, the refund).

A move is ONE conditional update on (case, status, version): of a double click, a retry and a deadline job only
one moves the case; the others get IllegalTransition. The effects after a move are all idempotent and repeated
by the minutely sweep, so a crash between the move and them loses nothing."""

from __future__ import annotations

import logging
from datetime import datetime

from mall.aftersales import events
from mall.aftersales.models import (
    OPEN,
    Action,
    Actor,
    Case,
    IllegalTransition,
    Status,
    Step,
    deadline_of,
    next_status,
)
from mall.catalog import services as catalog
from mall.infra.ids import is_id
from mall.orders import services as orders

log = logging.getLogger("mall.aftersales")
RETRIES = 3
MAX_NOTE = 1000
MAX_PHOTOS = 6


class CaseNotFound(Exception):
    """Missing, or not yours (the same answer either way)."""


class Refused(Exception):
    """A request or an answer that does not fit: `code` says which rule (the pages word it), `field` where."""

    def __init__(self, code: str, field: str = "form"):
        super().__init__(code)
        self.code = code
        self.field = field


def step(c, actor: Actor, action: Action, **kw) -> Step:
    return Step(at=c.clock.now(), actor=str(actor), action=str(action), **kw)


async def load(c, case_id: str, **owner) -> Case:
    case = await c.cases.get(case_id, **owner) if is_id(case_id) else None
    if case is None:
        raise CaseNotFound()
    return case


async def schedule(c, function: str, when: datetime, key: str, **kwargs) -> bool:
    """Run `function` (a name in mall.worker.JOBS) at `when`; the same key again is ignored. A queue that cannot
    be reached is logged: the sweep acts on every overdue case anyway."""
    try:
        await c.queue.enqueue(function, key=key, scheduled=int(when.timestamp()), retries=RETRIES, **kwargs)
    except Exception:
        log.exception("could not schedule %s (%s)", function, key)
        return False
    return True


async def move(
    c,
    case: Case,
    action: Action,
    actor: Actor,
    *,
    actor_id: str | None = None,
    changes: dict | None = None,
    note: str = "",
    amount: int | None = None,
    photos: list[str] | None = None,
    code: str | None = None,
    data: dict | None = None,
) -> Case:
    """Take `action` on `case` as `actor`; IllegalTransition when the table forbids it or someone moved it first."""
    target = next_status(case.status, action, actor, case.kind)
    now = c.clock.now()
    entry = step(
        c, actor, action, actor_id=actor_id, note=note, amount=amount, photos=list(photos or []), code=code,
        data=dict(data or {}),
    )  # fmt: skip
    due = deadline_of(target, case.kind, case.pre_ship, now, c.settings)
    moved = await c.cases.move(case, target, entry, {"updated_at": now, **(changes or {})}, due_at=due)
    if moved is None:
        current = await c.cases.get(case.id)
        raise IllegalTransition(current.status if current else case.status, action)
    return await after_move(c, moved, case.status, action, actor)


async def after_move(c, case: Case, previous: Status | None, action: Action, actor: Actor) -> Case:
    """The deadline job of the new state, the order's hold, the announcement; and the refund when it is due."""
    if case.due_at is not None and case.status is not Status.REFUNDING:
        key = f"aftersales:{case.id}:{case.version}"
        await schedule(c, "aftersales_deadline", case.due_at, key, case_id=case.id, version=case.version)
    if case.status not in OPEN:
        await orders.release_case(c, order_id=case.order_id, case_id=case.id)
    await c.events.publish(events.CASE_CHANGED, events.case_payload(case, previous, action, actor))
    if case.status is Status.REFUNDING:
        return await run_refund(c, case)
    return case


async def run_refund(c, case: Case) -> Case:
    """REFUNDING -> REFUNDED: the decided amount goes back through the order's payment, keyed by the case (so a
    repeat after a crash, or the sweep, refunds nothing twice); returned units go back on the shelf when the shop
    chose so (once: the stock move is keyed by the case too). A refund the order cannot take because the order was
    cancelled (and refunded) meanwhile closes the case; anything else leaves it for the sweep and is logged."""
    if case.status is not Status.REFUNDING:
        return case
    lines = {case.line: (case.qty, case.decided or 0)}
    try:
        done = await orders.refund_lines(
            c, order_id=case.order_id, key=f"case:{case.id}", lines=lines, shipping=case.decided_shipping,
            reason=f"after-sales {case.number}", case_id=case.id,
        )  # fmt: skip
    except orders.NotRefundable as exc:
        if exc.reason == "order_closed":
            return await move(c, case, Action.ORDER_CANCELLED, Actor.SYSTEM)
        log.error("case %s: refund refused (%s); left for an operator", case.number, exc.reason)
        return case
    except orders.Busy:
        return case  # the order is busy right now: the sweep retries
    restocked = await _restock(c, case)
    changes = {
        "refund_id": done.refund_id,
        "refunded": done.lines.get(case.line, 0),
        "refunded_shipping": done.shipping,
        "refunded_at": done.at,
        "restocked": restocked,
    }
    try:
        return await move(c, case, Action.REFUND, Actor.SYSTEM, changes=changes, amount=done.amount)
    except IllegalTransition:
        return await c.cases.get(case.id) or case  # someone finished it a moment ago


async def _restock(c, case: Case) -> int:
    if not case.restock:
        return 0
    move_id = f"case:{case.id}"
    restored = await catalog.restore_stock(c.products, case.product_id, case.variant_id, case.qty, move_id=move_id)
    if not restored and not await catalog.stock_move_applied(c.products, case.product_id, move_id):
        log.warning("case %s: the variant is gone, %d units not restocked", case.number, case.qty)
        return 0
    return case.qty
