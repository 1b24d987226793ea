"""Reading orders: a shopper sees their own, a merchant their shop's (the shop id
comes from the session), an operator every order."""

from __future__ import annotations

import re

from mall.accounts import services as accounts
from mall.infra.ids import is_id
from mall.orders.models import Order, OrderStatus
from mall.orders.services.errors import NotFound
from mall.shops import services as shops_services

PER_PAGE = 20
SEARCH_CAP = 1000  # an operator's search counts and pages through at most this many matches
MAX_QUERY = 100
NUMBER_PART = re.compile(r"^[A-Z0-9-]{2,24}$")  # what may be part of an order or checkout number


async def _one(c, order_id: str, **owner) -> Order:
    order = await c.orders.get(order_id, **owner) if is_id(order_id) else None
    if order is None:
        raise NotFound()
    return order


async def shopper_order(c, *, user_id: str, order_id: str) -> Order:
    return await _one(c, order_id, user_id=user_id)


async def merchant_order(c, *, shop_id: str, order_id: str) -> Order:
    """NotFound for another shop's order: the same answer as for a missing one."""
    return await _one(c, order_id, shop_id=shop_id)


async def any_order(c, *, order_id: str) -> Order:
    return await _one(c, order_id)


async def shopper_orders(c, *, user_id: str, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[Order], int]:
    return await c.orders.page(user_id=user_id, page=page, per_page=per_page)


async def shop_orders(
    c, *, shop_id: str, status: OrderStatus | None = None, page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[Order], int]:
    return await c.orders.page(shop_id=shop_id, status=status, page=page, per_page=per_page)


async def all_orders(
    c, *, q: str | None = None, status: OrderStatus | None = None, page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[Order], int]:
    """Every order, newest first. `q` finds orders by any part of their number (a checkout number finds all its
    orders), by the buyer's whole email, or by part of the recipient's name, matched literally. A search counts
    at most SEARCH_CAP matches and pages only through those (each clause is backed by an index)."""
    text = " ".join(str(q or "").split())[:MAX_QUERY]
    if not text:
        return await c.orders.page(status=status, page=page, per_page=per_page)
    if page > search_pages(SEARCH_CAP, per_page):
        return [], 0
    if "@" in text:
        buyer = await accounts.find_by_email(c.users, text)
        if buyer is None:
            return [], 0
        found = {"user_ids": [buyer.id]}
    else:
        number = text.upper()
        found = {"number": number if NUMBER_PART.match(number) else None, "name": text}
    return await c.orders.search(**found, status=status, page=page, per_page=per_page, cap=SEARCH_CAP)


def search_pages(total: int, per_page: int = PER_PAGE) -> int:
    """How many pages a search shows: its matches, counted up to SEARCH_CAP."""
    return max(1, -(-min(total, SEARCH_CAP) // per_page))


async def status_counts(c, *, shop_id: str | None = None) -> dict[str, int]:
    return await c.orders.count_by_status(shop_id=shop_id)


async def shops_of(c, orders: list[Order]) -> dict:
    return await shops_services.shops_by_ids(c.shops, [order.shop_id for order in orders])


async def shoppers_of(c, orders: list[Order]) -> dict:
    """{user id: User} of the orders' shoppers (for the operator), read at once."""
    return await accounts.users_by_ids(c.users, [order.user_id for order in orders])


async def sibling_orders(c, order: Order) -> list[Order]:
    """The other orders paid together with `order` (same checkout)."""
    return [o for o in await c.orders.of_checkout(order.checkout_id) if o.id != order.id]


async def orders_by_ids(c, order_ids: list[str]) -> dict[str, Order]:
    """Orders by id, whoever they belong to (for the platform's own bookkeeping)."""
    wanted = [i for i in dict.fromkeys(order_ids) if is_id(i)]
    return await c.orders.many(wanted) if wanted else {}


def paid_orders(c, *, since=None):
    """Every order that was ever paid (paid_at set), paid at or after `since` when given; streamed, oldest first."""
    return c.orders.stream("paid_at", since)


def completed_orders(c, *, since=None):
    """Every completed order (completed_at set), completed at or after `since` when given; streamed, oldest first."""
    return c.orders.stream("completed_at", since)
