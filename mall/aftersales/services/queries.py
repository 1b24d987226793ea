"""Reading cases: the shopper's, the shop's (always the session's shop), the operators' queue; what was refunded
per order line (for settlement), and the shop's after-sales figures (for its health score)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mall.aftersales.models import OPEN, Case, Status
from mall.aftersales.services.common import load
from mall.orders import services as orders

PER_PAGE = 20
MERCHANT_FILTERS = ("", "waiting", "overdue_soon", "disputes", "open", "closed")
WAITING_ON_SHOP = [Status.REQUESTED, Status.RETURN_SHIPPED]
SOON = timedelta(hours=24)


async def shopper_case(c, *, user_id: str, case_id: str) -> Case:
    return await load(c, case_id, user_id=user_id)


async def merchant_case(c, *, shop_id: str, case_id: str) -> Case:
    return await load(c, case_id, shop_id=shop_id)


async def any_case(c, case_id: str) -> Case:
    return await load(c, case_id)


async def shopper_cases(c, *, user_id: str, page: int = 1) -> tuple[list[Case], int]:
    return await c.cases.page(user_id=user_id, page=page, per_page=PER_PAGE)


async def cases_of_order(c, order_id: str) -> list[Case]:
    return await c.cases.of_order(order_id)


async def shop_cases(c, *, shop_id: str, chosen: str = "", page: int = 1) -> tuple[list[Case], int]:
    """waiting: the shop must act; overdue_soon: its deadline is within a day; disputes; open; closed."""
    now = c.clock.now()
    if chosen == "waiting":
        return await c.cases.page(shop_id=shop_id, statuses=WAITING_ON_SHOP, page=page, by_due=True)
    if chosen == "overdue_soon":
        return await c.cases.page(
            shop_id=shop_id, statuses=WAITING_ON_SHOP, due_before=now + SOON, page=page, by_due=True
        )
    if chosen == "disputes":
        return await c.cases.page(shop_id=shop_id, statuses=[Status.DISPUTED], page=page)
    if chosen == "open":
        return await c.cases.page(shop_id=shop_id, statuses=list(OPEN), page=page, by_due=True)
    if chosen == "closed":
        return await c.cases.page(shop_id=shop_id, statuses=[Status.REFUNDED, Status.CLOSED], page=page)
    return await c.cases.page(shop_id=shop_id, page=page)


async def shop_counts(c, *, shop_id: str) -> dict[str, int]:
    now = c.clock.now()
    waiting = {"shop_id": shop_id, "status": {"$in": [s.value for s in WAITING_ON_SHOP]}}
    return {
        "waiting": await c.cases.count(waiting),
        "overdue_soon": await c.cases.count({**waiting, "due_at": {"$ne": None, "$lte": now + SOON}}),
        "disputes": await c.cases.count({"shop_id": shop_id, "status": Status.DISPUTED.value}),
    }


async def disputes(c, *, chosen: str = "open", page: int = 1) -> tuple[list[Case], int]:
    """The operators' queue: disputes waiting for a decision, oldest first; or the decided ones."""
    if chosen == "decided":
        statuses = [Status.REFUNDED, Status.CLOSED, Status.REFUNDING]
        return await c.cases.page(statuses=statuses, page=page, escalated=True)
    return await c.cases.page(statuses=[Status.DISPUTED], page=page)


async def dispute_count(c) -> int:
    return await c.cases.count({"status": Status.DISPUTED.value})


# --- for settlement: what each case refunded, per line ---------------------------------------------------------


@dataclass(frozen=True)
class CaseRefund:
    """One after-sales refund of an order line: units, the line's part, the shipping part (whole order only)."""

    case_id: str
    number: str
    line: int
    units: int
    amount: int  # of the line
    shipping: int
    refund_id: str
    at: datetime
    restocked: int


async def refunds_of_order(c, order_id: str) -> list[CaseRefund]:
    """Every after-sales refund of the order, oldest first (only refunds that moved money)."""
    return [
        CaseRefund(
            case_id=x.id,
            number=x.number,
            line=x.line,
            units=x.qty,
            amount=x.refunded,
            shipping=x.refunded_shipping,
            refund_id=x.refund_id or "",
            at=x.refunded_at,
            restocked=x.restocked,
        )
        for x in await c.cases.of_order(order_id)
        if x.status is Status.REFUNDED
    ]


async def refunded_per_line(c, order_id: str) -> dict[int, int]:
    """{line position: minor units refunded through after-sales} (shipping apart: see refunds_of_order)."""
    out: dict[int, int] = {}
    for refund in await refunds_of_order(c, order_id):
        out[refund.line] = out.get(refund.line, 0) + refund.amount
    return out


# --- for the shop's health score (reputation) ------------------------------------------------------------------


@dataclass(frozen=True)
class RefundRate:
    """Of `orders` paid since a date, `refunded_orders` had an after-sales refund; `cases` were opened."""

    orders: int
    refunded_orders: int
    cases: int

    @property
    def rate(self) -> float:
        return self.refunded_orders / self.orders if self.orders else 0.0


@dataclass(frozen=True)
class DisputesLost:
    """Of `orders` paid since a date, `lost` disputes were decided against the shop (a refund), of `decided`."""

    orders: int
    decided: int
    lost: int

    @property
    def per_100_orders(self) -> float:
        return 100 * self.lost / self.orders if self.orders else 0.0


async def refund_rate(c, shop_id: str, since: datetime) -> RefundRate:
    """Health-score component "refund rate": orders refunded through after-sales / orders paid, since `since`."""
    rows = await c.cases.of_shop_since(shop_id, since)
    refunded = {r["order_id"] for r in rows if r["status"] == Status.REFUNDED.value}
    paid = await orders.orders_paid_since(c, shop_id=shop_id, since=since)
    return RefundRate(orders=paid, refunded_orders=len(refunded), cases=len(rows))


async def disputes_lost(c, shop_id: str, since: datetime) -> DisputesLost:
    """Health-score component "disputes lost per 100 orders": disputes an operator decided with a refund."""
    rows = [r for r in await c.cases.of_shop_since(shop_id, since) if r.get("outcome")]
    lost = sum(1 for r in rows if r["outcome"] in ("refund_full", "refund_partial"))
    paid = await orders.orders_paid_since(c, shop_id=shop_id, since=since)
    return DisputesLost(orders=paid, decided=len(rows), lost=lost)


async def open_lines(c, order_id: str) -> set[int]:
    """Settlement: the positions of the order's lines with an open case (they are not settled while it is open)."""
    return {case.line for case in await c.cases.open_of_order(order_id)}


async def disputed_amount(c, shop_id: str) -> int:
    """Settlement: what the shop's open disputes ask for (held back from its payouts until decided)."""
    return await c.cases.disputed_sum(shop_id)
