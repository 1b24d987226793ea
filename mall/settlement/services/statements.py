"""The settlement cycle: a shop's settleable items become a statement (對帳單), once per shop per period.

An item is settleable once its order completed `settle_after_days` ago (items.eligible_at) and no after-sales case
is open on its line (c.aftersales_open_lines). A statement claims them (each item once, ever), moves their sum from
the shop's pending balance to its available balance, and records what was carried over, what is held back for open
disputes (c.disputed_amount) and what is payable. Issued, it never changes; issuing again for that period does
nothing. Items are read and claimed a batch at a time: never all of them in memory."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from mall.infra.ids import is_id, new_id
from mall.settlement import events
from mall.settlement.models import EntryKind, PayoutStatus, Statement, StatementStatus, available, legs, pending
from mall.settlement.repository import item_of
from mall.settlement.services.ledger import balances, post
from mall.settlement.services.locks import shop_lock

CLAIM_BATCH = 500


def period_of(c, moment=None) -> str:
    """The local date (platform time zone) a statement run belongs to: 2026-11-24."""
    return (moment or c.clock.now()).astimezone(ZoneInfo(c.settings.timezone)).date().isoformat()


def statement_number(shop_id: str, period: str) -> str:
    return f"S{period.replace('-', '')}-{shop_id[-6:].upper()}"


async def issue_statement(c, shop_id: str, period: str | None = None) -> Statement | None:
    """Issue the shop's statement for `period` (today by default). None when there is nothing to settle or pay, or
    it was issued before (then nothing changes)."""
    period = period or period_of(c)
    async with shop_lock(c, shop_id):
        draft = Statement(new_id(), statement_number(shop_id, period), shop_id, period, StatementStatus.ISSUING,
                          c.clock.now())  # fmt: skip
        statement = await c.statements.start(draft)
        if statement.status is StatementStatus.ISSUED:
            return None
        await _claim(c, statement)
        totals = await c.ledger.statement_sums(statement.id)
        if totals.net:
            await post(
                c, key=f"statement:{statement.id}", kind=EntryKind.STATEMENT, at=statement.started_at,
                entry_legs=legs((pending(shop_id), totals.net), (available(shop_id), -totals.net)),
                shop_id=shop_id, refs={"statement_id": statement.id},
            )  # fmt: skip
        carried = -(await balances(c, [available(shop_id)]))[available(shop_id)] - totals.net
        carried -= await _awaiting(c, shop_id, but=statement.id)
        closing = carried + totals.net
        held = min(max(closing, 0), max(int(await c.disputed_amount(shop_id)), 0))
        if not totals.lines and closing - held <= 0:
            await c.statements.discard(statement.id)
            return None
        issued = await c.statements.finish(statement.id, totals, carried, held, c.clock.now())
    if issued is not None:
        await c.events.publish(events.STATEMENT_ISSUED, events.statement_payload(issued))
    return issued


async def _claim(c, statement: Statement) -> None:
    """Take the shop's eligible items, an order at a time, except lines with an open after-sales case."""
    batch: list[str] = []
    group: list[dict] = []

    async def settle_group() -> None:
        if not group:
            return
        lines = {doc["position"] for doc in group if doc["position"] is not None}
        open_lines = set(await c.aftersales_open_lines(group[0]["order_id"])) if lines else set()
        batch.extend(doc["_id"] for doc in group if doc["position"] is None or doc["position"] not in open_lines)
        group.clear()
        if len(batch) >= CLAIM_BATCH:
            await c.ledger.claim(batch, statement.id)
            batch.clear()

    async for doc in c.ledger.claimable(statement.shop_id, c.clock.now(), batch=CLAIM_BATCH):
        if group and doc["order_id"] != group[0]["order_id"]:
            await settle_group()
        group.append({"_id": doc["_id"], "order_id": doc["order_id"], "position": doc["position"]})
    await settle_group()
    if batch:
        await c.ledger.claim(batch, statement.id)


async def _awaiting(c, shop_id: str, *, but: str) -> int:
    """What earlier statements of the shop will still pay out of its available balance: those with no payout yet,
    or whose approved payout has not left the balance yet."""
    statements = [s for s in await c.statements.issued_of_shop(shop_id) if s.id != but and s.payable > 0]
    payouts = await c.statements.payouts_of([s.id for s in statements])
    total = 0
    for statement in statements:
        payout = payouts.get(statement.id)
        if payout is None:
            total += statement.payable
        elif payout.status is PayoutStatus.APPROVED and await c.ledger.by_key(f"payout:{payout.id}:sent") is None:
            total += payout.amount
    return total


async def due_shops(c) -> list[str]:
    """Shops with items to settle now, or with money available that no statement will pay (a failed payout, a
    released hold): each gets a statement in the daily run."""
    shops = set(await c.ledger.shops_with_claimable(c.clock.now()))
    for doc in await c.ledger.totals_prefixed("account:shop:"):
        _prefix, _shop, shop_id, part = doc["_id"].split(":")
        owed = -doc.get("balance", 0) if part == "available" and shop_id not in shops else 0
        if owed > 0 and owed - await _awaiting(c, shop_id, but="") > 0:
            shops.add(shop_id)
    return sorted(shops)


async def get_statement(c, statement_id: str, *, shop_id: str | None = None) -> Statement | None:
    """An issued statement (of `shop_id` when given: another shop's is None, like a missing one)."""
    if not is_id(statement_id):
        return None
    statement = await c.statements.get(statement_id, shop_id=shop_id)
    return statement if statement and statement.status is StatementStatus.ISSUED else None


async def statements_page(c, *, shop_id: str | None = None, page: int = 1, per_page: int = 20):
    """Issued statements newest first, with their payouts: ([(statement, payout | None)], total)."""
    found, total = await c.statements.page(shop_id=shop_id, skip=(page - 1) * per_page, limit=per_page)
    payouts = await c.statements.payouts_of([s.id for s in found])
    return [(s, payouts.get(s.id)) for s in found], total


async def statement_items(c, statement_id: str, *, page: int = 1, per_page: int = 50):
    total = await c.ledger.count_of_statement(statement_id)
    cursor = c.ledger.of_statement(statement_id, skip=(page - 1) * per_page, limit=per_page)
    return [item_of(doc) async for doc in cursor], total


async def stream_items(c, statement_id: str):
    """Every item of a statement, a batch at a time from the database (CSV export)."""
    async for doc in c.ledger.of_statement(statement_id):
        yield item_of(doc)
