"""A checkout's stock ledger: which units each line holds, each move applied exactly once.

Never oversold: a take is ONE conditional update on the product (`stock >= qty`).
No unit lost, with no multi-document transaction:
- every operation that moves a checkout's stock holds the checkout's lock (a lease
  stored in the checkout, so it survives the process that took it);
- a line's intent (TAKING / RETURNING and a move number) is written before the product
  changes, and the product records the move id in the same update as the stock change;
- whoever takes over a lock that was never released reads those records and settles
  every half-done move (`recover`)."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from datetime import timedelta

from mall.catalog import services as catalog
from mall.infra.ids import new_id
from mall.orders.models import Checkout, CheckoutItem, SaleState, StockState
from mall.orders.services import alerts, coupon_ledger, flash_lines
from mall.orders.services.errors import Busy

log = logging.getLogger("mall.orders")
LEASE = timedelta(seconds=60)
WAIT_ROUNDS = 100  # x WAIT_STEP seconds: how long a caller waits for a busy checkout
WAIT_STEP = 0.05


def move_id(checkout_id: str, n: int, move: int) -> str:
    return f"{checkout_id}:{n}:{move}"


def new_lock(c) -> tuple[str, object]:
    """(token, lease end) for a checkout created already locked."""
    return new_id(), c.clock.now() + LEASE


@asynccontextmanager
async def locked(c, checkout_id: str, *, token: str | None = None):
    """Hold the checkout's lock; yields the checkout (None when it does not exist).

    With `token`, the caller already holds the lock (it created the checkout)."""
    if token is None:
        token, checkout = await _acquire(c, checkout_id)
        if checkout is None:
            yield None
            return
    else:
        checkout = await c.checkouts.get(checkout_id)
    try:
        yield checkout
    finally:
        await c.checkouts.unlock(checkout_id, token)


async def _acquire(c, checkout_id: str) -> tuple[str, Checkout | None]:
    token = new_id()
    for _ in range(WAIT_ROUNDS):
        now = c.clock.now()
        checkout, abandoned = await c.checkouts.lock(checkout_id, token, now, now + LEASE)
        if checkout is not None:
            if abandoned:
                checkout = await recover(c, checkout)
            return token, checkout
        if not await c.checkouts.exists(checkout_id):
            return token, None
        await asyncio.sleep(WAIT_STEP)
    raise Busy()


async def set_item(c, checkout: Checkout, n: int, changes: dict) -> CheckoutItem:
    """Change line `n` (we hold the lock, so it is as we last saw it) and return it."""
    item = checkout.items[n]
    if not await c.checkouts.move_item(checkout.id, n, item, changes):
        raise Busy()  # the lease ran out and someone else took over
    for key, value in changes.items():
        setattr(item, key, value)
    return item


async def take(c, checkout: Checkout, n: int) -> bool:
    """Hold line `n`'s units (a flash-sale line claims its hold); False (line marked SHORT) when short."""
    item = checkout.items[n]
    if item.stock is StockState.TAKEN:
        return True
    if item.stock is not StockState.TAKING:
        await set_item(
            c, checkout, n, {"stock": StockState.TAKING, "move": item.move + 1, "moving_since": c.clock.now()}
        )
    if item.flash_sale_id:
        ok = await flash_lines.claim(c, checkout, n)
        changes = {"sale_state": SaleState.HELD} if ok else {}
        await set_item(
            c, checkout, n, {"stock": StockState.TAKEN if ok else StockState.SHORT, "moving_since": None, **changes}
        )
        return ok
    move = move_id(checkout.id, n, item.move)
    ok = await catalog.take_stock(c.products, item.product_id, item.variant_id, item.qty, move_id=move)
    await set_item(c, checkout, n, {"stock": StockState.TAKEN if ok else StockState.SHORT, "moving_since": None})
    if ok:
        await catalog.forget_stock_move(c.products, item.product_id, move)
        await alerts.report_low_stock(c, item.product_id, item.variant_id)
    return ok


async def sell(c, checkout: Checkout, n: int) -> bool:
    """The checkout is paid: a flash-sale line sells its hold (see flash_lines); other lines hold their units."""
    if checkout.items[n].flash_sale_id:
        return await flash_lines.sell(c, checkout, n, set_item)
    return await take(c, checkout, n)


async def give_back(c, checkout: Checkout, n: int) -> None:
    """Put line `n`'s units back on the shelf (nothing happens unless it holds them)."""
    item = checkout.items[n]
    if item.stock is not StockState.TAKEN:
        return
    await set_item(
        c, checkout, n, {"stock": StockState.RETURNING, "move": item.move + 1, "moving_since": c.clock.now()}
    )
    await _finish_return(c, checkout, n)


async def give_back_all(c, checkout: Checkout, *, shop_id: str | None = None) -> None:
    for n, item in enumerate(checkout.items):
        if shop_id is None or item.shop_id == shop_id:
            await give_back(c, checkout, n)


async def _finish_return(c, checkout: Checkout, n: int) -> None:
    item = checkout.items[n]
    if item.flash_sale_id and not flash_lines.was_sold(checkout, n):
        await flash_lines.release(c, checkout, n)  # back to the sale's pool (once: the hold is gone after)
        await set_item(c, checkout, n, {"stock": StockState.RETURNED, "moving_since": None})
        return
    move = move_id(checkout.id, n, item.move)
    restored = await catalog.restore_stock(c.products, item.product_id, item.variant_id, item.qty, move_id=move)
    if not restored and not await catalog.stock_move_applied(c.products, item.product_id, move):
        log.warning("checkout %s line %d: the variant is gone, %d units not restocked", checkout.id, n, item.qty)
    await set_item(c, checkout, n, {"stock": StockState.RETURNED, "moving_since": None})
    await catalog.forget_stock_move(c.products, item.product_id, move)


async def recover(c, checkout: Checkout) -> Checkout:
    """Settle what a holder that died left half-done: a TAKING line holds its units only if
    the product recorded that move; a RETURNING line is returned unless the product already was."""
    for n, item in enumerate(checkout.items):
        move = move_id(checkout.id, n, item.move)
        if item.stock is StockState.TAKING and item.flash_sale_id:
            claimed = await flash_lines.claim(c, checkout, n)  # the same checkout may claim its hold again
            await set_item(c, checkout, n, {"stock": StockState.TAKEN if claimed else StockState.RETURNED})
            continue
        if item.stock is StockState.TAKING:
            applied = await catalog.stock_move_applied(c.products, item.product_id, move)
            await set_item(c, checkout, n, {"stock": StockState.TAKEN if applied else StockState.RETURNED})
        elif item.stock is StockState.RETURNING:
            await _finish_return(c, checkout, n)
            continue
        await catalog.forget_stock_move(c.products, item.product_id, move)
    await coupon_ledger.recover(c, checkout)
    log.info("checkout %s: recovered after an interrupted worker", checkout.id)
    return checkout


def holds_everything(checkout: Checkout) -> bool:
    return all(item.stock is StockState.TAKEN for item in checkout.items)
