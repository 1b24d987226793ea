"""The checkout of a flash-sale reservation (/checkout?reservation=<id>): the cart's checkout page
showing the one reserved line at the sale price, and the page for a reservation that is gone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sanic import Request

from mall.cart.models import CartLine, CartView, LineView, ShopGroup
from mall.catalog import services as catalog
from mall.flash_sales import services as flash
from mall.flash_sales.models import FlashSale, parse_reservation
from mall.shops import services as shops
from mall.web.templating import render


@dataclass
class Reserved:
    """What the checkout page shows of a live reservation: the line as a cart view, and its deadline."""

    reservation: str
    sale: FlashSale
    view: CartView
    expires_at: datetime
    now: datetime

    @property
    def seconds_left(self) -> int:
        return max(0, int(-(-(self.expires_at - self.now).total_seconds() // 1)))

    @property
    def clock(self) -> dict[str, int]:
        return {"now": _ms(self.now), "ends": _ms(self.expires_at)}


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


async def reserved(c, user_id: str, reservation) -> Reserved | None:
    """The user's own live reservation, or None (expired, used and paid, someone else's, malformed)."""
    held = await flash.hold(c, reservation) if isinstance(reservation, str) else None
    if held is None or held.user_id != user_id or held.expires_at <= c.clock.now():
        return None  # (an expired hold stays readable until a sweep or a reservation releases it)
    try:
        sale = await flash.get_sale(c, held.sale_id)
    except flash.FlashSaleError:
        return None
    product = next(iter(await catalog.products_by_ids(c.products, [sale.product_id])), None)
    variant = next((v for v in product.variants if v.id == sale.variant_id), None) if product else None
    shop = await shops.get_shop(c.shops, sale.shop_id)
    if variant is None or shop is None:
        return None
    line = CartLine(id=reservation, product_id=product.id, variant_id=variant.id, qty=held.qty, price_seen=sale.price)
    view = CartView([ShopGroup(shop, [LineView(line, product, variant, price=sale.price, available=held.qty)])])
    return Reserved(reservation, sale, view, held.expires_at, c.clock.now())


async def gone(request: Request, reservation) -> object:
    """Expired, used or not this shopper's, or its sale paused (the shop is suspended): say which, kindly."""
    parsed = parse_reservation(reservation)
    paused = False
    if parsed:
        c = request.app.ctx.c
        try:
            paused = await flash.is_paused(c, await flash.get_sale(c, parsed[0]))
        except flash.FlashSaleError:
            parsed = None
    sale_id = parsed[0] if parsed and not paused else None
    return await render(request, "flash_sales/reservation_gone.html", sale_id=sale_id, paused=paused, status=409)
