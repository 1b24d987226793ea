"""Every list a page shows is read on an index that holds its equality fields and then its sort (or, unsorted,
its range): the order lists of shoppers, shops (with and without a status) and operators, the coupons a shopper
may claim, and the starts and ends of promotions and coupons still to announce. The queries are captured as the
code issues them, so a new filter or sort without its index fails here."""

from __future__ import annotations

import pytest
from mongomock.collection import Cursor

from mall.orders import services as orders
from mall.orders.models import OrderStatus

RANGE = {"$lt", "$lte", "$gt", "$gte"}


@pytest.fixture
def issued(monkeypatch):
    """(collection, filter, sort) of every find the test database answers."""
    seen: list[tuple[str, dict, list]] = []
    real = Cursor.__next__

    def recorded(cursor):
        if not getattr(cursor, "_mall_seen", False):
            cursor._mall_seen = True
            seen.append((cursor.collection.name, dict(cursor._spec or {}), list(cursor._sort or [])))
        return real(cursor)

    monkeypatch.setattr(Cursor, "__next__", recorded)
    return seen


def supported(indexes: list[list[tuple[str, int]]], spec: dict, sort: list[tuple[str, int]]) -> bool:
    """Some index starts with the filter's equality fields (any order), then has its sort (either direction), or
    without a sort its range fields."""
    equal = {
        k
        for k, v in spec.items()
        if not k.startswith("$") and not (isinstance(v, dict) and set(v) & {*RANGE, "$ne", "$in", "$all"})
    }
    ranged = [k for k, v in spec.items() if isinstance(v, dict) and set(v) & RANGE]
    then = [tuple(s) for s in sort] or None
    for key in indexes:
        fields = [f for f, _d in key]
        if set(fields[: len(equal)]) != equal:
            continue
        rest = key[len(equal) :]
        if then is not None:
            flipped = [(f, -d) for f, d in then]
            if rest[: len(then)] in (then, flipped):
                return True
        elif [f for f, _d in rest[: len(ranged)]] == ranged:
            return True
    return False


async def indexes_of(collection) -> list[list[tuple[str, int]]]:
    return [list(spec["key"]) for spec in (await collection.index_information()).values()]


async def test_the_order_lists_are_read_on_an_index_of_their_filter_and_sort(container, factory, issued):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=10)
    await factory.checkout(shopper, (tea, 1))
    issued.clear()

    await orders.shopper_orders(container, user_id=shopper.id)
    await orders.shop_orders(container, shop_id=tea.shop_id)
    await orders.shop_orders(container, shop_id=tea.shop_id, status=OrderStatus.PENDING_PAYMENT)
    await orders.all_orders(container)
    await orders.all_orders(container, status=OrderStatus.PAID)

    lists = [(spec, sort) for name, spec, sort in issued if name == "orders" and sort]
    assert len(lists) == 5
    indexes = await indexes_of(container.orders.orders)
    for spec, sort in lists:
        assert supported(indexes, spec, sort), (spec, sort)


async def test_claimable_coupons_and_due_announcements_are_read_on_indexes(container, factory, issued):
    now = container.clock.now()
    await container.promotions.claimable_coupons(now)
    await container.promotions.claimable_coupons(now, shop_ids=["a-shop"])
    await container.promotions.due_announcements(now)

    coupons = [(spec, sort) for name, spec, sort in issued if name == "coupons"]
    promotions = [(spec, sort) for name, spec, sort in issued if name == "shop_promotions"]
    assert len(coupons) == 2 + 2 and len(promotions) == 2
    for collection, found in ((container.promotions.coupons, coupons), (container.promotions.promotions, promotions)):
        indexes = await indexes_of(collection)
        for spec, sort in found:
            assert supported(indexes, spec, sort), (collection.name, spec, sort)
