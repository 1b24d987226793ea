"""What a sale's units add up to, shared by buying, scheduling and the timed steps (the bottom of the
flash-sale services: it imports none of them).

Truth: MongoDB orders say what sold (c.sold_ledger); Redis holds what is left and held.
allocated = remaining + held + sold; after a Redis loss `reconcile` rebuilds Redis from the orders,
dropping live holds: that may undersell for a while, never oversell."""

from __future__ import annotations

from mall.catalog import services as catalog
from mall.flash_sales.models import Figures, FlashSale, Status
from mall.flash_sales.services.common import NO_SUCH_SALE, FlashSaleError, log, move_id
from mall.flash_sales.services.pauses import is_paused


def is_open(c, sale: FlashSale) -> bool:
    """Redis should hold this sale (scheduled, not over)."""
    return sale.status == Status.SCHEDULED and c.clock.now() < sale.ends_at


async def return_units(c, sale: FlashSale) -> int:
    """The units nobody bought go back to the SKU's stock, once. Waits (returns 0, the sweep retries)
    while a payment of this sale is still being settled."""
    if sale.returned_at is not None:
        return 0
    sold = await c.sold_ledger.sold(sale.id)
    if sold.unsettled:
        log.info("flash sale %s: %d payments still settling; returning its units later", sale.id, sold.unsettled)
        return 0
    unsold = sale.quantity - sold.units
    moved = unsold > 0 and await catalog.restore_stock(
        c.products, sale.product_id, sale.variant_id, unsold, move_id=move_id(sale.id, "return")
    )
    await c.flash_sales.mark_once(sale.id, "returned_at", c.clock.now())
    return unsold if moved else 0


async def reconcile(c, sale_id: str, *, rebuild: bool = False) -> Figures:
    """Compare allocated with remaining + held + sold (orders); rebuild Redis from the orders when it
    lost the sale, or when asked (`rebuild`: live holds are dropped, their shoppers pay from the pool)."""
    sale = await c.flash_sales.get(sale_id)
    if sale is None:
        raise FlashSaleError(NO_SUCH_SALE, 404)
    truth = await c.sold_ledger.sold(sale_id)
    notes: list[str] = []
    figures = await c.flash_store.figures(sale_id)
    rebuilt = False
    live = is_open(c, sale)
    if (figures is None or rebuild) and live:
        if rebuild:
            await c.flash_store.drop(sale_id)
        rebuilt = await c.flash_store.load(
            sale, remaining=max(sale.quantity - truth.units, 0), sold=truth.units, users=truth.by_user,
            done=truth.by_hold, paused=await is_paused(c, sale),
        )  # fmt: skip
        if rebuilt:
            notes.append("Redis rebuilt from MongoDB")
        figures = await c.flash_store.figures(sale_id)
    figures = figures or {"remaining": 0, "held": 0, "sold": truth.units, "reserved": 0}
    if figures["sold"] != truth.units:
        notes.append(f"Redis counts {figures['sold']} sold, MongoDB orders {truth.units}")
    if truth.unsettled:
        notes.append(f"{truth.unsettled} payments are being settled (counted as sold)")
    drift = sale.quantity - (figures["remaining"] + figures["held"] + truth.units) if live else 0
    if drift:
        notes.append(f"{drift} units unaccounted" if drift > 0 else f"{-drift} units over-allocated")
    return Figures(
        allocated=sale.quantity,
        remaining=figures["remaining"],
        held=figures["held"],
        sold_redis=figures["sold"],
        sold=truth.units,
        drift=drift,
        reserved=figures["reserved"],
        rebuilt=rebuilt,
        notes=notes,
    )
