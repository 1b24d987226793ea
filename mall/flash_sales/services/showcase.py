"""What shoppers see of flash sales (read only): each public sale with its product, SKU, shop, normal
price and the units left, for the deals page, a sale's page, the home strip and product pages.

A sale whose product is delisted or whose shop is closed is not shown (the storefront hides them too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from mall.catalog import services as catalog
from mall.catalog.models import Product, Variant
from mall.flash_sales.models import FlashSale, SaleState
from mall.flash_sales.services.common import NO_SUCH_SALE, FlashSaleError
from mall.flash_sales.services.queries import get_sale, is_public, list_sales, remaining_many, reminded
from mall.shops import services as shops_services
from mall.shops.models import Shop


def epoch_ms(when: datetime) -> int:
    return int(when.astimezone(UTC).timestamp() * 1000)


@dataclass
class SaleCard:
    sale: FlashSale
    product: Product
    variant: Variant
    shop: Shop
    now: datetime
    remaining: int
    reminded: bool = False

    @property
    def state(self) -> SaleState:
        return self.sale.state(self.now)

    @property
    def phase(self) -> str:
        """upcoming | running | soldout | ended: what the page shows (flash.js recomputes it each second)."""
        if self.state is SaleState.RUNNING:
            return "running" if self.remaining > 0 else "soldout"
        return "upcoming" if self.state is SaleState.UPCOMING else "ended"

    @property
    def normal_price(self) -> int:
        return self.variant.price

    @property
    def percent_off(self) -> int:
        """Rounded down, so the saving is never overstated."""
        normal = self.variant.price
        return max(0, (normal - self.sale.price) * 100 // normal) if normal > 0 else 0

    @property
    def claimed_percent(self) -> int:
        """Share of the sale's units taken (reserved or sold)."""
        quantity = self.sale.quantity
        return min(100, max(0, (quantity - self.remaining) * 100 // quantity)) if quantity else 100

    @property
    def seconds_left(self) -> int:
        """Until the start (upcoming) or the end (running); 0 once over."""
        target = self.sale.starts_at if self.state is SaleState.UPCOMING else self.sale.ends_at
        return max(0, int(-(-(target - self.now).total_seconds() // 1)))

    @property
    def clock(self) -> dict[str, int]:
        """Epoch milliseconds for flash.js: the server's now, the start and the end."""
        return {"now": epoch_ms(self.now), "starts": epoch_ms(self.sale.starts_at), "ends": epoch_ms(self.sale.ends_at)}


async def cards(c, sales: list[FlashSale], *, user_id: str | None = None) -> list[SaleCard]:
    """The public ones of `sales`, in the same order, with their product, shop and units left."""
    now = c.clock.now()
    sales = [s for s in sales if is_public(s, now)]
    products = {p.id: p for p in await catalog.products_by_ids(c.products, [s.product_id for s in sales])}
    shops = await shops_services.shops_by_ids(c.shops, sorted({s.shop_id for s in sales}))
    left = await remaining_many(c, [s.id for s in sales])
    asked = await reminded(c, user_id, [s.id for s in sales])
    out = []
    for sale in sales:
        product, shop = products.get(sale.product_id), shops.get(sale.shop_id)
        variant = next((v for v in product.variants if v.id == sale.variant_id), None) if product else None
        if variant is None or shop is None or not shop.is_public:
            continue
        units = left.get(sale.id, sale.quantity)  # not in Redis: lost, and rebuilt on the next reservation
        out.append(SaleCard(sale, product, variant, shop, now, units, sale.id in asked))
    return out


async def deals(c, *, user_id: str | None = None) -> tuple[list[SaleCard], list[SaleCard]]:
    """(running now, upcoming), each soonest first."""
    shown = await cards(c, await list_sales(c), user_id=user_id)
    return [s for s in shown if s.state is SaleState.RUNNING], [s for s in shown if s.state is SaleState.UPCOMING]


async def sale_card(c, sale_id: str, *, user_id: str | None = None) -> SaleCard:
    """One public sale (upcoming, running or just ended); FlashSaleError 404 otherwise."""
    shown = await cards(c, [await get_sale(c, sale_id)], user_id=user_id)
    if not shown:
        raise FlashSaleError(NO_SUCH_SALE, 404)
    return shown[0]


async def for_product(c, product_id: str) -> SaleCard | None:
    """The sale to point out on a product's page: one running now, else the next to start."""
    shown = await cards(c, [s for s in await list_sales(c) if s.product_id == product_id])
    running = [s for s in shown if s.state is SaleState.RUNNING]
    return (running or shown or [None])[0]


@dataclass(frozen=True)
class FlashPrice:
    """What a listing card says of a product on a running flash sale: its sale price against the SKU's normal one."""

    price: int
    normal: int


async def flash_prices(c, products: list[Product]) -> dict[str, FlashPrice]:
    """product id -> its cheapest sale running now with units left, for listings (a card shows what a shopper
    pays today, not the normal price). One MongoDB query and one Redis read for a whole page."""
    by_id, now = {p.id: p for p in products}, c.clock.now()
    sales = [s for s in await list_sales(c) if s.product_id in by_id and s.state(now) is SaleState.RUNNING]
    left = await remaining_many(c, [s.id for s in sales]) if sales else {}
    found: dict[str, FlashPrice] = {}
    for sale in sorted((s for s in sales if left.get(s.id, s.quantity) > 0), key=lambda s: (-s.price, s.id)):
        variant = next((v for v in by_id[sale.product_id].variants if v.id == sale.variant_id), None)
        if variant is not None:
            found[sale.product_id] = FlashPrice(sale.price, max(variant.price, sale.price))
    return found
