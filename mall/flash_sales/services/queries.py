"""Reading sales: the deals listing, one sale, live figures, reminders."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from mall.flash_sales.models import Figures, FlashSale, SaleState
from mall.flash_sales.services.common import NO_SUCH_SALE, FlashSaleError
from mall.flash_sales.services.pauses import closed_shops
from mall.infra.ids import is_id
from mall.infra.text import N_

PER_PAGE = 20


async def get_sale(c, sale_id: str, *, shop_id: str | None = None) -> FlashSale:
    """The sale (of `shop_id` only, when given); FlashSaleError 404 otherwise."""
    sale = await c.flash_sales.get(sale_id) if is_id(sale_id) else None
    if sale is None or (shop_id is not None and sale.shop_id != shop_id):
        raise FlashSaleError(NO_SUCH_SALE, 404)
    return sale


def is_public(sale: FlashSale, now) -> bool:
    """Shoppers see scheduled sales (upcoming, running, just ended), never pending, rejected or cancelled ones."""
    return sale.state(now) in (SaleState.UPCOMING, SaleState.RUNNING, SaleState.ENDED) and sale.status != "allocating"


async def list_sales(c) -> list[FlashSale]:
    """Sales running now and upcoming, soonest first (not those of a suspended shop: they are paused)."""
    sales = await c.flash_sales.listing(c.clock.now())
    closed = await closed_shops(c, [s.shop_id for s in sales])
    return [s for s in sales if s.shop_id not in closed]


async def public_sale(c, sale_id: str) -> FlashSale:
    """A sale shoppers may see (is_public, and its shop is not suspended); FlashSaleError 404 otherwise."""
    sale = await get_sale(c, sale_id)
    if not is_public(sale, c.clock.now()) or await closed_shops(c, [sale.shop_id]):
        raise FlashSaleError(NO_SUCH_SALE, 404)
    return sale


async def remaining(c, sale_id: str) -> int:
    figures = await c.flash_store.figures(sale_id)
    return figures["remaining"] if figures else 0


# A page kept for many (mall.storefront.freshness) is keyed by the remaining counts it was asked with; it must show
# exactly those, not ones read a moment later, or a count that went down and back up would find a page showing the
# count in between.
_as_of: ContextVar[dict[str, int | None] | None] = ContextVar("flash_counts_as_of", default=None)


@contextmanager
def counts_as_of(counts: dict[str, int | None]) -> Iterator[None]:
    """Within: remaining_many answers from `counts` (read once) for the sales it holds."""
    token = _as_of.set(counts)
    try:
        yield
    finally:
        _as_of.reset(token)


async def remaining_many(c, sale_ids: list[str]) -> dict[str, int]:
    known = _as_of.get()
    if known is not None and all(sale_id in known for sale_id in sale_ids):
        return {sale_id: known[sale_id] for sale_id in sale_ids if known[sale_id] is not None}
    return await c.flash_store.remaining_many(sale_ids)


async def remaining_as_stored(c, sale_ids: list[str]) -> dict[str, int | None]:
    """Each sale's remaining units as Redis has them (None: not loaded), in one round trip."""
    found = await c.flash_store.remaining_many(sale_ids)
    return {sale_id: found.get(sale_id) for sale_id in sale_ids}


async def remaining_now(c, sale_ids: list[str]) -> dict[str, int]:
    """Units left in each of these sales, from Redis alone (one round trip, shared with the crowd's): only sales
    shoppers may see are loaded there, and a paused one (its shop suspended) is left out, as its page is."""
    return await c.flash_store.remaining_shown(sale_ids)


async def live_figures(c, sale: FlashSale) -> Figures:
    """What a merchant or marketer watches while the sale runs (Redis only: cheap enough to refresh often)."""
    f = await c.flash_store.figures(sale.id) or {"remaining": 0, "held": 0, "sold": 0, "reserved": 0}
    return Figures(
        allocated=sale.quantity,
        remaining=f["remaining"],
        held=f["held"],
        sold_redis=f["sold"],
        sold=f["sold"],
        drift=0,
        reserved=f["reserved"],
    )


async def sales_page(c, *, shop_id: str | None = None, status: str | None = None, page: int = 1):
    """(sales, pages) newest start first; a shop's own, or every shop's (marketers, operators)."""
    sales, total = await c.flash_sales.page(shop_id=shop_id, status=status, page=page, per_page=PER_PAGE)
    return sales, max(1, -(-total // PER_PAGE))


async def remind(c, sale_id: str, user_id: str) -> bool:
    """Ask to be told when the sale opens (upcoming sales only). False when already asked."""
    sale = await get_sale(c, sale_id)
    if sale.state(c.clock.now()) is not SaleState.UPCOMING:
        raise FlashSaleError(N_("Only an upcoming sale has reminders."))
    return await c.flash_sales.remind(sale.id, user_id, c.clock.now())


async def forget_reminder(c, sale_id: str, user_id: str) -> bool:
    return await c.flash_sales.forget_reminder(sale_id, user_id)


async def reminded(c, user_id: str | None, sale_ids: list[str]) -> set[str]:
    return await c.flash_sales.reminded(user_id, sale_ids) if user_id and sale_ids else set()


async def reminder_count(c, sale_id: str) -> int:
    return await c.flash_sales.reminder_count(sale_id)


# --- the staff consoles (merchant, marketer, operator) ----------------------------------


async def sales_in_state(
    c, *, shop_id: str | None = None, state: str | None = None, page: int = 1, soonest_first: bool = False
) -> tuple[list[FlashSale], int]:
    """(sales, pages) in a state as people see it now (pending_approval, upcoming, running, ended, cancelled,
    rejected; None: all); a shop's own, or every shop's (marketers, operators)."""
    sales, total = await c.flash_sales.in_state(
        state, c.clock.now(), shop_id=shop_id, page=page, per_page=PER_PAGE, soonest_first=soonest_first
    )
    return sales, max(1, -(-total // PER_PAGE))


async def state_counts(c, *, shop_id: str | None = None) -> dict[str, int]:
    """How many sales are in each state now."""
    return await c.flash_sales.state_counts(c.clock.now(), shop_id=shop_id)


async def live_figures_many(c, sales: list[FlashSale]) -> dict[str, Figures]:
    """live_figures of a page of sales in one Redis round trip (sales Redis does not hold are left out)."""
    found = await c.flash_store.figures_many([s.id for s in sales])
    return {
        s.id: Figures(
            allocated=s.quantity,
            remaining=f["remaining"],
            held=f["held"],
            sold_redis=f["sold"],
            sold=f["sold"],
            drift=0,
            reserved=f["reserved"],
        )
        for s in sales
        if (f := found.get(s.id))
    }
