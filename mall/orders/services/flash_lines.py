"""Flash-sale lines of a checkout: their units are a hold in the sale's Redis pool, not the SKU's stock.

Placing claims the hold (one checkout per hold); giving back releases it to the pool; paying sells it
once: SELLING is written before Redis is asked, so a crash in between counts the units as sold (the
sale may undersell until settled, never oversell). The sale's truth of what sold is these lines."""

from __future__ import annotations

from mall.flash_sales import services as flash
from mall.flash_sales.models import Sold
from mall.orders.models import Checkout, SaleState, StockState


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
    answer = await flash.sell_hold(
        c, item.flash_sale_id, item.hold_id, user_id=checkout.user_id, qty=item.qty, checkout_id=checkout.id
    )
    ok = answer == "ok"
    changes = {"sale_state": SaleState.SOLD if ok else SaleState.UNSOLD}
    if ok and item.stock is not StockState.TAKEN:
        changes["stock"] = StockState.TAKEN
    await set_item(c, checkout, n, changes)
    return ok
