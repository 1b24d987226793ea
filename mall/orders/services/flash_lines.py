"""Flash-sale lines of a checkout: their units are a hold in the sale's Redis pool, not the SKU's stock.

Placing claims the hold (one checkout per hold); giving back releases it to the pool; paying sells it
once: SELLING is written before Redis is asked, so a crash in between counts the units as sold (the
sale may undersell until settled, never oversell). The sale's truth of what sold is these lines.

A payment while Redis cannot be reached still pays the order, from MongoDB alone, when the line holds a
hold that is still within its time: the line stays SELLING and `settle` finishes the Redis step later."""

from __future__ import annotations

import logging

from mall.flash_sales import services as flash
from mall.flash_sales.models import Sold
from mall.infra.redis import UNAVAILABLE
from mall.orders.models import Checkout, SaleState, StockState

log = logging.getLogger("mall.orders")


class FlashLedger:
    """What orders say sold through a sale (the flash-sale domain's SoldLedger, wired in mall.bootstrap)."""

    def __init__(self, checkouts):
        self.checkouts = checkouts

    async def sold(self, sale_id: str) -> Sold:
        sold = Sold()
        for user_id, item in await self.checkouts.flash_lines(sale_id):
            sold.by_user[user_id] = sold.by_user.get(user_id, 0) + item.qty
            sold.by_hold[item.hold_id] = item.qty
            sold.unsettled += item.sale_state is SaleState.SELLING
        return sold


async def claim(c, checkout: Checkout, n: int) -> bool:
    item = checkout.items[n]
    qty = await flash.claim_hold(c, item.flash_sale_id, item.hold_id, user_id=checkout.user_id, checkout_id=checkout.id)
    return qty == item.qty


async def release(c, checkout: Checkout, n: int) -> None:
    item = checkout.items[n]
    await flash.release_hold(c, item.flash_sale_id, item.hold_id, checkout_id=checkout.id, user_id=checkout.user_id)


def was_sold(checkout: Checkout, n: int) -> bool:
    """Its units left the sale as sold (giving them back then means back to the SKU's stock)."""
    return checkout.items[n].sale_state in (SaleState.SELLING, SaleState.SOLD)


async def sell(c, checkout: Checkout, n: int, set_item) -> bool:
    """The checkout is paid: sell line `n`'s units exactly once. False: none could be had (refund)."""
    item = checkout.items[n]
    if item.sale_state is SaleState.SOLD:
        return True
    if item.sale_state is not SaleState.SELLING:
        await set_item(c, checkout, n, {"sale_state": SaleState.SELLING})
    try:
        answer = await _sell_hold(c, checkout, n)
    except UNAVAILABLE:
        if item.stock is not StockState.TAKEN or c.clock.now() >= checkout.expires_at:
            raise  # its hold was given back or is past its time: only Redis knows whether units are left
        log.warning("checkout %s line %d: Redis unavailable; sold from the orders, Redis catches up", checkout.id, n)
        return True
    ok = answer == "ok"
    changes = {"sale_state": SaleState.SOLD if ok else SaleState.UNSOLD}
    if ok and item.stock is not StockState.TAKEN:
        changes["stock"] = StockState.TAKEN
    await set_item(c, checkout, n, changes)
    return ok


async def settle(c, checkout: Checkout, n: int, set_item) -> None:
    """A paid checkout's line still SELLING (Redis was unavailable, or a worker died mid-way): finish the
    Redis step. Should Redis have let the hold go meanwhile and have nothing left to sell from, the orders
    (the truth) win: Redis is rebuilt from them, dropping live holds (may undersell, never oversell)."""
    answer = await _sell_hold(c, checkout, n)
    if answer not in ("ok", "ended", "closed"):
        log.warning("checkout %s line %d: Redis said %s; rebuilding the sale from the orders", checkout.id, n, answer)
        await flash.reconcile(c, checkout.items[n].flash_sale_id, rebuild=True)
        await _sell_hold(c, checkout, n)
    await set_item(c, checkout, n, {"sale_state": SaleState.SOLD, "stock": StockState.TAKEN})


async def _sell_hold(c, checkout: Checkout, n: int) -> str:
    item = checkout.items[n]
    return await flash.sell_hold(
        c, item.flash_sale_id, item.hold_id, user_id=checkout.user_id, qty=item.qty, checkout_id=checkout.id
    )
