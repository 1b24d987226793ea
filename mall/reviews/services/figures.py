"""The figures kept with every write: a product's rating, distribution, photos, follow-ups and units sold
(one `$inc` per change, then a copy onto the product for search), and the shop ratings (DSR) summed per day
so any rolling window is a handful of small documents. Sold counts follow the orders' events through a
ledger with one entry per paid order, so a repeated event never moves a count twice.

`python -m mall reviews recompute` (recompute.py) rebuilds all of it from the reviews and orders."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from mall.catalog import services as catalog
from mall.orders import events as order_events
from mall.reviews import events
from mall.reviews.models import DSR_KEYS, DsrAverages, ProductFigures, ShopRating, dsr_from_sums
from mall.reviews.repository import day_of

COUNTED_STATUSES = ("paid", "shipped", "delivered", "completed")
DSR_DAYS = 180


async def move_product(c, product_id: str, delta: dict[str, int]) -> ProductFigures:
    """One atomic `$inc` of the product's figures, copied onto the product, announced."""
    figures = await c.reviews.add_to_figures(product_id, delta)
    await mirror(c, figures)
    await c.events.publish(events.FIGURES, {"product_id": product_id})
    return figures


async def mirror(c, figures: ProductFigures) -> bool:
    """The product's searchable copy: average (one decimal), review count, units sold."""
    return await catalog.set_review_figures(
        c.products, figures.product_id, rating=figures.average, count=figures.count, sold=figures.sold,
        version=figures.version,
    )  # fmt: skip


async def product_figures(c, product_id: str) -> ProductFigures:
    return await c.reviews.figures_of(product_id)


# --- shop ratings (DSR) --------------------------------------------------------------------------------------


def rating_sums(rating: ShopRating, sign: int = 1) -> dict[str, int]:
    return {"n": sign, **{key: sign * getattr(rating, key) for key in DSR_KEYS}}


def rating_scopes(rating: ShopRating) -> list[str]:
    scopes = [f"shop:{rating.shop_id}"]
    if rating.category_id:
        scopes.append(f"cat:{rating.category_id}")
    return scopes


async def add_rating(c, rating: ShopRating) -> None:
    day = day_of(rating.created_at)
    for scope in rating_scopes(rating):
        await c.reviews.add_to_day(scope, day, rating_sums(rating))


async def dsr(c, scope: str, days: int = DSR_DAYS) -> DsrAverages:
    """The DSR of `shop:<id>` or `cat:<id>` over the last `days` days."""
    sums = await c.reviews.day_sums(scope, day_of(c.clock.now() - timedelta(days=days - 1)))
    return dsr_from_sums(sums.get("n", 0), sums)


# --- units sold (paid, minus refunded), from the orders' events --------------------------------------------------


def _per_product(lines: list[dict], skip=()) -> dict[str, int]:
    units: dict[str, int] = defaultdict(int)
    for n, line in enumerate(lines):
        if n not in skip:
            units[line["product_id"]] += int(line["qty"])
    return units


async def count_paid(c, order) -> bool:
    """A paid order's units are sold (once per order)."""
    lines = [{"product_id": line.product_id, "qty": line.qty} for line in order.lines]
    if not await c.reviews.add_sale(order.id, order.shop_id, lines, order.paid_at or c.clock.now()):
        return False
    for product_id, qty in _per_product(lines).items():
        await move_product(c, product_id, {"sold": qty})
    return True


async def uncount(c, order_id: str) -> bool:
    """A cancelled or fully refunded order: its units (those not refunded already) are not sold (once)."""
    entry = await c.reviews.uncount_sale(order_id)
    if entry is None:
        return False
    for product_id, qty in _per_product(entry["lines"], skip=set(entry.get("refunded") or ())).items():
        await move_product(c, product_id, {"sold": -qty})
    return True


async def refund_lines(c, order_id: str, lines: list[int]) -> int:
    """Some lines refunded (after-sales): their units are not sold (once per line). Returns how many lines moved."""
    moved = 0
    for n in lines:
        entry = await c.reviews.refund_sale_line(order_id, n)
        if entry is not None and 0 <= n < len(entry["lines"]):
            line = entry["lines"][n]
            await move_product(c, line["product_id"], {"sold": -int(line["qty"])})
            moved += 1
    return moved


def install(c) -> None:
    """Follow the orders' events (wired in mall.bootstrap): paid -> sold; cancelled / refunded -> not sold;
    refunded in full -> the order's reviews are marked (not hidden)."""
    from mall.orders import services as orders

    async def order_changed(_name: str, p: dict) -> None:
        if p["status"] == "paid" and p.get("previous") in ("pending_payment", "expired"):
            await count_paid(c, await orders.any_order(c, order_id=p["order_id"]))
        elif p["status"] == "cancelled" and p.get("previous") in COUNTED_STATUSES:
            await uncount(c, p["order_id"])

    async def order_refunded(_name: str, p: dict) -> None:
        if p.get("full"):
            await uncount(c, p["order_id"])
            await c.reviews.mark_refunded(p["order_id"])
        else:
            await refund_lines(c, p["order_id"], [int(n) for n in p.get("lines") or ()])

    c.events.subscribe(order_events.ORDER_STATUS_CHANGED, order_changed)
    c.events.subscribe(order_events.ORDER_REFUNDED, order_refunded)
