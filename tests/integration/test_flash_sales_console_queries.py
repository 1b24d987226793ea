"""The consoles' queries: sales by the state people see (the same rule as FlashSale.state, as a MongoDB filter)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from mall.flash_sales import services as flash
from mall.flash_sales.models import FlashSale, Status
from mall.infra.ids import new_id


async def test_sales_in_state_agree_with_what_each_sale_says_it_is(container, factory):
    now = container.clock.now()
    hour = timedelta(hours=1)
    base = FlashSale(id="", shop_id=new_id(), product_id=new_id(), variant_id=new_id(), price=1, quantity=1,
                     per_user_limit=1, starts_at=now, ends_at=now, status="", created_by="t")  # fmt: skip
    windows = [(-2 * hour, -hour), (-hour, hour), (hour, 2 * hour), (0 * hour, hour)]
    sales = [
        replace(base, id=new_id(), status=status, starts_at=now + start, ends_at=now + end)
        for status in Status
        for start, end in windows
    ]
    for sale in sales:
        await container.flash_sales.insert(sale)

    counts = await flash.state_counts(container)
    for state, expected in counts.items():
        found, _pages = await flash.sales_in_state(container, state=state)
        assert {s.id for s in found} == {s.id for s in sales if s.state(now) == state}, state
        assert len(found) == expected
    assert sum(counts.values()) == len(sales)
    mine, _pages = await flash.sales_in_state(container, shop_id=base.shop_id, state="running")
    assert len(mine) == len([s for s in sales if s.state(now) == "running"])
    assert (await flash.sales_in_state(container, shop_id=new_id()))[0] == []
    soonest, _pages = await flash.sales_in_state(container, state="upcoming", soonest_first=True)
    assert [s.starts_at for s in soonest] == sorted(s.starts_at for s in soonest)
