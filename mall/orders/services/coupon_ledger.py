"""A checkout's coupon uses, kept like its stock (stock.py): a use is taken in the same step that
places the orders, with an intent written first and a move id the coupon records, so a crash is
settled by whoever takes the lock over; it is given back when the orders go unpaid or are cancelled.

Taking is one conditional update of the shopper's count (under the limit) and one of the coupon's (some left),
each recording the move; 50 checkouts racing for a single-use coupon place exactly one order with it."""

from __future__ import annotations

from mall.orders.models import Checkout, CouponUse, StockState
from mall.orders.services.errors import Busy
from mall.promotions import services as promotions


def move_id(checkout_id: str, n: int, move: int) -> str:
    return f"{checkout_id}:c{n}:{move}"


async def _set(c, checkout: Checkout, n: int, changes: dict) -> CouponUse:
    use = checkout.coupons[n]
    if not await c.checkouts.move_coupon(checkout.id, n, use, changes):
        raise Busy()  # the lease ran out and someone else took over
    for key, value in changes.items():
        setattr(use, key, value)
    return use


async def take(c, checkout: Checkout, n: int) -> bool:
    """Hold coupon use `n`; False (marked SHORT) when the coupon is used up or the shopper used it enough."""
    use = checkout.coupons[n]
    if use.state is StockState.TAKEN:
        return True
    if use.state is not StockState.TAKING:
        await _set(c, checkout, n, {"state": StockState.TAKING, "move": use.move + 1})
    move = move_id(checkout.id, n, use.move)
    ok = await promotions.take_use(c, use.coupon_id, checkout.user_id, move)
    await _set(c, checkout, n, {"state": StockState.TAKEN if ok else StockState.SHORT})
    if ok:
        await promotions.forget_move(c, use.coupon_id, checkout.user_id, move)
    return ok


async def take_all(c, checkout: Checkout) -> str | None:
    """Every use; the code of the first that could not be taken (nothing given back here), else None."""
    for n, use in enumerate(checkout.coupons):
        if not await take(c, checkout, n):
            return use.code
    return None


async def give_back(c, checkout: Checkout, n: int) -> None:
    use = checkout.coupons[n]
    if use.state is not StockState.TAKEN:
        return
    await _set(c, checkout, n, {"state": StockState.RETURNING, "move": use.move + 1})
    await _finish_return(c, checkout, n)


async def _finish_return(c, checkout: Checkout, n: int) -> None:
    use = checkout.coupons[n]
    move = move_id(checkout.id, n, use.move)
    await promotions.give_use_back(c, use.coupon_id, checkout.user_id, move)
    await _set(c, checkout, n, {"state": StockState.RETURNED})
    await promotions.forget_move(c, use.coupon_id, checkout.user_id, move)


async def give_back_all(c, checkout: Checkout, *, shop_id: str | None = None, platform: bool = True) -> None:
    """Every use; with `shop_id`, that shop's coupons only (and the platform's when `platform`)."""
    for n, use in enumerate(checkout.coupons):
        mine = platform if use.shop_id is None else shop_id is None or use.shop_id == shop_id
        if mine:
            await give_back(c, checkout, n)


async def recover(c, checkout: Checkout) -> None:
    """Settle what a holder that died left half-done (see stock.recover)."""
    for n, use in enumerate(checkout.coupons):
        move = move_id(checkout.id, n, use.move)
        if use.state is StockState.TAKING:
            applied = await promotions.use_moved(c, use.coupon_id, move)
            if not applied:
                await promotions.undo_take(c, use.coupon_id, checkout.user_id, move)
            await _set(c, checkout, n, {"state": StockState.TAKEN if applied else StockState.RETURNED})
            await promotions.forget_move(c, use.coupon_id, checkout.user_id, move)
        elif use.state is StockState.RETURNING:
            await _finish_return(c, checkout, n)
