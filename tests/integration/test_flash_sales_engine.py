"""Flash sale engine: every Lua answer, no oversell under concurrency, stock moved once, Redis loss repaired."""

import asyncio
from datetime import timedelta

import pytest

from mall.catalog import services as catalog
from mall.flash_sales import services as flash
from mall.flash_sales.services import FlashSaleError


async def _sale(container, factory, *, stock=200, quantity=100, limit=1, starts_in=0, lasts=3600):
    product = await factory.product(variants=[{"stock": stock}])
    variant = product.variants[0]
    now = container.clock.now()
    sale = await flash.create_sale(
        container,
        actor_id="m1",
        product_id=product.id,
        variant_id=variant.id,
        price=9900,
        quantity=quantity,
        per_user_limit=limit,
        starts_at=now + timedelta(seconds=starts_in),
        ends_at=now + timedelta(seconds=starts_in + lasts),
        shop_id=product.shop_id,
    )
    return sale


async def _stock(container, sale):
    return (await catalog.variant_stock(container.products, sale.product_id, sale.variant_id))[2]


async def test_creating_a_sale_moves_its_quantity_out_of_stock_and_refuses_more_than_there_is(container, factory):
    sale = await _sale(container, factory, stock=150, quantity=100)
    assert await _stock(container, sale) == 50
    assert await flash.remaining(container, sale.id) == 100
    with pytest.raises(FlashSaleError):
        await _sale(container, factory, stock=5, quantity=6)


async def test_a_merchant_cannot_sell_another_shops_sku(container, factory):
    product = await factory.product()
    other = await factory.shop()
    now = container.clock.now()
    with pytest.raises(FlashSaleError) as refused:
        await flash.create_sale(
            container, actor_id="m", product_id=product.id, variant_id=product.variants[0].id, price=100,
            quantity=1, per_user_limit=1, starts_at=now, ends_at=now + timedelta(hours=1), shop_id=other.id,
        )  # fmt: skip
    assert refused.value.status == 404
    assert (await catalog.variant_stock(container.products, product.id, product.variants[0].id))[2] == 10


async def test_every_lua_answer(container, factory):
    sale = await _sale(container, factory, quantity=2, limit=1, starts_in=60, lasts=60)
    assert (await flash.reserve(container, sale.id, "u1")).reason == "not_started"
    container.clock.advance(seconds=60)
    first = await flash.reserve(container, sale.id, "u1")
    assert first.reason == "ok" and first.hold_id
    assert first.expires_at == container.clock.now() + timedelta(seconds=300)
    assert (await flash.reserve(container, sale.id, "u1")).reason == "limit_reached"
    assert (await flash.reserve(container, sale.id, "u2")).reason == "ok"
    assert (await flash.reserve(container, sale.id, "u3")).reason == "sold_out"
    container.clock.advance(seconds=60)
    assert (await flash.reserve(container, sale.id, "u3")).reason == "ended"
    assert (await flash.reserve(container, sale.id + "x", "u3")).reason == "missing"


async def test_an_expired_hold_returns_its_units_and_the_users_count_once(container, factory):
    sale = await _sale(container, factory, quantity=1, limit=1)
    hold = await flash.reserve(container, sale.id, "u1")
    assert (await flash.reserve(container, sale.id, "u2")).reason == "sold_out"
    assert await flash.expire_holds(container, sale.id) == 0
    container.clock.advance(seconds=301)
    assert await flash.expire_holds(container, sale.id) == 1
    assert await flash.expire_holds(container, sale.id) == 0
    assert await flash.release_hold(container, sale.id, hold.hold_id) == 0
    assert await flash.consume_hold(container, sale.id, hold.hold_id, "u1") == 0  # too late: caller refunds
    assert (await flash.reserve(container, sale.id, "u1")).reason == "ok"


async def test_a_hold_is_consumed_once_and_only_by_its_owner(container, factory):
    sale = await _sale(container, factory, quantity=3, limit=2)
    hold = await flash.reserve(container, sale.id, "u1", 2)
    with pytest.raises(FlashSaleError):
        await flash.consume_hold(container, sale.id, hold.hold_id, "intruder")
    assert await flash.consume_hold(container, sale.id, hold.hold_id, "u1") == 2
    assert await flash.consume_hold(container, sale.id, hold.hold_id, "u1") == 0
    assert await flash.release_hold(container, sale.id, hold.hold_id) == 0
    report = await flash.reconcile(container, sale.id)
    assert (report.remaining, report.held, report.sold, report.drift) == (1, 0, 2, 0)
    assert (await flash.reserve(container, sale.id, "u1")).reason == "limit_reached"


async def test_1000_concurrent_attempts_from_400_users_get_exactly_100_holds(container, factory):
    """SECURITY row 6 (oversell): the Lua step is the only writer; no user above the limit."""
    sale = await _sale(container, factory, stock=100, quantity=100, limit=1)
    users = [f"user-{i % 400}" for i in range(1000)]
    answers = await asyncio.gather(*(flash.reserve(container, sale.id, u) for u in users))
    ok = [u for u, a in zip(users, answers, strict=True) if a.reason == "ok"]
    assert len(ok) == 100
    assert len(set(ok)) == 100
    assert {a.reason for a in answers} == {"ok", "sold_out", "limit_reached"}
    holds = await container.flash_store.holds(sale.id)
    assert len(holds) == 100
    assert max([await container.flash_store.user_count(sale.id, u) for u in set(users)]) == 1
    assert await flash.remaining(container, sale.id) == 0


async def test_ending_a_sale_returns_the_unsold_units_exactly_once(container, factory):
    sale = await _sale(container, factory, stock=20, quantity=10, limit=5)
    assert await _stock(container, sale) == 10
    paid = await flash.reserve(container, sale.id, "u1", 3)
    await flash.consume_hold(container, sale.id, paid.hold_id, "u1")
    await flash.reserve(container, sale.id, "u2", 2)  # held, never paid
    container.clock.advance(seconds=3600)
    assert await flash.end_sale(container, sale.id) == 7
    assert await flash.end_sale(container, sale.id) == 0
    assert await _stock(container, sale) == 17
    assert (await flash.get_sale(container, sale.id)).status == "ended"
    assert (await flash.reserve(container, sale.id, "u3")).reason == "ended"


async def test_cancelling_before_the_start_returns_the_units_once(container, factory):
    sale = await _sale(container, factory, stock=20, quantity=10, starts_in=600)
    await flash.cancel_sale(container, sale.id)
    assert await _stock(container, sale) == 20
    with pytest.raises(FlashSaleError):
        await flash.cancel_sale(container, sale.id)
    assert await flash.end_sale(container, sale.id) == 0
    assert await _stock(container, sale) == 20


async def test_redis_lost_mid_sale_is_rebuilt_from_mongodb_without_overselling(container, factory):
    """SECURITY row 16: after a Redis loss, reconcile rebuilds from the sold records; never oversells."""
    sale = await _sale(container, factory, quantity=5, limit=2)
    for user in ("u1", "u2"):
        hold = await flash.reserve(container, sale.id, user, 2)
        await flash.consume_hold(container, sale.id, hold.hold_id, user)
    lost = await flash.reserve(container, sale.id, "u3")
    await container.redis.flushdb()
    report = await flash.reconcile(container, sale.id)
    assert report.rebuilt and (report.remaining, report.held, report.sold, report.drift) == (1, 0, 4, 0)
    assert await flash.consume_hold(container, sale.id, lost.hold_id, "u3") == 0
    assert (await flash.reserve(container, sale.id, "u1")).reason == "limit_reached"
    assert (await flash.reserve(container, sale.id, "u3")).reason == "ok"
    assert (await flash.reserve(container, sale.id, "u4")).reason == "sold_out"
    await container.redis.flushdb()
    # a reservation finding the sale gone from Redis repairs it first
    assert (await flash.reserve(container, sale.id, "u5")).reason == "ok"
    assert (await flash.reserve(container, sale.id, "u6")).reason == "sold_out"


async def test_the_minutely_sweep_expires_holds_and_ends_sales_whose_end_job_was_lost(container, factory):
    from mall import worker

    assert "flash_end_sale" in [f.__name__ for f in worker.functions()]
    sale = await _sale(container, factory, stock=10, quantity=4, lasts=600)
    await flash.reserve(container, sale.id, "u1")
    container.clock.advance(seconds=301)
    assert await flash.expire_all_holds(container) == 1
    assert await flash.remaining(container, sale.id) == 4
    container.clock.advance(seconds=300)
    await flash.expire_all_holds(container)
    assert (await flash.get_sale(container, sale.id)).status == "ended"
    assert await _stock(container, sale) == 10


async def test_the_reconcile_command_reports_and_rebuilds_after_a_redis_loss(container, factory):
    from mall.cli import flash_reconcile, main

    sale = await _sale(container, factory, quantity=5, limit=3)
    hold = await flash.reserve(container, sale.id, "u1", 2)
    await flash.consume_hold(container, sale.id, hold.hold_id, "u1")
    await container.redis.flushdb()
    code, text = await flash_reconcile(container, sale.id)
    assert code == 0
    assert "allocated 5 = remaining 3 + held 0 + sold 2" in text and "rebuilt" in text
    assert await flash.remaining(container, sale.id) == 3
    code, text = await flash_reconcile(container, "0" * 24)
    assert code == 1 and "No such flash sale" in text
    with pytest.raises(SystemExit):
        main(["flash", "reconcile"])  # the sale id is required
