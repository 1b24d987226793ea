"""Demo finance: a few weeks of history replayed through the real services with the clock set back, so the finance
pages are not empty. Each week a shopper buys from the first two shops, the orders ship and complete, and once
they are settleable the statement run issues each shop's statement; the operator approves them and the sandbox
pays them (the first shop's chart shows four payouts), except the second shop's latest statement, which waits in
the operators' queue. Only when there are no statements yet."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from mall.cart import services as cart
from mall.catalog import services as catalog
from mall.demo.promotions import DEMO_ADDRESS
from mall.infra.ids import new_id
from mall.orders import services as orders
from mall.settlement import services as settlement

WEEKS = 4
BUYS = [(1, 2), (2, 1), (1, 1), (3, 2)]  # units of the first and second product, week by week


@dataclass
class PastClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


class NoQueue:
    """The replayed history does every timed step itself: nothing is scheduled for the worker."""

    async def enqueue(self, *_args, **_kwargs):
        return None


async def seed_settlement(c, shops: list, people: dict) -> int:
    """Statements issued (and mostly paid) for the first two shops; returns how many."""
    if (await settlement.statements_page(c, per_page=1))[1]:
        return 0
    shopper, operator = people["shopper2@demo.mall"], people["operator@demo.mall"]
    first, second = shops[0], shops[1]
    products = [await _product(c, shop) for shop in (first, second)]
    days = c.settings.settle_after_days
    latest = days + 7  # weeks ago the last purchase was made: its statement is issued a few days before today
    now = c.clock.now()
    issued = []
    for week in range(WEEKS):
        bought_at = now - timedelta(days=latest + 7 * (WEEKS - 1 - week), hours=2)
        past = dataclasses.replace(c, clock=PastClock(bought_at), queue=NoQueue())
        placed = await _buy(past, shopper, [(products[0], BUYS[week][0]), (products[1], BUYS[week][1])])
        past.clock.at += timedelta(days=1)
        for order in placed.orders:
            owner = people[f"merchant{shops.index(_shop_of(shops, order.shop_id)) + 1}@demo.mall"]
            await orders.ship_order(past, shop_id=order.shop_id, order_id=order.id, actor_id=owner.id,
                                    carrier="黑貓宅急便", tracking_number=f"TW{order.number[-7:]}")  # fmt: skip
        past.clock.at += timedelta(days=2)
        for order in placed.orders:
            await orders.confirm_receipt(past, user_id=shopper.id, order_id=order.id)
        past.clock.at += timedelta(days=days + 1)
        for shop in (first, second):
            statement = await settlement.issue_statement(past, shop.id)
            if statement is None:
                continue
            issued.append(statement)
            if shop is first or week < WEEKS - 1:
                payout = await settlement.approve(past, statement.id, operator_id=operator.id)
                past.clock.at += timedelta(hours=3)
                await settlement.sandbox_report(past, payout.id)
    return len(issued)


async def _product(c, shop):
    listed, _total = await catalog.merchant_products(c.products, c.attribute_sets, shop_id=shop.id, per_page=50)
    return max((row.product for row in listed), key=lambda p: sum(v.stock for v in p.variants))


def _shop_of(shops: list, shop_id: str):
    return next(shop for shop in shops if shop.id == shop_id)


async def _buy(c, shopper, items):
    store = c.carts.for_user(shopper.id)
    for product, qty in items:
        variant = max(product.variants, key=lambda v: v.stock)
        await cart.add_item(store, c.products, product_id=product.id, variant_id=variant.id, qty=qty)
    fields = orders.AddressFields(**DEMO_ADDRESS)
    placed = await orders.place_checkout(c, user_id=shopper.id, cart=store, key=new_id(), address=fields, notes={})
    await orders.pay_in_sandbox(c, placed.checkout)
    return placed
