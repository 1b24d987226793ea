"""What orders' events post: a paid order's earnings, a refund's reversal, an order's lines becoming settleable.

Each is idempotent by its key (order:<id>:paid, refund:<refund id>) and reads the order itself, so a replayed or
late event, or the catch-up sweep, posts exactly what the first delivery would have, once."""

from __future__ import annotations

import logging
from datetime import timedelta

from mall.orders import services as orders
from mall.promotions.pricing import allocate
from mall.settlement.earnings import Earned, earn, line_subsidies, shipping_subsidies, taken_back
from mall.settlement.models import (
    ADJUSTMENTS,
    CLEARING,
    COMMISSION,
    PROMOTIONS,
    REFUNDS,
    EntryKind,
    Item,
    ItemKind,
    legs,
    pending,
)
from mall.settlement.services.ledger import new_item_id, post
from mall.settlement.services.locks import order_lock
from mall.settlement.services.rules import rates_for_order

log = logging.getLogger("mall.settlement")


def paid_key(order_id: str) -> str:
    return f"order:{order_id}:paid"


def _item(order, key: str, kind: ItemKind, position: int | None, earned: Earned, sign: int, at, **extra) -> Item:
    line = order.lines[position] if position is not None else None
    return Item(
        id=new_item_id(key, position),
        entry_key=key,
        kind=kind,
        shop_id=order.shop_id,
        order_id=order.id,
        order_number=order.number,
        position=position,
        net=sign * earned.net,
        subsidy=sign * earned.subsidy,
        commission=sign * earned.commission,
        rate_bp=earned.rate_bp,
        at=at,
        subsidies={k: sign * v for k, v in earned.subsidies.items()},
        name=dict(line.name) if line else {},
        sku=line.sku if line else "",
        qty=line.qty if line else 0,
        **extra,
    )


def _figures(shop_id: str, parts: list[Earned], sign: int, gmv: int = 0, refunds: int = 0) -> list:
    commission = sign * sum(p.commission for p in parts)
    subsidy = sign * sum(p.subsidy for p in parts)
    figures = [
        ("platform", "gmv", gmv), ("platform", "refunds", refunds), ("platform", "commission", commission),
        ("platform", "subsidies", subsidy), (f"shop:{shop_id}", "gmv", gmv), (f"shop:{shop_id}", "refunds", refunds),
        (f"shop:{shop_id}", "commission", commission), (f"shop:{shop_id}", "subsidies", subsidy),
        ("platform", "orders", 1 if gmv else 0),
    ]  # fmt: skip
    for part in parts:
        figures += [(f"promo:{promotion}", "subsidy", sign * amount) for promotion, amount in part.subsidies.items()]
    return figures


async def post_paid(c, order) -> bool:
    """A paid order: the shop is owed each line's revenue less its commission, and its shipping; the platform
    collected the total and funds its discounts. True when posted now (False: posted before, or never paid)."""
    if order.paid_at is None:
        return False
    key = paid_key(order.id)
    if await c.ledger.by_key(key) is not None:
        return False
    line_rates, shipping_rate = await rates_for_order(c, order)
    earned = [
        earn(line.net, line_subsidies(line.allocations), rate)
        for line, rate in zip(order.lines, line_rates, strict=True)
    ]
    shipping_paid = order.shipping_fee - order.shipping_discount
    shipping = earn(shipping_paid, shipping_subsidies(order.applied, order.shipping_discount), shipping_rate)
    parts = [*earned, shipping]
    collected = sum(p.net for p in parts)
    if collected != order.total:
        log.error("order %s: lines and shipping add up to %d, its total is %d", order.number, collected, order.total)
    entry_legs = legs(
        (CLEARING, collected),
        (PROMOTIONS, sum(p.subsidy for p in parts)),
        (pending(order.shop_id), -sum(p.merchant for p in parts)),
        (COMMISSION, -sum(p.commission for p in parts)),
    )
    items = [_item(order, key, ItemKind.SALE, n, e, 1, order.paid_at) for n, e in enumerate(earned)]
    if shipping.revenue:
        items.append(_item(order, key, ItemKind.SHIPPING, None, shipping, 1, order.paid_at))
    posted = await post(
        c, key=key, kind=EntryKind.PAID, entry_legs=entry_legs, at=order.paid_at, shop_id=order.shop_id,
        order_id=order.id, figures=_figures(order.shop_id, parts, 1, gmv=collected),
        items=items,
    )  # fmt: skip
    return posted is not None


async def settle_after(c, order) -> bool:
    """The order completed: its lines (and their refunds, now and later) may be settled `settle_after_days` on."""
    if order.completed_at is None:
        return False
    await post_paid(c, order)
    eligible = order.completed_at + timedelta(days=c.settings.settle_after_days)
    return await c.ledger.mark_eligible(order.id, eligible) > 0


async def post_refund(c, payload: dict) -> bool:
    """An order.refunded event: take back, in proportion, what the refunded part of each line (and the shipping)
    earned. True when posted now; False for a replay. A refund of an order that was never paid (paid after it was
    cancelled) only passes the money through: in from the shopper, straight back out."""
    refund_id = payload.get("refund_id")
    if not refund_id:
        log.error("order.refunded for order %s without a refund_id: not posted", payload.get("number"))
        return False
    key = f"refund:{refund_id}"
    if await c.ledger.by_key(key) is not None:
        return False
    try:
        order = await orders.any_order(c, order_id=str(payload.get("order_id")))
    except orders.NotFound:
        log.error("order.refunded for unknown order %s", payload.get("order_id"))
        return False
    amount = int(payload.get("amount") or 0)
    if order.paid_at is None:
        entry_legs = legs((CLEARING, amount), (REFUNDS, -amount))
        figures = [("platform", "passthrough", amount)]
        posted = await post(c, key=key, kind=EntryKind.PASSTHROUGH, entry_legs=entry_legs, at=c.clock.now(),
                            shop_id=order.shop_id, order_id=order.id, figures=figures)  # fmt: skip
        return posted is not None
    await post_paid(c, order)
    async with order_lock(c, order.id):  # two refunds of one order are reversed one after the other
        return await _post_reversal(c, order, payload, key, amount)


async def _post_reversal(c, order, payload: dict, key: str, amount: int) -> bool:
    entries = await c.ledger.of_order(order.id)
    for entry in entries:
        if not entry.get("applied"):
            await c.ledger.apply(entry)
    state = await c.ledger.of_order_items(order.id)
    sold = {i.position: i for i in state if i.kind in (ItemKind.SALE, ItemKind.SHIPPING)}
    before: dict[int | None, int] = {}
    for item in state:
        if item.is_refund:
            base_net = sold[item.position].net
            before[item.position] = before.get(item.position, 0) + (-item.net if base_net else 1)
    wanted = _wanted(order, payload, sold, before, amount)
    at = c.clock.now()
    parts, items = [], []
    for position, measure in sorted(wanted.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
        sale = sold[position]
        earned = Earned(sale.net, dict(sale.subsidies), sale.rate_bp, sale.commission)
        back = taken_back(earned, before.get(position, 0), measure)
        parts.append(back)
        kind = ItemKind.SHIPPING_REFUND if position is None else ItemKind.REFUND
        items.append(_item(order, key, kind, position, back, -1, at, refund_id=payload.get("refund_id"),
                           case_id=_case(payload), eligible_at=sale.eligible_at))  # fmt: skip
    returned = sum(p.net for p in parts)
    excess = max(amount - returned, 0)
    entry_legs = legs(
        (pending(order.shop_id), sum(p.merchant for p in parts)),
        (COMMISSION, sum(p.commission for p in parts)),
        (PROMOTIONS, -sum(p.subsidy for p in parts)),
        (ADJUSTMENTS, excess),
        (REFUNDS, -(returned + excess)),
    )
    if excess:
        log.error("refund %s of order %s: %d more than the order had left", key, order.number, excess)
    figures = _figures(order.shop_id, parts, -1, refunds=returned + excess)
    posted = await post(
        c, key=key, kind=EntryKind.REFUND, entry_legs=entry_legs, at=at, shop_id=order.shop_id, order_id=order.id,
        figures=figures, items=items,
        refs={"refund_id": payload.get("refund_id"), "case_id": _case(payload)},
    )  # fmt: skip
    return posted is not None


def _case(payload: dict) -> str | None:
    case = payload.get("case_id")
    return str(case)[:64] if case else None


def _wanted(order, payload: dict, sold: dict, before: dict, amount: int) -> dict[int | None, int]:
    """How much of each line's net (and of the shipping, key None) this refund gives back, never more than is left:
    the event's line_amounts; or, when it names none, its amount less shipping spread over what is left by largest
    remainder. A line the shopper paid nothing for is given back whole (measure 1) when the event names it."""
    left = {p: (s.net or 1) - before.get(p, 0) for p, s in sold.items()}
    wanted: dict[int | None, int] = {}
    raw = payload.get("line_amounts") or {}
    for key, value in raw.items():
        position = int(key) if str(key).isdigit() else -1
        if position in sold and isinstance(value, int) and value > 0 and sold[position].net:
            wanted[position] = min(value, left[position])
    shipping = payload.get("shipping") or 0
    if None in sold and isinstance(shipping, int) and shipping > 0:
        wanted[None] = min(shipping, left[None])
    lines_part = amount - wanted.get(None, 0)
    if not raw and lines_part > 0:
        open_ = [p for p in sorted(k for k in sold if k is not None) if sold[p].net and left[p] > 0]
        spread = min(lines_part, sum(left[p] for p in open_))
        for position, share in zip(open_, allocate(spread, [left[p] for p in open_], open_), strict=True):
            if share:
                wanted[position] = share
    for position in payload.get("lines") or ():
        named = payload.get("full") or str(position) in raw or not raw
        if position in sold and position is not None and not sold[position].net and left[position] > 0 and named:
            wanted[position] = 1
    return {p: m for p, m in wanted.items() if m > 0}
