"""Placing a checkout: one payment for the whole cart, one order per shop.

Prices, totals and shops come from the database, never from the request.
The writes are ordered so a crash anywhere is repaired, with no transaction:
1. the checkout is inserted as RESERVING, locked, with every line's intent (unique
   (user, idempotency key): a retry finds it instead of making a second one);
2. the expiry job is scheduled (it repairs whatever is left behind);
3. stock is taken line by line (see stock.py); a short line puts back what was taken;
4. the orders are inserted under ids fixed in step 1; the payment is started (one per checkout);
5. the checkout becomes PENDING_PAYMENT.
A retry with the same key waits for the first attempt, or takes over if it died."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from mall.cart import services as cart_services
from mall.catalog import services as catalog
from mall.infra.ids import new_id
from mall.orders.models import (
    NUMBER_ALPHABET,
    Action,
    Actor,
    Checkout,
    CheckoutItem,
    CheckoutStatus,
    Order,
    OrderStatus,
    ShopPart,
    checkout_number,
    order_number,
)
from mall.orders.repository import DuplicateCheckout
from mall.orders.services import stock
from mall.orders.services.addresses import AddressFields, get_address
from mall.orders.services.errors import (
    CartNotReady,
    EmptyCart,
    KeyReused,
    NotFound,
    OutOfStock,
    PricesChanged,
    UnknownShopNote,
)
from mall.orders.services.schedule import entry, schedule
from mall.orders.services.shipping import templates_for
from mall.payments import services as payments
from mall.shops import services as shops_services

NUMBER_ATTEMPTS = 5
Live = (CheckoutStatus.RESERVING, CheckoutStatus.PENDING_PAYMENT)


@dataclass
class Placed:
    """A checkout with its orders and their shops, as the shopper sees it."""

    checkout: Checkout
    orders: list[Order]
    shops: dict  # shop id -> Shop


def body_hash(address: AddressFields | str, notes: dict[str, str]) -> str:
    """What a repeated request must match: the same address choice and notes."""
    chosen = address if isinstance(address, str) else asdict(address)
    canonical = json.dumps({"address": chosen, "notes": notes}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def place_checkout(
    c, *, user_id: str, cart, key: str, address: AddressFields | str, notes: dict[str, str]
) -> Placed:
    """Reserve the cart's stock and open its orders; the same `key` again gives the same checkout.

    `address`: a saved address id or new address fields. Raises EmptyCart, CartNotReady,
    PricesChanged, UnknownShopNote, NotFound (address), OutOfStock, KeyReused, Busy."""
    digest = body_hash(address, notes)
    existing = await c.checkouts.by_key(user_id, key)
    if existing is not None:
        return await _replay(c, existing, digest)
    snapshot = await _address(c, user_id, address)
    view = await cart_services.view(cart, c.products, c.shops)
    _check(view, notes)
    checkout = await _draft(c, user_id, key, digest, snapshot, view, notes)
    token, until = stock.new_lock(c)
    for _ in range(NUMBER_ATTEMPTS):
        try:
            await c.checkouts.add(checkout, lock_token=token, lock_until=until)
            break
        except DuplicateCheckout:
            existing = await c.checkouts.by_key(user_id, key)
            if existing is not None:
                return await _replay(c, existing, digest)
            checkout = _renumbered(c, checkout)  # another checkout drew the same number
    else:
        raise DuplicateCheckout()
    await schedule(c, "expire_checkout", checkout.expires_at, f"expire:{checkout.id}", checkout_id=checkout.id)
    async with stock.locked(c, checkout.id, token=token) as locked:
        placed = await complete(c, locked)
    await cart_services.remove_lines(cart, [v.line.id for v in view.lines])
    return placed


def _check(view, notes: dict[str, str]) -> None:
    if not view.lines:
        raise EmptyCart()
    if not view.ready:
        raise CartNotReady(view)
    if any(v.problems for v in view.lines):
        raise PricesChanged(view)  # shown (and remembered as seen) now; placing again goes through
    if set(notes) - {group.shop.id for group in view.groups}:
        raise UnknownShopNote()


async def _address(c, user_id: str, address: AddressFields | str) -> dict:
    if isinstance(address, str):
        return (await get_address(c.addresses, user_id, address)).snapshot()
    return asdict(address)


async def _draft(c, user_id: str, key: str, digest: str, address: dict, view, notes: dict[str, str]) -> Checkout:
    now = c.clock.now()
    number = _new_number(c)
    templates = await templates_for(c.shipping, [group.shop.id for group in view.groups])
    parts, items = [], []
    for index, group in enumerate(view.groups, start=1):
        shop_id = group.shop.id
        fee = templates[shop_id].fee_for(group.subtotal, address["region"])
        note = notes.get(shop_id, "")
        parts.append(ShopPart(shop_id, new_id(), order_number(number, index), group.subtotal, fee, note))
        items += [_item(shop_id, v, now) for v in group.lines]
    return Checkout(
        id=new_id(),
        number=number,
        user_id=user_id,
        status=CheckoutStatus.RESERVING,
        idempotency_key=key,
        body_hash=digest,
        address=address,
        items=items,
        parts=parts,
        total=sum(part.total for part in parts),
        currency=c.settings.currency,
        created_at=now,
        expires_at=now + timedelta(minutes=c.settings.checkout_expiry_minutes),
    )


def _item(shop_id: str, view, now) -> CheckoutItem:
    product, variant = view.product, view.variant
    return CheckoutItem(
        product_id=product.id,
        variant_id=variant.id,
        shop_id=shop_id,
        sku=variant.sku,
        name=dict(product.name),
        options=dict(variant.options),
        unit_price=variant.price,
        qty=view.line.qty,
        image=product.images[0] if product.images else None,
        moving_since=now,
    )


def _new_number(c) -> str:
    day = c.clock.now().astimezone(ZoneInfo(c.settings.timezone)).strftime("%Y%m%d")
    return checkout_number(day, "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(5)))


def _renumbered(c, checkout: Checkout) -> Checkout:
    checkout.number = _new_number(c)
    for index, part in enumerate(checkout.parts, start=1):
        part.order_number = order_number(checkout.number, index)
    return checkout


async def _replay(c, checkout: Checkout, digest: str) -> Placed:
    if checkout.body_hash != digest:
        raise KeyReused()
    if checkout.status is CheckoutStatus.RESERVING:
        async with stock.locked(c, checkout.id) as current:  # waits for the first attempt, or takes over
            return await complete(c, current)
    if checkout.status is CheckoutStatus.FAILED:
        raise OutOfStock(checkout.short["name"], checkout.short["available"])
    return await placed(c, checkout)


async def complete(c, checkout: Checkout) -> Placed:
    """Steps 3-5 for a RESERVING checkout whose lock we hold (first attempt or a takeover)."""
    if checkout.status is CheckoutStatus.FAILED:
        raise OutOfStock(checkout.short["name"], checkout.short["available"])
    if checkout.status is not CheckoutStatus.RESERVING:
        return await placed(c, checkout)
    for n in range(len(checkout.items)):
        if not await stock.take(c, checkout, n):
            await _fail(c, checkout, n)
    await create_orders(c, checkout)
    payment = await payments.start_payment(
        c.payments,
        c.clock,
        c.settings,
        checkout_id=checkout.id,
        amount=checkout.total,
        currency=checkout.currency,
        user_id=checkout.user_id,
        return_url=f"/checkouts/{checkout.id}",
        checkout_number=checkout.number,
    )
    changes = {"status": CheckoutStatus.PENDING_PAYMENT, "payment_id": payment.id, "payment_url": payment.redirect_url}
    moved = await c.checkouts.transition(checkout.id, (CheckoutStatus.RESERVING,), changes)
    return await placed(c, moved or await c.checkouts.get(checkout.id))


async def _fail(c, checkout: Checkout, n: int) -> None:
    item = checkout.items[n]
    await stock.give_back_all(c, checkout)
    short = {"name": item.name, "available": await _available(c, item)}
    await c.checkouts.transition(
        checkout.id, (CheckoutStatus.RESERVING,), {"status": CheckoutStatus.FAILED, "short": short}
    )
    raise OutOfStock(item.name, short["available"])


async def _available(c, item: CheckoutItem) -> int:
    found = await catalog.products_by_ids(c.products, [item.product_id])
    variant = next((v for p in found for v in p.variants if v.id == item.variant_id), None)
    return variant.stock if variant else 0


async def create_orders(c, checkout: Checkout) -> None:
    """One order per shop, under the ids fixed in the checkout (a repeat is a no-op)."""
    for part in checkout.parts:
        lines = [item.order_line() for _n, item in checkout.items_of(part.shop_id)]
        order = Order(
            id=part.order_id,
            number=part.order_number,
            checkout_id=checkout.id,
            user_id=checkout.user_id,
            shop_id=part.shop_id,
            lines=lines,
            subtotal=part.subtotal,
            shipping_fee=part.shipping_fee,
            total=part.total,
            currency=checkout.currency,
            status=OrderStatus.PENDING_PAYMENT,
            address=dict(checkout.address),
            note=part.note,
            created_at=checkout.created_at,
            timeline=[entry(c, Actor.SHOPPER, Action.PLACE, actor_id=checkout.user_id)],
        )
        await c.orders.add(order)


async def placed(c, checkout: Checkout) -> Placed:
    orders = await c.orders.of_checkout(checkout.id)
    shops = await shops_services.shops_by_ids(c.shops, [part.shop_id for part in checkout.parts])
    return Placed(checkout, orders, shops)


async def checkout_for_user(c, *, user_id: str, checkout_id: str) -> Placed:
    checkout = await c.checkouts.get(checkout_id)
    if checkout is None or checkout.user_id != user_id or checkout.status is CheckoutStatus.FAILED:
        raise NotFound()
    return await placed(c, checkout)
