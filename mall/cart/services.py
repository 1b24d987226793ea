"""The cart: add, change, remove, and see it checked against the catalog.

Every view re-reads prices and stock; what changed since the shopper last looked
is reported on the line (price moved, only N left, no longer available), and
the prices shown are remembered as seen. A guest's cart lives in the session
and is merged into the shopper's own cart at sign-in."""

from __future__ import annotations

from collections.abc import MutableMapping

from mall.cart.models import CartLine, CartView, LineView, Problem, ShopGroup
from mall.cart.repository import SESSION_KEY, Busy, CartFull, CartRepository, CartStore, SessionCart
from mall.catalog import services as catalog
from mall.infra.ids import is_id
from mall.shops import services as shops_services

__all__ = ["Busy", "CartFull", "NotAvailable", "NotFound", "store_for"]


class NotAvailable(Exception):
    """The product or variant cannot be bought (unknown, delisted, shop closed, sold out)."""


class NotFound(Exception):
    """No such line in this cart."""


def store_for(carts: CartRepository, session: MutableMapping | None, user_id: str | None) -> CartStore:
    """The signed-in shopper's cart, or the guest cart in the session."""
    if user_id:
        return carts.for_user(user_id)
    return SessionCart(session if session is not None else {})


async def add_item(store: CartStore, products, *, product_id: str, variant_id: str, qty: int) -> CartLine:
    """Put `qty` of a variant in the cart (added to its line if already there)."""
    product = await catalog.get_public_product(products, product_id)
    variant = next((v for v in product.variants if v.id == variant_id), None) if product else None
    if variant is None or variant.stock <= 0:
        raise NotAvailable()
    return await store.add(product.id, variant.id, qty, variant.price)


async def change_qty(store: CartStore, line_id: str, qty: int) -> None:
    if not await store.set_qty(line_id, qty):
        raise NotFound()


async def remove_item(store: CartStore, line_id: str) -> None:
    if not await store.remove([line_id]):
        raise NotFound()


async def count(store: CartStore) -> int:
    return sum(line.qty for line in await store.lines())


GUEST_CART = SESSION_KEY  # the session entry that holds a guest's cart


async def badge_count(carts: CartRepository, user_id: str | None, guest_cart) -> int:
    """Units in the signed-in shopper's cart, or in a guest's (`guest_cart`: the session's GUEST_CART entry)."""
    return await count(store_for(carts, {SESSION_KEY: guest_cart or []}, user_id))


async def view(store: CartStore, products, shops, *, remember_prices: bool = True) -> CartView:
    """The cart checked against the catalog now, grouped by shop (in the order shops were added).

    `remember_prices`: the prices shown become the prices seen, so a change is reported once."""
    lines = await store.lines()
    found = {p.id: p for p in await catalog.products_by_ids(products, [line.product_id for line in lines])}
    open_shops = {
        shop_id: shop
        for shop_id, shop in (await shops_services.shops_by_ids(shops, [p.shop_id for p in found.values()])).items()
        if shop.is_public
    }
    groups: dict[str | None, list[LineView]] = {}
    for line in lines:
        product = found.get(line.product_id)
        shop_id = product.shop_id if product and product.shop_id in open_shops else None
        groups.setdefault(shop_id, []).append(check_line(line, product if shop_id else None))
    if remember_prices:  # written only when a price moved: looking at a cart changes nothing otherwise
        moved = {v.line.id: v.price for vs in groups.values() for v in vs if v.variant and v.price != v.line.price_seen}
        await store.mark_seen(moved)
    return CartView([ShopGroup(open_shops.get(shop_id), views) for shop_id, views in groups.items()])


def check_line(line: CartLine, product) -> LineView:
    """What is true of `line` now; `product` is None when it can no longer be bought at all."""
    variant = next((v for v in product.variants if v.id == line.variant_id), None) if product else None
    if variant is None or variant.stock <= 0:
        return LineView(line, product, variant, price=0, available=0, problems=[Problem.UNAVAILABLE])
    problems = []
    if variant.stock < line.qty:
        problems.append(Problem.LOW_STOCK)
    if variant.price != line.price_seen:
        problems.append(Problem.PRICE_CHANGED)
    return LineView(line, product, variant, price=variant.price, available=variant.stock, problems=problems)


async def merge_guest_cart(carts: CartRepository, session: MutableMapping, user_id: str) -> int:
    """Move the session's guest cart into the user's cart (quantities add up); lines moved.

    Call right after signing in. Lines that no longer fit (cart full) are dropped."""
    guest = SessionCart(session).take_all()
    mine = carts.for_user(user_id)
    moved = 0
    for line in guest:
        if not (is_id(line.product_id) and line.qty > 0):
            continue
        try:
            await mine.add(line.product_id, line.variant_id, line.qty, line.price_seen)
        except CartFull:
            break
        moved += 1
    return moved


async def remove_lines(store: CartStore, line_ids: list[str]) -> None:
    """Drop lines once they are bought."""
    await store.remove(line_ids)
