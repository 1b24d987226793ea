"""When a kept storefront page stops being right, and so what its key carries.

1. Writes. Every write to a collection a storefront page shows bumps that collection's version (the database is
   watched: mall.infra.watch), and a write to one product also that product's version, so a product page is
   rendered again only when its own product changed (or several did at once). A page's key carries the versions
   of the collections it reads (`LISTING`, `PRODUCT`, ...): a product edit, a stock move (so a sale that crosses
   "sold out"), new sold counts or ratings, a shop suspended, a promotion paused are on the next request.
2. Time. A price changes by itself when a limited-time discount, a coupon, a campaign or a flash sale starts or
   ends. Every such instant (`edges`, read once per version of those collections) bounds the window an entry is
   right in: an entry rendered before an edge is never served at or after it, nor before the edge before it.
   Day-based figures (a shop's ratings over 180 days) move at midnight UTC, which bounds every window too.
3. Flash-sale stock lives in Redis (a reservation is one script there): the remaining units of the sales on show
   are read with each request and are part of the key, and the page is rendered from exactly those counts."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mall.flash_sales.services import queries as flash
from mall.infra.pagestore import Coalesced
from mall.promotions.services import shelf

CATALOG = ("products", "categories", "attribute_sets")
SHOPS = ("shops", "shop_health", "review_days", "review_shop_ratings")
DEALS = ("shop_promotions", "campaigns", "campaign_entries", "flash_sales")
REVIEWS = ("reviews", "review_votes", "review_product_figures")
EDGES = ("shop_promotions", "coupons", "campaigns", "flash_sales", "shops")
WATCHED = frozenset({*CATALOG, *SHOPS, *DEALS, *REVIEWS, *EDGES, "flash_reminders"})
ONE_BY_ONE = frozenset({"products"})  # a write to one of these also bumps "<collection>:<id>"

LISTING = (*CATALOG, *SHOPS, *DEALS)  # home, search, categories, a shop's page (coupons show on product pages only)
FLASH_PAGES = ("products", "shops", "flash_sales", "flash_reminders")  # /deals and a sale's page


def product_deps(product_id: str) -> tuple[str, ...]:
    """A product page: its own product (and writes to several at once), its shop, its deals, coupons, reviews."""
    return (f"products:{product_id}", "products:*", "attribute_sets", *SHOPS, *DEALS, "coupons", *REVIEWS)


def written(collection: str, document_id) -> list[str]:
    """The versions a write to `collection` (aimed at `document_id`, None: at several) makes obsolete."""
    if collection not in ONE_BY_ONE:
        return [collection]
    return [collection, f"{collection}:{document_id}" if document_id is not None else f"{collection}:*"]


# --- time ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edges:
    """Instants at which shelf prices may change by themselves, all shops' and each shop's (sorted)."""

    everywhere: list[datetime]
    by_shop: dict[str | None, list[datetime]]

    def window(self, now: datetime, shop_id: str | None = None) -> tuple[datetime | None, datetime | None]:
        """(the last edge at or before now, the first after it), for one shop's page or (None) for all shops'."""
        if shop_id is None:
            instants = self.everywhere
        else:
            instants = sorted({*self.by_shop.get(shop_id, ()), *self.by_shop.get(None, ())})
        at = bisect.bisect_right(instants, now)
        return (instants[at - 1] if at else None), (instants[at] if at < len(instants) else None)


async def edges_now(c) -> Edges:
    found = [*await shelf.price_edges(c)]
    for sale in await flash.list_sales(c):
        found += [(sale.starts_at, sale.shop_id), (sale.ends_at, sale.shop_id)]
    by_shop: dict[str | None, set[datetime]] = {}
    for instant, shop_id in found:
        by_shop.setdefault(shop_id, set()).add(instant)
    return Edges(sorted({instant for instant, _ in found}), {k: sorted(v) for k, v in by_shop.items()})


def day_window(now: datetime) -> tuple[datetime, datetime]:
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def window(edges: Edges, now: datetime, shop_id: str | None = None) -> tuple[datetime, datetime]:
    """The instants between which what a page shows cannot change by itself."""
    day_start, day_end = day_window(now)
    last, following = edges.window(now, shop_id)
    return max(day_start, last or day_start), min(day_end, following or day_end)


class Memo:
    """What is worked out once per version of the collections it comes from (per worker), and the flash-sale
    counts that requests arriving together read at once."""

    def __init__(self, c) -> None:
        self.key: tuple | None = None
        self.since: datetime | None = None
        self.edges: Edges | None = None
        self.sales: list = []
        self.counts = Coalesced(lambda sale_ids: flash.remaining_as_stored(c, sale_ids))

    async def current(self, c, key: tuple) -> Memo:
        now = c.clock.now()
        if key != self.key or now < self.since:  # (a clock set back would need edges already left behind)
            self.edges = await edges_now(c)
            self.sales = await flash.list_sales(c)
            self.key, self.since = key, now
        return self


def memo_of(c) -> Memo:
    if c.pages.memo is None:
        c.pages.memo = Memo(c)
    return c.pages.memo


async def on_show(c, versions: tuple) -> Memo:
    """Edges and the sales on show, as of these versions (epoch, then EDGES', read by the page about to be served)."""
    return await memo_of(c).current(c, versions)


async def flash_counts(c, sale_ids: list[str]) -> dict[str, int | None]:
    """Remaining units of these sales (None: not in Redis), read together with other requests' counts."""
    if not sale_ids:
        return {}
    found = await memo_of(c).counts.get(sale_ids)
    return {sale_id: found.get(sale_id) for sale_id in sale_ids}


counts_as_of = flash.counts_as_of
