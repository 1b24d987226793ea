"""Deadlines that act by themselves: each state's deadline is a saq job keyed by (case, version), so it runs
once and only while the case is still where it was; a minutely sweep repeats whatever a lost job missed (and
finishes refunds a crash interrupted, and releases an order held by a case that never came to be).

The system's steps go on the timeline like anyone's, with a code saying why."""

from __future__ import annotations

import logging
from datetime import timedelta

from mall.aftersales.models import Action, Actor, Case, IllegalTransition, Status, deadline_action
from mall.aftersales.services.common import move, run_refund
from mall.infra.ids import is_id
from mall.orders import services as orders

log = logging.getLogger("mall.aftersales")
HOLD_GRACE = timedelta(minutes=10)  # a hold older than this whose case is not open is released by the sweep
CODES = {
    Action.ACCEPT: "no_answer",
    Action.ACCEPT_RETURN: "no_answer",
    Action.ACCEPT_OFFER: "offer_unanswered",
    Action.EXPIRE: "expired",
    Action.RECEIVE: "not_confirmed",
}


async def act_on_deadline(c, case_id: str, version: int | None = None) -> bool:
    """The deadline job: when the case is still in the state (and version) the job was made for and its time has
    come, the system does what the state's deadline says. A no-op otherwise; safe on several workers."""
    case = await c.cases.get(case_id) if is_id(case_id) else None
    if case is None or not case.is_open or case.due_at is None or c.clock.now() < case.due_at:
        return False
    if version is not None and case.version != version:
        return False
    return await _act(c, case)


async def _act(c, case: Case) -> bool:
    if case.status is Status.REFUNDING:
        return (await run_refund(c, case)).status is not Status.REFUNDING
    action = deadline_action(case.status, case.kind)
    if action is None:
        return False
    changes: dict = {}
    if action in (Action.ACCEPT, Action.RECEIVE):
        line_part = min(case.amount, case.amount - case.shipping)
        changes = {"decided": line_part, "decided_shipping": case.amount - line_part, "restock": False}
    elif action is Action.ACCEPT_OFFER:
        line_part = min(case.offer or 0, case.amount - case.shipping)
        changes = {"decided": line_part, "decided_shipping": (case.offer or 0) - line_part}
    try:
        await move(c, case, action, Actor.SYSTEM, changes=changes, code=CODES.get(action))
    except IllegalTransition:
        return False  # someone acted a moment before the deadline
    return True


async def sweep(c, limit: int = 200) -> int:
    """Every overdue case acts now (its job was lost); holds of cases that are over are released."""
    acted = 0
    for case in await c.cases.due(c.clock.now(), limit):
        try:
            acted += await _act(c, case)
        except orders.Busy:
            continue
        except Exception:
            log.exception("sweep: case %s", case.id)
    for order_id, case_id in await orders.holds_before(c, c.clock.now() - HOLD_GRACE):
        case = await c.cases.get(case_id) if is_id(case_id) else None
        if case is None or not case.is_open:
            await orders.release_case(c, order_id=order_id, case_id=case_id)
    return acted


async def order_changed(c, payload: dict) -> None:
    """The order shipped (a refund asked before shipping is off: the shop shipped instead) or was cancelled (and
    refunded through the order): the open cases of it close. A case already refunding finishes on its own."""
    status = payload.get("status")
    if status not in ("shipped", "cancelled"):
        return
    action = Action.SHIPPED_INSTEAD if status == "shipped" else Action.ORDER_CANCELLED
    for case in await c.cases.open_of_order(payload["order_id"]):
        if case.status is Status.REFUNDING or (status == "shipped" and not case.pre_ship):
            continue
        try:
            await move(c, case, action, Actor.SYSTEM, code=action.value)
        except IllegalTransition:
            continue


def install(c) -> None:
    """Listen for the orders' changes (orders never import after-sales: they only publish), and tell settlement
    which lines are under an open case and what open disputes hold back."""
    from mall.aftersales.services.queries import disputed_amount, open_lines

    c.aftersales_open_lines = lambda order_id: open_lines(c, order_id)
    c.disputed_amount = lambda shop_id: disputed_amount(c, shop_id)

    async def handler(_name: str, payload: dict) -> None:
        await order_changed(c, payload)

    c.events.subscribe("order.status_changed", handler)
