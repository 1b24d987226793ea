"""Reading orders: a shopper sees their own, a merchant their shop's (the shop id
comes from the session), an operator every order."""

from __future__ import annotations

from mall.accounts import services as accounts
from mall.infra.ids import is_id
from mall.orders.models import Order, OrderStatus
from mall.orders.services.errors import NotFound
from mall.shops import services as shops_services

PER_PAGE = 20


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
    c, *, number: str | None = None, status: OrderStatus | None = None, page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[Order], int]:
    """Every order, newest first; `number` matches from the start (a checkout number finds all its orders)."""
    query = (number or "").strip().upper() or None
    return await c.orders.page(number=query, status=status, page=page, per_page=per_page)


async def status_counts(c, *, shop_id: str | None = None) -> dict[str, int]:
    return await c.orders.count_by_status(shop_id=shop_id)


async def shops_of(c, orders: list[Order]) -> dict:
    return await shops_services.shops_by_ids(c.shops, [order.shop_id for order in orders])


async def shoppers_of(c, orders: list[Order]) -> dict:
    """{user id: User} of the orders' shoppers (for the operator)."""
    found = {}
    for user_id in {order.user_id for order in orders}:
        user = await accounts.get_user(c.users, user_id)
        if user is not None:
            found[user_id] = user
    return found


async def sibling_orders(c, order: Order) -> list[Order]:
    """The other orders paid together with `order` (same checkout)."""
    return [o for o in await c.orders.of_checkout(order.checkout_id) if o.id != order.id]
