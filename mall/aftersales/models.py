"""After-sales cases (售後): pure data and rules, no I/O.

One case is one request about one order line. Its life is the table TRANSITIONS, like the order lifecycle: who may
take which action from which state; anything not in it is refused. Money moves only on the way through REFUNDING
(entered by ONE conditional update, so two clicks and a deadline job racing produce one refund)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Kind(StrEnum):
    REFUND_ONLY = "refund_only"  # not shipped yet, or the item is missing / never arrived
    RETURN_AND_REFUND = "return_and_refund"


class Reason(StrEnum):
    NO_REASON = "no_reason"  # 七天無理由: within no_reason_return_days of delivery, where the shop's category allows
    DAMAGED = "damaged"
    NOT_AS_DESCRIBED = "not_as_described"
    WRONG_ITEM = "wrong_item"
    MISSING_PARTS = "missing_parts"
    NOT_RECEIVED = "not_received"


class Status(StrEnum):
    REQUESTED = "requested"  # waiting for the merchant
    OFFERED = "offered"  # the merchant offered a partial refund: waiting for the shopper
    REJECTED = "rejected"  # the merchant said no: the shopper may escalate
    DECLINED = "declined"  # the shopper declined the offer: the shopper may escalate
    AWAITING_RETURN = "awaiting_return"  # accepted: the shopper ships the item back
    RETURN_SHIPPED = "return_shipped"  # on its way back: the merchant confirms receipt
    DISPUTED = "disputed"  # 平台介入: an operator decides
    REFUNDING = "refunding"  # an amount is decided; the refund runs (once, keyed by the case)
    REFUNDED = "refunded"
    CLOSED = "closed"  # over without (further) money


class Actor(StrEnum):
    SHOPPER = "shopper"
    MERCHANT = "merchant"
    OPERATOR = "operator"
    SYSTEM = "system"


class Action(StrEnum):
    REQUEST = "request"  # timeline only: the case is opened
    ACCEPT = "accept"  # refund only: refund what was asked
    ACCEPT_RETURN = "accept_return"  # return: with the shop's return address
    OFFER = "offer"  # a partial refund instead
    REJECT = "reject"
    ACCEPT_OFFER = "accept_offer"
    DECLINE_OFFER = "decline_offer"
    SHIP_BACK = "ship_back"
    RECEIVE = "receive"
    ESCALATE = "escalate"
    DECIDE_REFUND = "decide_refund"  # the operator: full or partial
    DECIDE_NONE = "decide_none"
    REFUND = "refund"  # the system: the money went back
    WITHDRAW = "withdraw"
    EXPIRE = "expire"  # a deadline passed with nobody acting: closed (not shipped back / not escalated)
    SHIPPED_INSTEAD = "shipped_instead"  # before shipping: the shop shipped the order after all
    ORDER_CANCELLED = "order_cancelled"  # the whole order was cancelled (and refunded) meanwhile
    EVIDENCE = "evidence"  # timeline only: text and photos in a dispute


S, A = Status, Action
SHOPPER, MERCHANT, OPERATOR, SYSTEM = Actor.SHOPPER, Actor.MERCHANT, Actor.OPERATOR, Actor.SYSTEM
_WAITING_ON_SHOPPER = (S.REJECTED, S.DECLINED)
# (from, action) -> (to, who may do it)
TRANSITIONS: dict[tuple[Status, Action], tuple[Status, frozenset[Actor]]] = {
    (S.REQUESTED, A.ACCEPT): (S.REFUNDING, frozenset({MERCHANT, SYSTEM})),
    (S.REQUESTED, A.ACCEPT_RETURN): (S.AWAITING_RETURN, frozenset({MERCHANT, SYSTEM})),
    (S.REQUESTED, A.OFFER): (S.OFFERED, frozenset({MERCHANT})),
    (S.REQUESTED, A.REJECT): (S.REJECTED, frozenset({MERCHANT})),
    (S.REQUESTED, A.WITHDRAW): (S.CLOSED, frozenset({SHOPPER})),
    (S.REQUESTED, A.SHIPPED_INSTEAD): (S.CLOSED, frozenset({SYSTEM})),
    (S.REQUESTED, A.ORDER_CANCELLED): (S.CLOSED, frozenset({SYSTEM})),
    (S.OFFERED, A.ACCEPT_OFFER): (S.REFUNDING, frozenset({SHOPPER, SYSTEM})),
    (S.OFFERED, A.DECLINE_OFFER): (S.DECLINED, frozenset({SHOPPER})),
    (S.OFFERED, A.WITHDRAW): (S.CLOSED, frozenset({SHOPPER})),
    (S.OFFERED, A.ORDER_CANCELLED): (S.CLOSED, frozenset({SYSTEM})),
    **{(s, A.ESCALATE): (S.DISPUTED, frozenset({SHOPPER})) for s in _WAITING_ON_SHOPPER},
    **{(s, A.EXPIRE): (S.CLOSED, frozenset({SYSTEM})) for s in _WAITING_ON_SHOPPER},
    **{(s, A.WITHDRAW): (S.CLOSED, frozenset({SHOPPER})) for s in _WAITING_ON_SHOPPER},
    **{(s, A.ORDER_CANCELLED): (S.CLOSED, frozenset({SYSTEM})) for s in _WAITING_ON_SHOPPER},
    (S.AWAITING_RETURN, A.SHIP_BACK): (S.RETURN_SHIPPED, frozenset({SHOPPER})),
    (S.AWAITING_RETURN, A.EXPIRE): (S.CLOSED, frozenset({SYSTEM})),
    (S.AWAITING_RETURN, A.WITHDRAW): (S.CLOSED, frozenset({SHOPPER})),
    (S.RETURN_SHIPPED, A.RECEIVE): (S.REFUNDING, frozenset({MERCHANT, SYSTEM})),
    (S.DISPUTED, A.DECIDE_REFUND): (S.REFUNDING, frozenset({OPERATOR})),
    (S.DISPUTED, A.DECIDE_NONE): (S.CLOSED, frozenset({OPERATOR})),
    (S.DISPUTED, A.ORDER_CANCELLED): (S.CLOSED, frozenset({SYSTEM})),
    (S.REFUNDING, A.REFUND): (S.REFUNDED, frozenset({SYSTEM})),
    (S.REFUNDING, A.ORDER_CANCELLED): (S.CLOSED, frozenset({SYSTEM})),  # the cancel refunded it first
}
# Actions only one kind of case has.
KIND_ACTIONS = {
    A.ACCEPT: Kind.REFUND_ONLY,
    A.ACCEPT_RETURN: Kind.RETURN_AND_REFUND,
    A.SHIP_BACK: Kind.RETURN_AND_REFUND,
    A.RECEIVE: Kind.RETURN_AND_REFUND,
}
OPEN = frozenset(s for s in Status if s not in (S.REFUNDED, S.CLOSED))
# What a deadline does when nobody acted in time: (state) -> (setting, unit, action by the system).
DEADLINES: dict[Status, tuple[str, str, Action | None]] = {
    S.REQUESTED: ("merchant_respond_hours", "hours", None),  # accept (or accept the return): see respond_action
    S.OFFERED: ("shopper_respond_hours", "hours", A.ACCEPT_OFFER),
    S.REJECTED: ("escalate_days", "days", A.EXPIRE),
    S.DECLINED: ("escalate_days", "days", A.EXPIRE),
    S.AWAITING_RETURN: ("return_ship_days", "days", A.EXPIRE),
    S.RETURN_SHIPPED: ("merchant_receive_days", "days", A.RECEIVE),
    S.REFUNDING: ("", "", A.REFUND),  # at once; the sweep retries it
}
EVIDENCE_STATES = frozenset({S.REJECTED, S.DECLINED, S.DISPUTED})
del S, A, SHOPPER, MERCHANT, OPERATOR, SYSTEM


class IllegalTransition(Exception):
    """`action` is not possible for a case in `status` (or not for this actor, or not for this kind)."""

    def __init__(self, status: Status, action: Action):
        super().__init__(f"cannot {action.value} a case that is {status.value}")
        self.status = status
        self.action = action


def next_status(status: Status, action: Action, actor: Actor, kind: Kind | None = None) -> Status:
    """The status `action` by `actor` leads to, or IllegalTransition."""
    target, actors = TRANSITIONS.get((status, action), (None, frozenset()))
    if target is None or actor not in actors or (kind is not None and KIND_ACTIONS.get(action, kind) is not kind):
        raise IllegalTransition(status, action)
    return target


def allowed_actions(status: Status, actor: Actor, kind: Kind | None = None) -> set[Action]:
    """What `actor` may do now (which buttons a page shows)."""
    return {
        action
        for (origin, action), (_to, actors) in TRANSITIONS.items()
        if origin is status and actor in actors and (kind is None or KIND_ACTIONS.get(action, kind) is kind)
    }


def accept_action(kind: Kind) -> Action:
    return Action.ACCEPT if kind is Kind.REFUND_ONLY else Action.ACCEPT_RETURN


def deadline_of(status: Status, kind: Kind, pre_ship: bool, since: datetime, settings) -> datetime | None:
    """When a case that entered `status` at `since` acts by itself (None: never, e.g. in a dispute)."""
    if status not in DEADLINES:
        return None
    name, unit, _action = DEADLINES[status]
    if not name:
        return since
    if status is Status.REQUESTED and pre_ship and kind is Kind.REFUND_ONLY:
        name = "refund_unshipped_hours"
    return since + timedelta(**{unit: getattr(settings, name)})


def deadline_action(status: Status, kind: Kind) -> Action | None:
    """What the system does when the deadline of `status` passes."""
    if status is Status.REQUESTED:
        return accept_action(kind)
    return DEADLINES.get(status, ("", "", None))[2]


# --- what may be asked -------------------------------------------------------------------------------------------


def allowed_reasons(kind: Kind, shipped: bool) -> tuple[Reason, ...]:
    """Refund only: anything before shipping, after it only a missing item or parts. A return: once shipped."""
    if kind is Kind.REFUND_ONLY:
        return tuple(Reason) if not shipped else (Reason.NOT_RECEIVED, Reason.MISSING_PARTS)
    if not shipped:
        return ()
    return tuple(r for r in Reason if r is not Reason.NOT_RECEIVED)


def no_reason_allowed(category: str, excluded: str) -> bool:
    """七天無理由 is allowed unless the shop's category is listed in `no_reason_excluded_categories`."""
    return category not in {part.strip() for part in excluded.split(",") if part.strip()}


def max_refund(line_qty: int, line_net: int, done_units: int, done_amount: int, qty: int) -> int:
    """What `qty` more units of a line may get back: their share of what was paid for the line (the last units
    take whatever is left, so rounding never loses or adds a minor unit)."""
    if qty <= 0 or done_units + qty > line_qty:
        return 0
    left = line_net - done_amount
    if done_units + qty == line_qty:
        return max(left, 0)
    return max(min(line_net * qty // line_qty, left), 0)


@dataclass
class Step:
    """One line of a case's timeline: who did what, when (system steps included)."""

    at: datetime
    actor: str
    action: str
    actor_id: str | None = None
    note: str = ""  # as typed (a reason, a note, evidence); shown escaped
    amount: int | None = None
    photos: list[str] = field(default_factory=list)
    code: str | None = None  # why the system acted (see the pages' wording)
    data: dict = field(default_factory=dict)  # carrier / tracking number, return address, outcome...


@dataclass
class Case:
    id: str
    number: str
    order_id: str
    order_number: str
    shop_id: str
    user_id: str
    line: int  # the position of the line in order.lines
    product_id: str
    variant_id: str
    line_name: dict[str, str]
    kind: Kind
    reason: Reason
    qty: int
    amount: int  # asked, minor units
    shipping: int  # of it, the order's shipping (only a whole order refunded before shipping)
    note: str
    photos: list[str]
    status: Status
    pre_ship: bool  # asked before the order shipped
    flash_sale: bool
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None = None
    version: int = 0  # each change +1: a deadline job keyed by it acts once
    offer: int | None = None  # the merchant's partial offer
    decided: int | None = None  # what REFUNDING refunds (line part; shipping is added when asked for it)
    decided_shipping: int = 0
    return_address: str = ""
    carrier: str = ""
    tracking_no: str = ""
    restock: bool | None = None
    restocked: int = 0
    outcome: str | None = None  # the operator's: refund_full | refund_partial | no_refund
    outcome_reason: str = ""
    reject_reason: str = ""
    refund_id: str | None = None
    refunded: int = 0  # line part actually refunded
    refunded_shipping: int = 0
    refunded_at: datetime | None = None
    escalated_at: datetime | None = None
    timeline: list[Step] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def line_label(self, locale: str) -> str:
        return self.line_name.get(locale) or self.line_name.get("en") or next(iter(self.line_name.values()), "")
