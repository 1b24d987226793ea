"""Proving the ledger (`python -m mall finance check`, GET /api/v1/operator/finance/ledger/check, the finance page's
button): every entry balanced, every stored total equal to the sum of its entries, every paid order line posted
exactly once (and nothing posted for an order that was never paid). Entries and orders are streamed."""

from __future__ import annotations

from dataclasses import dataclass, field

from mall.orders import services as orders
from mall.settlement.models import EntryKind, ItemKind, Leg
from mall.settlement.services.ledger import REPAIR_AFTER, totals_of
from mall.settlement.services.postings import paid_key

MAX_PROBLEMS = 100


@dataclass
class LedgerReport:
    accounts: dict[str, int] = field(default_factory=dict)
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)


async def check_ledger(c, *, paid_lines: bool = True) -> LedgerReport:
    report = LedgerReport()
    expected: dict[str, dict[str, int]] = {}
    posted_lines: dict[str, tuple[int, ...]] = {}
    items_expected = 0
    stale = c.clock.now() - REPAIR_AFTER
    async for entry in c.ledger.stream():
        report.entries += 1
        debit = sum(leg["debit"] for leg in entry["legs"])
        credit = sum(leg["credit"] for leg in entry["legs"])
        if debit != credit or any(leg["debit"] < 0 or leg["credit"] < 0 for leg in entry["legs"]):
            report.problem(f"entry {entry['key']} is not balanced: debits {debit}, credits {credit}")
        for leg in entry["legs"]:
            report.accounts[leg["account"]] = report.accounts.get(leg["account"], 0) + leg["debit"] - leg["credit"]
        if not entry.get("applied") and entry["recorded_at"] <= stale:
            report.problem(f"entry {entry['key']} was never applied to the totals")
        moves = {t["doc"]: t["inc"] for t in entry["totals"]}
        for target in totals_of(_legs(entry), ()):
            if moves.get(target["doc"], {}).get("balance", 0) != target["inc"]["balance"]:
                report.problem(f"entry {entry['key']} moves {target['doc']} by another amount than its legs say")
        for doc_id, inc in moves.items():
            into = expected.setdefault(doc_id, {})
            for name, amount in inc.items():
                into[name] = into.get(name, 0) + amount
        items_expected += len(entry.get("items", ()))
        if entry["kind"] == EntryKind.PAID.value:
            positions = tuple(i["position"] for i in entry.get("items", ()) if i["kind"] == ItemKind.SALE.value)
            posted_lines[entry["order_id"]] = positions
    if sum(report.accounts.values()) != 0:
        report.problem(f"the accounts do not add up to zero ({sum(report.accounts.values())})")
    await _compare_totals(c, expected, report)
    stored_items = await c.ledger.items.count_documents({})
    if stored_items != items_expected:
        report.problem(f"{stored_items} statement items stored, the entries carry {items_expected}")
    if paid_lines:
        await _check_paid_lines(c, posted_lines, report)
    return report


def _legs(entry: dict) -> list[Leg]:
    return [Leg(leg["account"], leg["debit"], leg["credit"]) for leg in entry["legs"]]


async def _compare_totals(c, expected: dict[str, dict[str, int]], report: LedgerReport) -> None:
    stored = {doc["_id"]: doc for doc in await c.ledger.totals_prefixed("")}
    for doc_id in sorted(set(expected) | set(stored)):
        want, have = expected.get(doc_id, {}), stored.get(doc_id, {})
        for name in sorted((set(want) | set(have)) - {"_id"}):
            if want.get(name, 0) != have.get(name, 0):
                what = "balance" if doc_id.startswith("account:") else name
                report.problem(f"{doc_id} {what} is {have.get(name, 0)}, its entries add up to {want.get(name, 0)}")


async def _check_paid_lines(c, posted_lines: dict[str, tuple[int, ...]], report: LedgerReport) -> None:
    seen = set()
    async for order in orders.paid_orders(c):
        seen.add(order.id)
        positions = posted_lines.get(order.id)
        if positions is None:
            report.problem(f"order {order.number} was paid but never posted ({paid_key(order.id)})")
        elif sorted(positions) != list(range(len(order.lines))):
            report.problem(f"order {order.number}: lines posted {sorted(positions)}, it has {len(order.lines)}")
    for order_id in sorted(set(posted_lines) - seen):
        report.problem(f"order {order_id} is posted as paid but was never paid")
