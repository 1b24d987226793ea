"""Flash sale engine: every Lua answer, no oversell under concurrency, units moved once, Redis loss repaired."""

import asyncio
from datetime import timedelta

import pytest

from mall.flash_sales import services as flash
from mall.flash_sales.services import FlashSaleError
from tests.integration.flash_helpers import loosen_rate_limits, make_sale, next_tick_window, reserve, sku_stock


async def test_creating_a_sale_moves_its_quantity_out_of_stock_and_refuses_more_than_there_is(container, factory):
    sale = await make_sale(container, factory, stock=150, quantity=100)
    assert await sku_stock(container, sale) == 50
    assert await flash.remaining(container, sale.id) == 100
    with pytest.raises(FlashSaleError) as short:
        await make_sale(container, factory, stock=5, quantity=6)
    assert short.value.status == 409
    assert await container.flash_sales.sales.count_documents({}) == 1  # the refused one left nothing behind


async def test_a_sale_price_must_be_a_real_discount(container, factory):
    with pytest.raises(FlashSaleError) as refused:
        await make_sale(container, factory, price=45000)  # the normal price
    assert refused.value.status == 422


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
    assert (await container.products.get(product.id)).variants[0].stock == 10


async def test_every_lua_answer(container, factory):
    sale = await make_sale(container, factory, quantity=2, limit=1, starts_in=60, lasts=60)
    assert (await reserve(container, sale, "u1")).reason == "not_started"
    container.clock.advance(seconds=60)
    first = await reserve(container, sale, "u1")
    assert first.reason == "ok" and first.id.startswith(sale.id + ".")
    assert first.expires_at == container.clock.now() + timedelta(seconds=300)
    assert (await reserve(container, sale, "u1")).reason == "limit_reached"
    assert (await reserve(container, sale, "u2")).reason == "ok"
    assert (await reserve(container, sale, "u3")).reason == "sold_out"
    container.clock.advance(seconds=60)
    assert (await reserve(container, sale, "u3")).reason == "ended"
    assert (await flash.reserve(container, "f" * 24, "u3", ip="10.0.0.1")).reason == "missing"


async def test_rate_limits_answer_with_the_seconds_to_wait(container, factory):
    """SECURITY row 13: per user and per IP, counted in the same Lua step as the reservation."""
    sale = await make_sale(container, factory, quantity=50, limit=50)
    answers = [await reserve(container, sale, "bot") for _ in range(6)]
    assert [a.reason for a in answers] == ["ok"] * 5 + ["rate_limited"]
    assert 1 <= answers[-1].retry_after <= 10
    container.settings = container.settings.replace(flash_ip_rate_limit=3)
    crowd = [await reserve(container, sale, f"u{i}", ip="10.9.9.9") for i in range(4)]
    assert [a.reason for a in crowd] == ["ok", "ok", "ok", "rate_limited"]
    assert (await reserve(container, sale, "u9", ip="10.9.9.10")).reason == "ok"  # another IP


async def test_an_expired_hold_returns_its_units_and_the_users_count_once(container, factory):
    sale = await make_sale(container, factory, quantity=1, limit=1)
    hold = await reserve(container, sale, "u1")
    assert (await reserve(container, sale, "u2")).reason == "sold_out"
    assert await flash.expire_holds(container, sale.id) == 0
    container.clock.advance(seconds=301)
    assert await flash.expire_holds(container, sale.id) == 1
    assert await flash.expire_holds(container, sale.id) == 0
    sale_id, hold_id = hold.id.split(".")
    assert await flash.release_hold(container, sale_id, hold_id) == 0
    assert await flash.hold(container, hold.id) is None
    assert (await reserve(container, sale, "u1")).reason == "ok"


async def test_a_reservation_frees_expired_holds_itself_before_saying_sold_out(container, factory):
    sale = await make_sale(container, factory, quantity=1, limit=1)
    await reserve(container, sale, "u1")
    container.clock.advance(seconds=301)
    assert (await reserve(container, sale, "u2")).reason == "ok"  # no sweep ran
    assert await container.flash_store.user_count(sale.id, "u1") == 0


async def test_1000_concurrent_attempts_from_400_users_get_exactly_100_holds(container, factory):
    """SECURITY row 6 (oversell): the Lua step is the only writer; no user above the limit."""
    loosen_rate_limits(container)
    sale = await make_sale(container, factory, stock=100, quantity=100, limit=1)
    users = [f"user-{i % 400}" for i in range(1000)]
    answers = await asyncio.gather(*(reserve(container, sale, u) for u in users))
    ok = [u for u, a in zip(users, answers, strict=True) if a.reason == "ok"]
    assert len(ok) == 100
    assert len(set(ok)) == 100
    assert {a.reason for a in answers} == {"ok", "sold_out", "limit_reached"}
    holds = await container.flash_store.holds(sale.id)
    assert len(holds) == 100
    assert max((await container.flash_store.user_counts(sale.id)).values()) == 1
    assert await flash.remaining(container, sale.id) == 0
    assert await sku_stock(container, sale) == 0


async def test_remaining_changes_are_announced_at_most_once_per_tick(container, factory):
    """Live pushes are coalesced in Redis: one event per 250 ms window, however many reservations."""
    loosen_rate_limits(container)
    heard = []

    async def listen(name, payload):
        heard.append(payload["sale_id"])

    container.events.subscribe("flash.stock", listen)
    sale = await make_sale(container, factory, quantity=50, limit=1)
    await asyncio.gather(*(reserve(container, sale, f"u{i}") for i in range(40)))
    assert heard == [sale.id]
    await reserve(container, sale, "same-window")
    assert heard == [sale.id]
    await next_tick_window(container, sale)
    await reserve(container, sale, "late")
    assert heard == [sale.id, sale.id]


async def test_cancelling_before_the_start_returns_the_units_once(container, factory):
    sale = await make_sale(container, factory, stock=20, quantity=10, starts_in=600)
    await flash.cancel_sale(container, sale.id)
    assert await sku_stock(container, sale) == 20
    with pytest.raises(FlashSaleError):
        await flash.cancel_sale(container, sale.id)
    assert await flash.end_sale(container, sale.id) == 0
    await flash.sweep(container)
    assert await sku_stock(container, sale) == 20
    assert (await reserve(container, sale, "u1")).reason == "ended"


async def test_a_running_sale_cannot_be_cancelled_or_edited(container, factory):
    sale = await make_sale(container, factory, quantity=10)
    with pytest.raises(FlashSaleError):
        await flash.cancel_sale(container, sale.id)
    with pytest.raises(FlashSaleError):
        await flash.edit_sale(container, sale.id, shop_id=sale.shop_id, changes={"quantity": 5})
    assert await sku_stock(container, sale) == 190


async def test_editing_before_the_start_moves_the_difference_of_units(container, factory):
    sale = await make_sale(container, factory, stock=30, quantity=10, starts_in=600)
    more = await flash.edit_sale(container, sale.id, shop_id=sale.shop_id, changes={"quantity": 25, "price": 8800})
    assert (more.quantity, more.price, more.version, more.status) == (25, 8800, 2, "scheduled")
    assert await sku_stock(container, sale) == 5
    assert (await container.flash_store.figures(sale.id))["remaining"] == 25
    with pytest.raises(FlashSaleError):
        await flash.edit_sale(container, sale.id, shop_id=sale.shop_id, changes={"quantity": 31})
    assert await sku_stock(container, sale) == 5
    assert (await flash.get_sale(container, sale.id)).status == "scheduled"
    fewer = await flash.edit_sale(container, sale.id, shop_id=sale.shop_id, changes={"quantity": 4})
    assert fewer.quantity == 4 and await sku_stock(container, sale) == 26
    later = container.clock.now() + timedelta(hours=2)
    moved = await flash.edit_sale(
        container, sale.id, shop_id=sale.shop_id, changes={"starts_at": later, "ends_at": later + timedelta(hours=1)}
    )
    container.clock.advance(seconds=601)
    assert (await reserve(container, sale, "u1")).reason == "not_started"  # the new start counts
    assert moved.starts_at == later
    with pytest.raises(FlashSaleError) as other_shop:
        await flash.edit_sale(container, sale.id, shop_id="0" * 24, changes={"quantity": 5})
    assert other_shop.value.status == 404


async def test_an_edit_interrupted_after_moving_the_units_is_finished_by_the_sweep(container, factory, monkeypatch):
    from mall.flash_sales.services import setup

    sale = await make_sale(container, factory, stock=30, quantity=10, starts_in=600)

    async def die(*_args, **_kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(setup, "_commit_edit", die)
    with pytest.raises(RuntimeError):
        await flash.edit_sale(container, sale.id, shop_id=sale.shop_id, changes={"quantity": 20})
    monkeypatch.undo()
    assert (await flash.get_sale(container, sale.id)).status == "editing"
    assert await sku_stock(container, sale) == 10  # the units moved, the sale did not record it yet
    await flash.sweep(container)
    assert (await flash.get_sale(container, sale.id)).status == "editing"  # not before the lease ran out
    container.clock.advance(seconds=61)
    await flash.sweep(container)
    repaired = await flash.get_sale(container, sale.id)
    assert (repaired.status, repaired.quantity) == ("scheduled", 20)
    assert await sku_stock(container, sale) == 10
    assert (await container.flash_store.figures(sale.id))["remaining"] == 20


async def test_an_edit_interrupted_before_moving_units_is_undone_by_the_sweep(container, factory, monkeypatch):
    from mall.flash_sales.services import setup

    sale = await make_sale(container, factory, stock=30, quantity=10, starts_in=600)

    async def die(*_args, **_kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(setup, "_move_edit_units", die)
    with pytest.raises(RuntimeError):
        await flash.edit_sale(container, sale.id, shop_id=sale.shop_id, changes={"quantity": 20})
    monkeypatch.undo()
    container.clock.advance(seconds=61)
    await flash.sweep(container)
    repaired = await flash.get_sale(container, sale.id)
    assert (repaired.status, repaired.quantity) == ("scheduled", 10)
    assert await sku_stock(container, sale) == 20
    container.clock.advance(seconds=600)
    assert (await reserve(container, sale, "u1")).reason == "ok"  # unfrozen: it opens as planned


async def test_featured_sales_wait_for_an_operator_and_move_no_stock_until_approved(container, factory):
    product = await factory.product(variants=[{"stock": 8}])
    now = container.clock.now()
    pending = await flash.create_sale(
        container, actor_id="marketer", product_id=product.id, variant_id=product.variants[0].id, price=100,
        quantity=5, per_user_limit=1, starts_at=now, ends_at=now + timedelta(hours=1), featured=True,
    )  # fmt: skip
    assert pending.status == "pending_approval"
    assert (await container.products.get(product.id)).variants[0].stock == 8
    assert (await reserve(container, pending, "u1")).reason == "not_started"
    approved = await flash.approve_sale(container, pending.id, operator_id="op")
    assert approved.status == "scheduled" and approved.decided_by == "op"
    assert (await container.products.get(product.id)).variants[0].stock == 3
    assert (await reserve(container, pending, "u1")).reason == "ok"
    with pytest.raises(FlashSaleError):
        await flash.approve_sale(container, pending.id, operator_id="op")

    other = await flash.create_sale(
        container, actor_id="marketer", product_id=product.id, variant_id=product.variants[0].id, price=100,
        quantity=5, per_user_limit=1, starts_at=now, ends_at=now + timedelta(hours=1), featured=True,
    )  # fmt: skip
    with pytest.raises(FlashSaleError):
        await flash.approve_sale(container, other.id, operator_id="op")  # only 3 left
    assert (await flash.get_sale(container, other.id)).status == "pending_approval"
    rejected = await flash.reject_sale(container, other.id, operator_id="op", reason="Too deep a discount")
    assert rejected.status == "rejected" and rejected.reject_reason == "Too deep a discount"
    assert (await container.products.get(product.id)).variants[0].stock == 3


async def test_the_opening_is_announced_once_and_reminders_are_handed_out_once(container, factory):
    heard = []

    async def listen(name, payload):
        heard.append((name, payload.get("user_id")))

    for name in ("flash.opened", "flash.reminder", "flash.ended"):
        container.events.subscribe(name, listen)
    sale = await make_sale(container, factory, quantity=5, starts_in=60, lasts=60)
    assert await flash.remind(container, sale.id, "u1") is True
    assert await flash.remind(container, sale.id, "u1") is False
    await flash.remind(container, sale.id, "u2")
    assert await flash.open_sale(container, sale.id) is False  # too early: a job that ran early does nothing
    container.clock.advance(seconds=60)
    assert await flash.open_sale(container, sale.id) is True
    assert await flash.open_sale(container, sale.id) is False
    await flash.sweep(container)
    assert sorted(heard) == [("flash.opened", None), ("flash.reminder", "u1"), ("flash.reminder", "u2")]
    with pytest.raises(FlashSaleError):
        await flash.remind(container, sale.id, "u3")  # running: nothing to remind of
    container.clock.advance(seconds=60)
    await flash.sweep(container)
    await flash.close_sale(container, sale.id)
    assert heard.count(("flash.ended", None)) == 1


async def test_the_minutely_sweep_does_what_lost_jobs_did_not(container, factory):
    from mall import worker

    names = [f.__name__ for f in worker.functions()]
    assert {"flash_open_sale", "flash_close_sale", "flash_end_sale"} <= set(names)
    sale = await make_sale(container, factory, stock=10, quantity=4, lasts=600)
    await reserve(container, sale, "u1")
    container.clock.advance(seconds=301)
    assert await flash.sweep(container) == 1
    assert await flash.remaining(container, sale.id) == 4
    container.clock.advance(seconds=300)  # ended; the last hold could still be paid for 300 s
    await flash.sweep(container)
    assert (await flash.get_sale(container, sale.id)).status == "scheduled"
    assert await sku_stock(container, sale) == 6
    container.clock.advance(seconds=306)
    await flash.sweep(container)
    settled = await flash.get_sale(container, sale.id)
    assert settled.status == "ended" and settled.returned_at is not None
    assert await sku_stock(container, sale) == 10


async def test_redis_lost_before_the_start_is_reloaded_on_the_next_attempt(container, factory):
    sale = await make_sale(container, factory, quantity=3, starts_in=60)
    await container.redis.flushdb()
    assert (await reserve(container, sale, "u1")).reason == "not_started"
    container.clock.advance(seconds=60)
    assert (await reserve(container, sale, "u1")).reason == "ok"
    assert await flash.remaining(container, sale.id) == 2


async def test_the_reconcile_command_reports_and_rebuilds_after_a_redis_loss(container, factory):
    from mall.cli import flash_reconcile, main

    sale = await make_sale(container, factory, quantity=5, limit=3)
    await reserve(container, sale, "u1", 2)
    await container.redis.flushdb()
    code, text = await flash_reconcile(container, sale.id)
    assert code == 0
    assert "allocated 5 = remaining 5 + held 0 + sold 0" in text and "rebuilt" in text
    code, text = await flash_reconcile(container, "0" * 24)
    assert code == 1 and "No such flash sale" in text
    with pytest.raises(SystemExit):
        main(["flash", "reconcile"])  # the sale id is required
