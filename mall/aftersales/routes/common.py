"""What the after-sales pages and API share: wording of statuses, actions, reasons and refusals, and `page`."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import SanicException

from mall.aftersales.models import Action, Actor, Case, Status, allowed_actions
from mall.infra.text import N_
from mall.web.i18n import gettext as _
from mall.web.templating import render


class Conflict(SanicException):
    status_code = 409
    quiet = True


STATUS = {
    "requested": N_("Waiting for the shop"),
    "offered": N_("Partial refund offered"),
    "rejected": N_("Rejected by the shop"),
    "declined": N_("Offer declined"),
    "awaiting_return": N_("Waiting for the return"),
    "return_shipped": N_("Return on its way"),
    "disputed": N_("Platform reviewing"),
    "refunding": N_("Refunding"),
    "refunded": N_("Refunded"),
    "closed": N_("Closed"),
}
KIND = {"refund_only": N_("Refund only"), "return_and_refund": N_("Return and refund")}
REASON = {
    "no_reason": N_("No reason needed (7-day return)"),
    "damaged": N_("Damaged"),
    "not_as_described": N_("Not as described"),
    "wrong_item": N_("Wrong item"),
    "missing_parts": N_("Missing parts"),
    "not_received": N_("Not received"),
}
ACTION = {
    "request": N_("Request made"),
    "accept": N_("Accepted"),
    "accept_return": N_("Return accepted"),
    "offer": N_("Partial refund offered"),
    "reject": N_("Rejected"),
    "accept_offer": N_("Offer accepted"),
    "decline_offer": N_("Offer declined"),
    "ship_back": N_("Item shipped back"),
    "receive": N_("Return received"),
    "escalate": N_("Platform asked to step in"),
    "decide_refund": N_("Platform decided: refund"),
    "decide_none": N_("Platform decided: no refund"),
    "refund": N_("Refunded"),
    "withdraw": N_("Withdrawn"),
    "expire": N_("Closed: the time ran out"),
    "shipped_instead": N_("Closed: the shop shipped the order"),
    "order_cancelled": N_("Closed: the order was cancelled and refunded"),
    "evidence": N_("Evidence added"),
}
ACTOR = {"shopper": N_("Shopper"), "merchant": N_("Shop"), "operator": N_("Platform"), "system": N_("Mall")}
CODE = {
    "no_answer": N_("The shop did not answer in time, so the request was accepted automatically."),
    "offer_unanswered": N_("The offer was not answered in time, so it was accepted automatically."),
    "expired": N_("Nobody acted before the deadline."),
    "not_confirmed": N_("The shop did not confirm the return in time, so it counts as received."),
}
OUTCOME = {
    "refund_full": N_("Full refund"),
    "refund_partial": N_("Partial refund"),
    "no_refund": N_("No refund"),
}
REFUSED = {
    "no_such_line": N_("Choose an item of this order."),
    "order_not_open": N_("This order cannot take an after-sales request."),
    "line_busy": N_("This item already has an open request. Follow that one."),
    "window_closed": N_("The after-sales period for this order is over."),
    "kind_not_allowed": N_("That kind of request is not possible for this item now."),
    "reason_not_allowed": N_("Choose a reason that fits this kind of request."),
    "no_reason_not_allowed": N_("No-reason returns are over for this item, or its category does not allow them."),
    "qty": N_("Choose how many units, from 1 up to what you bought."),
    "amount": N_("Enter an amount from 1 up to what you paid for those units."),
    "note": N_("Keep the note under 1,000 characters."),
    "photos": N_("Use up to 6 photos you uploaded yourself."),
    "return_address": N_("Enter the address the item should go back to (5 to 300 characters)."),
    "offer": N_("Offer an amount less than what was asked."),
    "reason": N_("Give a reason in a few words (3 to 500 characters)."),
    "carrier": N_("Enter the carrier, e.g. Chunghwa Post or Black Cat."),
    "tracking_no": N_("Enter the tracking number: 3 to 40 letters, digits or hyphens."),
    "evidence": N_("Add some text or a photo."),
    "decision_amount": N_("Enter an amount from 1 up to what was asked."),
    "outcome": N_("Choose a decision."),
    "action": N_("Choose an answer."),
}


def refusal(code: str) -> str:
    return _(REFUSED.get(code, N_("Please check the form.")))


def not_now(exc) -> str:
    return _("That is not possible now: this request is %(status)s.") % {"status": _(STATUS[exc.status.value]).lower()}


def can(case: Case, actor: str) -> set[str]:
    return {a.value for a in allowed_actions(case.status, Actor(actor), case.kind)}


async def page(request: Request, template: str, *, fragment: str | None = None, status: int = 200, **context):
    return await render(
        request, template, fragment=fragment, status=status,
        as_status=lambda value: _(STATUS.get(str(value), str(value))),
        as_kind=lambda value: _(KIND.get(str(value), str(value))),
        as_reason=lambda value: _(REASON.get(str(value), str(value))),
        as_action=lambda value: _(ACTION.get(str(value), str(value))),
        as_actor=lambda value: _(ACTOR.get(str(value), str(value))),
        as_code=lambda value: _(CODE[value]) if value in CODE else "",
        as_outcome=lambda value: _(OUTCOME.get(str(value), str(value))),
        can=can, open_statuses=[s.value for s in Status if s not in (Status.REFUNDED, Status.CLOSED)],
        **context,
    )  # fmt: skip


__all__ = ["Action", "Conflict", "can", "not_now", "page", "refusal"]
