"""The repair (`python -m mall reviews recompute`, the operators' "Recompute" action): rebuild every kept
figure from its source of truth and report what had drifted.

Sources: the orders say which orders were paid and which of those were cancelled (the sold ledger follows
them; a refund the ledger recorded stays); the visible reviews give each product's count, total,
distribution, photos and follow-ups; the shop ratings give the DSR per day. The products' searchable copies
are checked last. Run it again: it then reports zero drift."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from mall.catalog import services as catalog
from mall.orders import services as orders
from mall.reviews.models import DSR_KEYS, ProductFigures
from mall.reviews.repository import day_of
from mall.reviews.services.figures import mirror, rating_scopes

BATCH = 200


@dataclass
class Drift:
    kind: str  # "sale" (the ledger vs the orders), "product", "copy" (the product's searchable copy), "dsr"
    key: str
    kept: dict | None
    expected: dict | None


@dataclass
class RecomputeReport:
    products: int = 0
    sales: int = 0
    days: int = 0
    drift: list[Drift] = field(default_factory=list)
    fixed: bool = False

    def lines(self) -> list[str]:
        out = [
            f"checked {self.products} products, {self.sales} paid orders, {self.days} DSR day sums",
            f"drift: {len(self.drift)}" + (" (repaired)" if self.fixed and self.drift else ""),
        ]
        out += [f"  {d.kind} {d.key}: kept {d.kept} expected {d.expected}" for d in self.drift[:50]]
        if len(self.drift) > 50:
            out.append(f"  ... and {len(self.drift) - 50} more")
        return out


async def recompute(c, *, fix: bool = True) -> RecomputeReport:
    report = RecomputeReport(fixed=fix)
    ledger = await _sales(c, report, fix)
    expected = await _expected_figures(c, ledger)
    kept = await c.reviews.all_figures()
    report.products = len(set(expected) | set(kept))
    for product_id in sorted(set(expected) | set(kept)):
        want = expected.get(product_id) or ProductFigures(product_id=product_id)
        have = kept.get(product_id) or ProductFigures(product_id=product_id)
        if want.comparable() != have.comparable():
            report.drift.append(Drift("product", product_id, have.comparable(), want.comparable()))
            if fix:
                kept[product_id] = await c.reviews.put_figures(want)
                await mirror(c, kept[product_id])
    await _copies(c, report, kept, fix)
    await _days(c, report, fix)
    return report


async def _sales(c, report: RecomputeReport, fix: bool) -> dict[str, dict]:
    """The sold ledger made to agree with the orders: an entry per paid order; uncounted once cancelled."""
    ledger = {doc["_id"]: doc async for doc in c.reviews.all_sales()}
    async for record in orders.sale_records(c):
        report.sales += 1
        entry = ledger.get(record.order_id)
        lines = [{"product_id": product_id, "qty": qty} for product_id, qty in record.lines]
        if entry is None:
            want = {"_id": record.order_id, "shop_id": record.shop_id, "lines": lines, "counted": record.counted,
                    "refunded": [], "at": None}  # fmt: skip
        elif entry.get("counted") and not record.counted:
            want = {**entry, "counted": False}
        else:
            continue
        report.drift.append(Drift("sale", record.order_id, _brief(entry), _brief(want)))
        ledger[record.order_id] = want
        if fix:
            await c.reviews.put_sale(want)
    return ledger


def _brief(entry: dict | None) -> dict | None:
    return {"counted": entry.get("counted"), "refunded": entry.get("refunded")} if entry else None


async def _expected_figures(c, ledger: dict[str, dict]) -> dict[str, ProductFigures]:
    expected: dict[str, ProductFigures] = {}

    def of(product_id: str) -> ProductFigures:
        return expected.setdefault(product_id, ProductFigures(product_id=product_id))

    async for row in c.reviews.visible_rows():
        figures, followup = of(row["product_id"]), row.get("followup")
        figures.count += 1
        figures.total += row["stars"]
        figures.dist[str(row["stars"])] += 1
        figures.photos += bool(row.get("photos") or (followup and followup.get("photos")))
        figures.followups += followup is not None
    for entry in ledger.values():
        if entry.get("counted"):
            refunded = set(entry.get("refunded") or ())
            for n, line in enumerate(entry["lines"]):
                if n not in refunded:
                    of(line["product_id"]).sold += int(line["qty"])
    return expected


async def _copies(c, report: RecomputeReport, kept: dict[str, ProductFigures], fix: bool) -> None:
    """Each product's searchable copy (rating_avg, rating_count, sold) against the kept figures."""
    ids = sorted(kept)
    for start in range(0, len(ids), BATCH):
        for product in await catalog.products_by_ids(c.products, ids[start : start + BATCH], include_hidden=True):
            figures = kept[product.id]
            have = {"rating": product.rating_avg, "count": product.rating_count, "sold": product.sold}
            want = {"rating": figures.average, "count": figures.count, "sold": figures.sold}
            if have != want:
                report.drift.append(Drift("copy", product.id, have, want))
                if fix:
                    await mirror(c, await c.reviews.put_figures(figures))


async def _days(c, report: RecomputeReport, fix: bool) -> None:
    expected: dict[str, dict] = {}
    async for doc in c.reviews.all_ratings():
        day = day_of(doc["created_at"])
        for scope in rating_scopes(_Rating(doc)):
            sums = expected.setdefault(f"{scope}:{day}", {"_id": f"{scope}:{day}", "scope": scope, "day": day})
            sums["n"] = sums.get("n", 0) + 1
            for key in DSR_KEYS:
                sums[key] = sums.get(key, 0) + int(doc[key])
    kept = await c.reviews.all_days()
    report.days = len(set(expected) | set(kept))
    for doc_id in sorted(set(expected) | set(kept)):
        want, have = _sums(expected.get(doc_id)), _sums(kept.get(doc_id))
        if want != have:
            report.drift.append(Drift("dsr", doc_id, have, want))
            if fix:
                await c.reviews.put_day(doc_id, expected.get(doc_id))


def _sums(doc: dict | None) -> dict:
    values: dict = defaultdict(int)
    for key in ("n", *DSR_KEYS):
        values[key] = int((doc or {}).get(key, 0))
    return dict(values)


class _Rating:
    """The two fields rating_scopes reads, from a stored rating."""

    def __init__(self, doc: dict):
        self.shop_id = doc["shop_id"]
        self.category_id = doc.get("category_id")
