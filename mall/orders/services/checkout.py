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
from mall.flash_sales import services as flash
from mall.infra.ids import new_id
from mall.orders.models import (
    NUMBER_ALPHABET,
    Action,
    Actor,
    Checkout,
    CheckoutItem,
    CheckoutStatus,
    CouponUse,
    Order,
    OrderStatus,
    ShopPart,
    checkout_number,
    order_number,
)
from mall.orders.repository import DuplicateCheckout
from mall.orders.services import coupon_ledger, pricing, stock
from mall.orders.services.addresses import AddressFields, get_address
from mall.orders.services.errors import (
    CartNotReady,
    CouponNotUsable,
    CouponUsedUp,
    EmptyCart,
    KeyReused,
    NotFound,
    OutOfStock,
    PricesChanged,
    ReservationGone,
    SalePaused,
    TotalChanged,
    UnknownShopNote,
)
from mall.orders.services.schedule import entry, schedule
from mall.orders.services.shipping import templates_for
from mall.payments import services as payments
from mall.promotions import services as promotions
from mall.shops import services as shops_services

NUMBER_ATTEMPTS = 5
Live = (CheckoutStatus.RESERVING, CheckoutStatus.PENDING_PAYMENT)


@dataclass
class Placed:
    """A checkout with its orders and their shops, as the shopper sees it."""

    checkout: Checkout
    orders: list[Order]
    shops: dict  # shop id -> Shop


def body_hash(
    address: AddressFields | str, notes: dict[str, str], reservation: str | None = None, codes: tuple = ()
) -> str:
    """What a repeated request must match: the same address choice and notes (and reservation, coupons)."""
    chosen = address if isinstance(address, str) else asdict(address)
    body = {"address": chosen, "notes": notes, **({"reservation": reservation} if reservation else {})}
    if codes:
        body["coupons"] = sorted(codes)
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def place_checkout(
    c,
    *,
    user_id: str,
    cart,
    key: str,
    address: AddressFields | str,
    notes: dict[str, str],
    codes: tuple[str, ...] = (),
    expected_total: int | None = None,
) -> Placed:
    """Reserve the cart's stock and coupon uses and open its orders, priced by the promotions' engine;
    the same `key` again gives the same checkout.

    `address`: a saved address id or new address fields; `codes`: the coupons chosen; `expected_total`:
    what the shopper was shown (a promotion that started or ended since makes it TotalChanged).
    Raises EmptyCart, CartNotReady, PricesChanged, TotalChanged, CouponNotUsable, CouponUsedUp,
    UnknownShopNote, NotFound (address), OutOfStock, KeyReused, Busy."""
    codes = tuple(dict.fromkeys(code for code in (promotions.normalize_code(x) for x in codes) if code))
    digest = body_hash(address, notes, codes=codes)
    existing = await c.checkouts.by_key(user_id, key)
    if existing is not None:
        return await _replay(c, existing, digest)
    snapshot = await _address(c, user_id, address)
    view = await cart_services.view(cart, c.products, c.shops)
    _check(view, notes)
    found = await pricing.quote_cart(c, view, user_id=user_id, region=snapshot["region"], codes=codes)
    if problems := pricing.problems(found):
        raise CouponNotUsable(problems)
    if expected_total is not None and expected_total != found.priced.total:
        raise TotalChanged(found.priced.total)
    checkout = await _draft(c, user_id, key, digest, snapshot, view, notes, found.priced)
    placed, fresh = await _place(c, checkout)
    if fresh:
        await cart_services.remove_lines(cart, [v.line.id for v in view.lines])
    return placed


async def place_flash_checkout(
    c, *, user_id: str, reservation: str, key: str, address: AddressFields | str, notes: dict[str, str]
) -> Placed:
    """Buy a flash-sale reservation (instead of the cart): one line at the sale price, paid within the hold.

    One checkout per reservation: placing it again (any key) gives the same checkout. Raises
    ReservationGone (expired, not yours), SalePaused (its shop is suspended), UnknownShopNote, NotFound (address),
    KeyReused, Busy."""
    digest = body_hash(address, notes, reservation)
    existing = await c.checkouts.by_key(user_id, key)
    if existing is not None:
        return await _replay(c, existing, digest)
    held = await flash.hold(c, reservation)
    if held is None or held.user_id != user_id:
        raise ReservationGone()
    if held.claimed_by:
        return await _claimed(c, user_id, held.claimed_by)
    sale = await flash.get_sale(c, held.sale_id)
    if await flash.is_paused(c, sale):
        raise SalePaused()
    product = next(iter(await catalog.products_by_ids(c.products, [sale.product_id])), None)
    variant = next((v for v in product.variants if v.id == sale.variant_id), None) if product else None
    if variant is None:
        raise ReservationGone()
    if set(notes) - {sale.shop_id}:
        raise UnknownShopNote()
    snapshot = await _address(c, user_id, address)
    now = c.clock.now()
    number = _new_number(c)
    subtotal = sale.price * held.qty
    fee = (await templates_for(c.shipping, [sale.shop_id]))[sale.shop_id].fee_for(subtotal, snapshot["region"])
    item = _line(sale.shop_id, product, variant, sale.price, held.qty, now)
    item.flash_sale_id, item.hold_id = sale.id, held.hold_id
    part = ShopPart(sale.shop_id, new_id(), order_number(number, 1), subtotal, fee, notes.get(sale.shop_id, ""))
    checkout = Checkout(
        id=new_id(),
        number=number,
        user_id=user_id,
        status=CheckoutStatus.RESERVING,
        idempotency_key=key,
        body_hash=digest,
        address=snapshot,
        items=[item],
        parts=[part],
        total=part.total,
        currency=c.settings.currency,
        created_at=now,
        expires_at=min(now + timedelta(minutes=c.settings.checkout_expiry_minutes), held.expires_at),
    )
    placed, _fresh = await _place(c, checkout)
    return placed


async def _claimed(c, user_id: str, checkout_id: str) -> Placed:
    """The reservation is already in a checkout: that one, if it is this shopper's and still stands."""
    checkout = await c.checkouts.get(checkout_id)
    if checkout is None or checkout.user_id != user_id or checkout.status is CheckoutStatus.FAILED:
        raise ReservationGone()
    return await placed(c, checkout)


async def _place(c, checkout: Checkout) -> tuple[Placed, bool]:
    """Insert the draft already locked, schedule its expiry, take its units. (placed, False) when a
    concurrent request with the same key got there first (its checkout is returned)."""
    token, until = stock.new_lock(c)
    for _ in range(NUMBER_ATTEMPTS):
        try:
            await c.checkouts.add(checkout, lock_token=token, lock_until=until)
            break
        except DuplicateCheckout:
            existing = await c.checkouts.by_key(checkout.user_id, checkout.idempotency_key)
            if existing is not None:
                return await _replay(c, existing, checkout.body_hash), False
            checkout = _renumbered(c, checkout)  # another checkout drew the same number
    else:
        raise DuplicateCheckout()
    await schedule(c, "expire_checkout", checkout.expires_at, f"expire:{checkout.id}", checkout_id=checkout.id)
    async with stock.locked(c, checkout.id, token=token) as locked:
        return await complete(c, locked), True


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


async def _draft(c, user_id, key, digest, address: dict, view, notes: dict[str, str], priced) -> Checkout:
    now = c.clock.now()
    number = _new_number(c)
    parts, items = [], []
    for index, group in enumerate(view.groups, start=1):
        shop = priced.shop(group.shop.id)
        applied = [a for a in priced.applied if a.shop_id == shop.shop_id]
        parts.append(
            ShopPart(
                shop.shop_id, new_id(), order_number(number, index), shop.subtotal, shop.shipping_fee,
                notes.get(shop.shop_id, ""), shop.discount, shop.shipping_discount, pricing.applied_dicts(applied),
            )
        )  # fmt: skip
        for v in group.lines:
            item = _item(shop.shop_id, v, now)
            line = priced.line(v.line.id)
            item.discount, item.allocations = line.discount, pricing.allocation_dicts(line)
            items.append(item)
    platform = pricing.applied_dicts([a for a in priced.applied if a.shop_id is None])
    for part in parts:  # a platform promotion shows on each order it discounted, with that order's share
        share: dict[str, int] = {}
        for item in items:
            for a in item.allocations if item.shop_id == part.shop_id else ():
                share[a["promotion_id"]] = share.get(a["promotion_id"], 0) + a["amount"]
        part.applied += [{**a, "amount": share[a["promotion_id"]]} for a in platform if a["promotion_id"] in share]
    coupons = [
        CouponUse(a.promotion_id, a.detail.code or "", a.shop_id)
        for a in priced.applied
        if str(a.kind) in pricing.COUPON_KINDS
    ]
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
        coupons=coupons,
    )


def _item(shop_id: str, view, now) -> CheckoutItem:
    return _line(shop_id, view.product, view.variant, view.variant.price, view.line.qty, now)


def _line(shop_id: str, product, variant, unit_price: int, qty: int, now) -> CheckoutItem:
    return CheckoutItem(
        product_id=product.id,
        variant_id=variant.id,
        shop_id=shop_id,
        sku=variant.sku,
        name=dict(product.name),
        options=dict(variant.options),
        unit_price=unit_price,
        qty=qty,
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
        raise _short(checkout)
    return await placed(c, checkout)


def _short(checkout: Checkout) -> Exception:
    """Why a FAILED checkout failed, as the exception its first attempt raised."""
    if checkout.short.get("flash"):
        return ReservationGone()
    if checkout.short.get("coupon"):
        return CouponUsedUp(checkout.short["coupon"])
    return OutOfStock(checkout.short["name"], checkout.short["available"])


async def complete(c, checkout: Checkout) -> Placed:
    """Steps 3-5 for a RESERVING checkout whose lock we hold (first attempt or a takeover)."""
    if checkout.status is CheckoutStatus.FAILED:
        raise _short(checkout)
    if checkout.status is not CheckoutStatus.RESERVING:
        return await placed(c, checkout)
    for n in range(len(checkout.items)):
        if not await stock.take(c, checkout, n):
            await _fail(c, checkout, n)
    if code := await coupon_ledger.take_all(c, checkout):
        await _fail_coupon(c, checkout, code)
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
    await coupon_ledger.give_back_all(c, checkout)
    if item.flash_sale_id:
        short = {"name": item.name, "available": 0, "flash": True}
    else:
        short = {"name": item.name, "available": await _available(c, item)}
    await c.checkouts.transition(
        checkout.id, (CheckoutStatus.RESERVING,), {"status": CheckoutStatus.FAILED, "short": short}
    )
    raise ReservationGone() if item.flash_sale_id else OutOfStock(item.name, short["available"])


async def _fail_coupon(c, checkout: Checkout, code: str) -> None:
    await stock.give_back_all(c, checkout)
    await coupon_ledger.give_back_all(c, checkout)
    changes = {"status": CheckoutStatus.FAILED, "short": {"coupon": code}}
    await c.checkouts.transition(checkout.id, (CheckoutStatus.RESERVING,), changes)
    raise CouponUsedUp(code)


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
            discount=part.discount,
            shipping_discount=part.shipping_discount,
            applied=[dict(a) for a in part.applied],
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
