"""Unpaid checkouts expire and give their stock back; a worker that dies mid-checkout loses no unit
and a retry with the same key gives exactly one checkout (SECURITY row 17); late payments."""

from __future__ import annotations

import pytest

from mall.orders import services as orders
from mall.orders.models import CheckoutStatus, OrderStatus, StockState
from mall.orders.services import stock as ledger
from mall.payments import services as payments
from tests.integration.orders_helpers import ADDRESS_JSON, bearer
from tests.integration.payments_helpers import post_webhook, signed_event


class WorkerDied(Exception):
    """Stands for the process being killed: nothing after this point runs."""


def die_after_taking(monkeypatch, container, *, takes_before_death: int, applied: bool = True):
    """The worker dies during a take: after `takes_before_death` complete takes, the next take
    reaches the product (`applied`) or not, and then the process is gone (its lock never released)."""
    real_take = ledger.catalog.take_stock
    calls = {"n": 0}

    async def take_then_die(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= takes_before_death:
            return await real_take(*args, **kwargs)
        if applied:
            await real_take(*args, **kwargs)
        raise WorkerDied()

    async def never_released(*args, **kwargs):
        return None

    monkeypatch.setattr(ledger.catalog, "take_stock", take_then_die)
    monkeypatch.setattr(container.checkouts, "unlock", never_released)


async def test_an_unpaid_checkout_expires_on_time_and_returns_its_stock(factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    cups = await factory.stocked_product(stock=4)
    placed = await factory.checkout(shopper, (tea, 2), (cups, 4))
    assert await factory.variant_stock(tea) == 3 and await factory.variant_stock(cups) == 0

    container.clock.advance(minutes=29)
    assert await orders.expire_checkout(container, placed.checkout.id) is False
    container.clock.advance(minutes=1)
    assert await orders.expire_checkout(container, placed.checkout.id) is True

    assert await factory.variant_stock(tea) == 5 and await factory.variant_stock(cups) == 4
    checkout = await container.checkouts.get(placed.checkout.id)
    assert checkout.status is CheckoutStatus.EXPIRED
    assert {o.status for o in await container.orders.of_checkout(checkout.id)} == {OrderStatus.EXPIRED}
    assert (await payments.get_payment(container.payments, checkout.payment_id)).status == "cancelled"


async def test_the_expiry_job_is_a_no_op_the_second_time_and_for_a_paid_checkout(factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    unpaid = await factory.checkout(shopper, (tea, 1))
    paid = await factory.paid_checkout(shopper, (tea, 1))
    container.clock.advance(minutes=31)

    assert await orders.expire_checkout(container, unpaid.checkout.id) is True
    assert await orders.expire_checkout(container, unpaid.checkout.id) is False
    assert await orders.expire_checkout(container, paid.checkout.id) is False

    assert await factory.variant_stock(tea) == 4
    assert (await container.checkouts.get(paid.checkout.id)).status is CheckoutStatus.PAID


async def test_expiry_is_scheduled_once_per_checkout_with_a_unique_key(factory, container):
    shopper = await factory.user()
    placed = await factory.checkout(shopper, (await factory.stocked_product(), 1))

    job = await container.queue.job(f"expire:{placed.checkout.id}")

    assert job is not None and job.function == "expire_checkout"
    assert job.scheduled == int(placed.checkout.expires_at.timestamp())
    assert job.kwargs == {"checkout_id": placed.checkout.id}


@pytest.mark.parametrize("applied", [True, False], ids=["died-after-the-product-changed", "died-before"])
async def test_a_worker_that_dies_after_taking_stock_is_repaired_by_the_expiry_job(
    factory, container, monkeypatch, applied
):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    cups = await factory.stocked_product(stock=3)
    await factory.cart_with(shopper, (tea, 2), (cups, 1))
    die_after_taking(monkeypatch, container, takes_before_death=1, applied=applied)

    with pytest.raises(WorkerDied):
        await factory.checkout(shopper, key="died-0001")
    monkeypatch.undo()
    (stuck,) = [c async for c in container.checkouts.checkouts.find({})]
    assert stuck["status"] == "reserving" and stuck["lock_until"] is not None
    assert await factory.variant_stock(tea) == 3

    container.clock.advance(minutes=31)
    assert await orders.expire_checkout(container, stuck["_id"]) is True

    assert await factory.variant_stock(tea) == 5 and await factory.variant_stock(cups) == 3
    repaired = await container.checkouts.get(stuck["_id"])
    assert repaired.status is CheckoutStatus.EXPIRED
    assert {item.stock for item in repaired.items} == {StockState.RETURNED}
    for product in (tea, cups):  # no move id is left behind on the products
        assert (await container.products.products.find_one({"_id": product.id})).get("stock_moves", []) == []


async def test_a_retry_with_the_same_key_after_a_worker_died_gives_exactly_one_checkout(
    api, factory, container, monkeypatch
):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    cups = await factory.stocked_product(stock=3)
    await factory.cart_with(shopper, (tea, 2), (cups, 1))
    headers = {**await bearer(container, shopper), "Idempotency-Key": "retry-after-crash-1"}
    body = {"address": ADDRESS_JSON}
    die_after_taking(monkeypatch, container, takes_before_death=1, applied=True)

    crashed = await api.post("/api/v1/checkout", json=body, headers=headers)
    monkeypatch.undo()
    container.clock.advance(seconds=61)  # the dead worker's lease runs out
    retried = await api.post("/api/v1/checkout", json=body, headers=headers)
    again = await api.post("/api/v1/checkout", json=body, headers=headers)

    assert crashed.status_code == 500
    assert retried.status_code == 201, retried.text
    assert again.json() == retried.json()
    assert await container.checkouts.checkouts.count_documents({}) == 1
    assert await container.orders.orders.count_documents({}) == 2
    assert retried.json()["status"] == "pending_payment" and retried.json()["payment_url"]
    assert await factory.variant_stock(tea) == 3 and await factory.variant_stock(cups) == 2


async def test_a_payment_after_expiry_takes_the_stock_again_and_pays_the_orders(api, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    placed = await factory.checkout(shopper, (tea, 2))
    container.clock.advance(minutes=31)
    await orders.expire_checkout(container, placed.checkout.id)
    payment = await payments.get_payment(container.payments, placed.checkout.payment_id)

    assert (await post_webhook(api, *signed_event(container, payment))).status_code == 200

    assert (await container.checkouts.get(placed.checkout.id)).status is CheckoutStatus.PAID
    assert [o.status for o in await container.orders.of_checkout(placed.checkout.id)] == [OrderStatus.PAID]
    assert await factory.variant_stock(tea) == 3


async def test_a_payment_after_expiry_when_the_stock_is_gone_cancels_and_refunds(api, factory, container):
    shopper, rival = await factory.user(), await factory.user()
    tea = await factory.stocked_product(stock=2)
    placed = await factory.checkout(shopper, (tea, 2))
    container.clock.advance(minutes=31)
    await orders.expire_checkout(container, placed.checkout.id)
    await factory.paid_checkout(rival, (tea, 2))
    payment = await payments.get_payment(container.payments, placed.checkout.payment_id)

    assert (await post_webhook(api, *signed_event(container, payment))).status_code == 200

    (order,) = await container.orders.of_checkout(placed.checkout.id)
    assert order.status is OrderStatus.CANCELLED and order.refund_id
    assert [e.code for e in order.timeline if e.action == "cancel"] == ["paid_late_no_stock"]
    assert (await payments.get_payment(container.payments, payment.id)).refunded_amount == payment.amount
    assert await factory.variant_stock(tea) == 0


async def test_a_payment_for_a_cancelled_checkout_is_refunded(api, factory, container):
    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    placed = await factory.checkout(shopper, (tea, 1))
    await orders.cancel_checkout(container, user_id=shopper.id, checkout_id=placed.checkout.id)
    payment = await payments.get_payment(container.payments, placed.checkout.payment_id)

    assert (await post_webhook(api, *signed_event(container, payment))).status_code == 200

    (order,) = await container.orders.of_checkout(placed.checkout.id)
    assert order.status is OrderStatus.CANCELLED and order.refund_id
    assert (await payments.get_payment(container.payments, payment.id)).status == "refunded"
    assert await factory.variant_stock(tea) == 5


async def test_the_worker_knows_the_order_jobs_by_name(factory, container):
    from mall.infra.jobs import make_worker
    from mall.worker import functions

    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    placed = await factory.checkout(shopper, (tea, 2))
    container.clock.advance(minutes=31)
    worker = make_worker(container.queue, functions(), container)
    worker.context["c"] = container  # what the worker's startup hook sets
    await container.queue.enqueue("expire_checkout", key="now", checkout_id=placed.checkout.id)

    await worker.process()

    assert (await container.checkouts.get(placed.checkout.id)).status is CheckoutStatus.EXPIRED
    assert await factory.variant_stock(tea) == 5
    assert {"expire_checkout", "auto_complete_order", "reconcile_checkout"} <= set(worker.functions)


async def test_the_minutely_sweep_expires_checkouts_whose_expiry_job_was_lost(factory, container):
    from mall.infra.jobs import make_worker
    from mall.orders import services as orders
    from mall.worker import cron_jobs, functions

    shopper = await factory.user()
    tea = await factory.stocked_product(stock=5)
    placed = await factory.checkout(shopper, (tea, 2))
    await container.redis.flushdb()  # Redis lost: the scheduled expiry job is gone
    assert await factory.variant_stock(tea) == 3

    container.clock.advance(minutes=29)
    assert await orders.sweep_overdue_checkouts(container) == 0  # not due yet
    container.clock.advance(minutes=2)
    worker = make_worker(container.queue, functions(), container, cron_jobs=cron_jobs())
    worker.context["c"] = container
    assert "sweep_overdue_checkouts" in worker.functions and worker.cron_jobs
    assert await orders.sweep_overdue_checkouts(container) == 1

    assert (await container.checkouts.get(placed.checkout.id)).status is CheckoutStatus.EXPIRED
    assert await factory.variant_stock(tea) == 5
    assert await orders.sweep_overdue_checkouts(container) == 0  # safe to run again
