"""Flash sale use cases. `c` is the container (c.flash_sales, c.flash_store, c.products, c.clock, c.settings, c.queue).

Units of a sale: allocated (`quantity`, moved out of the SKU's stock at creation) = remaining + held + sold.
MongoDB (flash_sale_sales, one document per consumed hold) is the truth for sold; Redis holds remaining/held.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from mall.catalog import services as catalog
from mall.flash_sales.models import Figures, FlashSale, Reservation
from mall.infra.ids import new_id
from mall.infra.text import N_

log = logging.getLogger("mall.flash_sales")
END_JOB = "flash_end_sale"


class FlashSaleError(Exception):
    """A refused flash-sale action; `message` is user-facing."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status


def _move(sale_id: str, what: str) -> str:
    return f"flash:{sale_id}:{what}"


async def create_sale(
    c,
    *,
    actor_id: str,
    product_id: str,
    variant_id: str,
    price: int,
    quantity: int,
    per_user_limit: int,
    starts_at: datetime,
    ends_at: datetime,
    shop_id: str | None = None,
    featured: bool = False,
) -> FlashSale:
    """Schedule a sale and move `quantity` units out of the SKU's stock (once, keyed by the sale's move id).

    `shop_id` restricts to that shop's SKUs (a merchant); None lets a marketer use any shop's SKU."""
    if price <= 0 or quantity <= 0 or per_user_limit <= 0:
        raise FlashSaleError(N_("Price, quantity and limit must be positive."), 422)
    if starts_at.tzinfo is None or ends_at.tzinfo is None or ends_at <= starts_at:
        raise FlashSaleError(N_("The sale must end after it starts."), 422)
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if ends_at <= c.clock.now():
        raise FlashSaleError(N_("The sale must end in the future."), 422)
    found = await catalog.variant_stock(c.products, product_id, variant_id)
    if found is None or (shop_id is not None and found[0] != shop_id):
        raise FlashSaleError(N_("No such SKU."), 404)
    sale = FlashSale(
        id=new_id(),
        shop_id=found[0],
        product_id=product_id,
        variant_id=variant_id,
        price=price,
        quantity=quantity,
        per_user_limit=per_user_limit,
        starts_at=starts_at,
        ends_at=ends_at,
        status="scheduled",
        created_by=actor_id,
        featured=featured,
        created_at=c.clock.now(),
    )
    if not await catalog.take_stock(c.products, product_id, variant_id, quantity, move_id=_move(sale.id, "alloc")):
        raise FlashSaleError(N_("Not enough stock for this sale."))
    await c.flash_sales.insert(sale)
    await c.flash_store.load(sale, remaining=quantity, sold=0, users={})
    await _schedule_end(c, sale)
    return sale


async def _schedule_end(c, sale: FlashSale) -> None:
    try:
        await c.queue.enqueue(
            END_JOB, key=f"flash-end:{sale.id}", scheduled=int(sale.ends_at.timestamp()), retries=3, sale_id=sale.id
        )
    except Exception:
        log.exception("could not schedule the end of flash sale %s", sale.id)


async def get_sale(c, sale_id: str) -> FlashSale:
    sale = await c.flash_sales.get(sale_id)
    if sale is None:
        raise FlashSaleError(N_("No such flash sale."), 404)
    return sale


async def list_sales(c) -> list[FlashSale]:
    """Sales running now and upcoming, soonest first."""
    return await c.flash_sales.listing(c.clock.now())


async def remaining(c, sale_id: str) -> int:
    figures = await c.flash_store.figures(sale_id)
    return figures["remaining"] if figures else 0


async def reserve(c, sale_id: str, user_id: str, qty: int = 1) -> Reservation:
    """One Lua step: ok (with hold id and expiry) or not_started / ended / sold_out / limit_reached / missing."""
    if qty <= 0:
        raise FlashSaleError(N_("Quantity must be positive."), 422)
    now = c.clock.now()
    expires_at = now + timedelta(seconds=c.settings.flash_hold_seconds)
    hold_id = new_id()
    reason = await c.flash_store.reserve(
        sale_id, now=now, user_id=user_id, qty=qty, hold_id=hold_id, expires_at=expires_at
    )
    if reason == "missing":
        sale = await c.flash_sales.get(sale_id)
        if sale is None:
            return Reservation("missing")
        # Redis lost this sale: rebuild from MongoDB (never oversells), then try once more.
        await reconcile(c, sale_id)
        reason = await c.flash_store.reserve(
            sale_id, now=now, user_id=user_id, qty=qty, hold_id=hold_id, expires_at=expires_at
        )
    if reason != "ok":
        return Reservation("ended" if reason == "missing" else reason)
    return Reservation("ok", hold_id=hold_id, expires_at=expires_at)


async def release_hold(c, sale_id: str, hold_id: str) -> int:
    """A cancelled checkout: the hold's units go back to the pool and the user's count down, exactly once."""
    return await c.flash_store.release(sale_id, hold_id)


async def expire_holds(c, sale_id: str) -> int:
    """Releases every hold whose expiry has passed (by c.clock); units returned."""
    return await c.flash_store.expire(sale_id, c.clock.now())


async def consume_hold(c, sale_id: str, hold_id: str, user_id: str) -> int:
    """Payment for a hold: marks it sold exactly once and records it in MongoDB. -> units sold (0: no such
    live hold, e.g. it expired; the caller must then refund). A hold of another user raises."""
    qty = await c.flash_store.consume(sale_id, hold_id, user_id)
    if qty < 0:
        raise FlashSaleError(N_("This reservation belongs to someone else."), 403)
    if qty > 0:
        await c.flash_sales.record_sold(sale_id, hold_id, user_id, qty, c.clock.now())
    return qty


async def cancel_sale(c, sale_id: str) -> FlashSale:
    """Before the start only: the units go back to the SKU's stock (once)."""
    sale = await get_sale(c, sale_id)
    if sale.status != "scheduled" or c.clock.now() >= sale.starts_at:
        raise FlashSaleError(N_("Only a sale that has not started can be cancelled."))
    if not await c.flash_sales.set_status(sale_id, "cancelled", only_from="scheduled"):
        raise FlashSaleError(N_("Only a sale that has not started can be cancelled."))
    await c.flash_store.close(sale_id)
    await catalog.restore_stock(
        c.products, sale.product_id, sale.variant_id, sale.quantity, move_id=_move(sale_id, "cancel")
    )
    sale.status = "cancelled"
    return sale


async def end_sale(c, sale_id: str) -> int:
    """Ends the sale (the saq job at ends_at): closes Redis, returns the unsold units (allocated - sold in
    MongoDB) to the SKU's stock exactly once. -> units returned by this call (0 when already done)."""
    sale = await c.flash_sales.get(sale_id)
    if sale is None or sale.status == "cancelled":
        return 0
    await c.flash_sales.set_status(sale_id, "ended", only_from="scheduled")
    await c.flash_store.close(sale_id)
    sold = sum((await c.flash_sales.sold_by_user(sale_id)).values())
    unsold = sale.quantity - sold
    if unsold <= 0:
        return 0
    moved = await catalog.restore_stock(
        c.products, sale.product_id, sale.variant_id, unsold, move_id=_move(sale_id, "end")
    )
    return unsold if moved else 0


async def reconcile(c, sale_id: str, *, rebuild: bool = False) -> Figures:
    """Compare allocated with remaining + held + sold; rebuild Redis from MongoDB when it lost the sale
    (or `rebuild`): remaining = allocated - sold, holds dropped, user counts = their bought units."""
    sale = await get_sale(c, sale_id)
    by_user = await c.flash_sales.sold_by_user(sale_id)
    sold = sum(by_user.values())
    notes: list[str] = []
    figures = await c.flash_store.figures(sale_id)
    rebuilt = False
    open_sale = sale.status == "scheduled" and c.clock.now() < sale.ends_at
    if (figures is None or rebuild) and open_sale:
        if figures is not None:
            await c.flash_store.redis.delete(*c.flash_store.keys(sale_id))
        await c.flash_store.load(sale, remaining=max(sale.quantity - sold, 0), sold=sold, users=by_user)
        notes.append("Redis rebuilt from MongoDB")
        rebuilt = True
        figures = await c.flash_store.figures(sale_id)
    figures = figures or {"remaining": 0, "held": 0, "sold": sold}
    if figures["sold"] != sold:
        notes.append(f"Redis counts {figures['sold']} sold, MongoDB {sold}")
    drift = sale.quantity - (figures["remaining"] + figures["held"] + sold)
    if drift and open_sale:
        notes.append(f"{drift} units unaccounted" if drift > 0 else f"{-drift} units over-allocated")
    return Figures(
        allocated=sale.quantity,
        remaining=figures["remaining"],
        held=figures["held"],
        sold_redis=figures["sold"],
        sold=sold,
        drift=drift if open_sale else 0,
        rebuilt=rebuilt,
        notes=notes,
    )


async def expire_all_holds(c) -> int:
    """The minutely sweep: release expired holds of every open sale; end the sales whose end passed."""
    now = c.clock.now()
    total = 0
    for sale in await c.flash_sales.listing(now - timedelta(days=1)):
        if sale.ends_at <= now:
            await end_sale(c, sale.id)
        else:
            total += await c.flash_store.expire(sale.id, now)
    return total
