"""Buying a flash-sale reservation through the normal checkout and payment: orders are the truth of
what sold; expired, cancelled and late-paid reservations keep every unit accounted for."""

import asyncio

import pytest

from mall.flash_sales import services as flash
from mall.orders import services as orders
from mall.orders.models import CheckoutStatus, OrderStatus
from mall.payments import services as payments
from tests.integration.flash_helpers import loosen_rate_limits, make_sale, pay_late, reserve, sku_stock
from tests.integration.orders_helpers import ADDRESS_JSON, bearer


async def figures(c, sale):
    report = await flash.reconcile(c, sale.id)
    return report.remaining, report.held, report.sold, report.drift


async def test_a_reservation_is_bought_at_the_sale_price_and_the_order_is_the_truth(container, factory):
    sale = await make_sale(container, factory, quantity=3, limit=2, price=9900)
    shopper = await factory.user()
    answer = await reserve(container, sale, shopper.id, 2)

    placed = await factory.flash_checkout(shopper, answer.id)

    (order,) = placed.orders
    (line,) = order.lines
    assert (line.unit_price, line.qty, line.flash_sale_id) == (9900, 2, sale.id)
    assert order.subtotal == 19800 and order.total == order.subtotal + order.shipping_fee
    assert placed.checkout.expires_at == answer.expires_at  # pay within the hold
    assert await figures(container, sale) == (1, 2, 0, 0)
    paid = await factory.pay(shopper, placed.checkout)
    assert paid.checkout.status is CheckoutStatus.PAID
    assert [o.status for o in paid.orders] == [OrderStatus.PAID]
    assert await figures(container, sale) == (1, 0, 2, 0)
    truth = await container.sold_ledger.sold(sale.id)
    assert truth.by_user == {shopper.id: 2} and truth.unsettled == 0
    assert await sku_stock(container, sale) == 197  # 200 - 3 allocated; the sale's units never touch it


async def test_a_reservation_is_bound_to_its_shopper_and_buys_one_checkout(container, factory):
    sale = await make_sale(container, factory, quantity=2)
    shopper, thief = await factory.user(), await factory.user()
    answer = await reserve(container, sale, shopper.id)
    with pytest.raises(orders.ReservationGone):
        await factory.flash_checkout(thief, answer.id)
    first = await factory.flash_checkout(shopper, answer.id)
    again = await factory.flash_checkout(shopper, answer.id)  # a second tab, another form token
    assert again.checkout.id == first.checkout.id
    assert await container.checkouts.checkouts.count_documents({}) == 1
    with pytest.raises(orders.ReservationGone):
        await factory.flash_checkout(shopper, f"{sale.id}.{'a' * 24}")


async def test_a_cancelled_checkout_gives_the_units_and_the_allowance_back(container, factory):
    sale = await make_sale(container, factory, quantity=1, limit=1)
    shopper = await factory.user()
    placed = await factory.flash_checkout(shopper, (await reserve(container, sale, shopper.id)).id)
    assert (await reserve(container, sale, "someone")).reason == "sold_out"
    await orders.cancel_checkout(container, user_id=shopper.id, checkout_id=placed.checkout.id)
    assert await figures(container, sale) == (1, 0, 0, 0)
    assert (await reserve(container, sale, shopper.id)).reason == "ok"  # the shopper may try again


async def test_an_unpaid_checkout_expires_with_its_hold(container, factory):
    sale = await make_sale(container, factory, quantity=1)
    shopper = await factory.user()
    placed = await factory.flash_checkout(shopper, (await reserve(container, sale, shopper.id)).id)
    container.clock.advance(seconds=301)
    assert await orders.expire_checkout(container, placed.checkout.id) is True
    assert (await container.checkouts.get(placed.checkout.id)).status is CheckoutStatus.EXPIRED
    assert await figures(container, sale) == (1, 0, 0, 0)
    assert await container.flash_store.user_count(sale.id, shopper.id) == 0


async def test_a_late_payment_takes_fresh_units_while_some_are_left(container, factory):
    sale = await make_sale(container, factory, quantity=2)
    shopper = await factory.user()
    placed = await factory.flash_checkout(shopper, (await reserve(container, sale, shopper.id)).id)
    container.clock.advance(seconds=301)
    await orders.expire_checkout(container, placed.checkout.id)

    checkout = await pay_late(container, placed.checkout.id)

    assert checkout.status is CheckoutStatus.PAID
    assert [o.status for o in await container.orders.of_checkout(checkout.id)] == [OrderStatus.PAID]
    assert await figures(container, sale) == (1, 0, 1, 0)


async def test_a_late_payment_with_nothing_left_is_refunded_and_the_shopper_told(container, factory):
    sale = await make_sale(container, factory, quantity=1)
    shopper, rival = await factory.user(), await factory.user()
    placed = await factory.flash_checkout(shopper, (await reserve(container, sale, shopper.id)).id)
    container.clock.advance(seconds=301)
    await orders.expire_checkout(container, placed.checkout.id)
    rivals = await factory.flash_checkout(rival, (await reserve(container, sale, rival.id)).id)
    await factory.pay(rival, rivals.checkout)

    checkout = await pay_late(container, placed.checkout.id)

    assert checkout.status is CheckoutStatus.CANCELLED
    (order,) = await container.orders.of_checkout(checkout.id)
    assert order.status is OrderStatus.CANCELLED and order.refund_id
    assert [e.code for e in order.timeline if e.action == "cancel"] == ["flash_reservation_lost"]
    payment = await payments.get_payment(container.payments, checkout.payment_id)
    assert payment.refunded_amount == payment.amount
    notes, _total = await container.notifications.page(shopper.id, skip=0, limit=10)
    assert "order.cancelled" in [n["kind"] for n in notes]
    assert await figures(container, sale) == (0, 0, 1, 0)  # never oversold


async def test_a_payment_after_the_sale_settled_is_refunded_and_the_units_stay_home(container, factory):
    sale = await make_sale(container, factory, stock=10, quantity=2, lasts=600)
    shopper = await factory.user()
    placed = await factory.flash_checkout(shopper, (await reserve(container, sale, shopper.id)).id)
    container.clock.advance(seconds=600 + 306)
    assert await flash.end_sale(container, sale.id) == 2
    assert await sku_stock(container, sale) == 10

    checkout = await pay_late(container, placed.checkout.id)

    assert checkout.status is CheckoutStatus.CANCELLED
    assert await sku_stock(container, sale) == 10
    assert (await container.sold_ledger.sold(sale.id)).units == 0


async def test_ending_a_sale_returns_exactly_what_the_orders_did_not_buy(container, factory):
    sale = await make_sale(container, factory, stock=20, quantity=10, limit=5, lasts=600)
    buyer, idler = await factory.user(), await factory.user()
    bought = await factory.flash_checkout(buyer, (await reserve(container, sale, buyer.id, 3)).id)
    await factory.pay(buyer, bought.checkout)
    await factory.flash_checkout(idler, (await reserve(container, sale, idler.id, 2)).id)  # never paid
    assert await sku_stock(container, sale) == 10
    container.clock.advance(seconds=600)
    assert await flash.end_sale(container, sale.id) == 0  # the last holds may still be paid for
    container.clock.advance(seconds=306)
    assert await flash.end_sale(container, sale.id) == 7
    assert await flash.end_sale(container, sale.id) == 0
    await flash.sweep(container)
    assert await sku_stock(container, sale) == 17
    assert (await flash.get_sale(container, sale.id)).status == "ended"


async def test_workers_ending_a_sale_at_once_return_its_units_exactly_once(container, factory):
    """Several workers' end jobs and sweeps running together: the unsold units go back to stock once."""
    sale = await make_sale(container, factory, stock=20, quantity=10, limit=5, lasts=600)
    buyer = await factory.user()
    await factory.pay(
        buyer, (await factory.flash_checkout(buyer, (await reserve(container, sale, buyer.id, 3)).id)).checkout
    )
    container.clock.advance(seconds=906)
    returned = await asyncio.gather(*[flash.end_sale(container, sale.id) for _ in range(6)], flash.sweep(container),
                                    flash.sweep(container))  # fmt: skip
    assert sum(returned[:6]) <= 7 and await sku_stock(container, sale) == 17  # 10 - 3 sold come back, once
    assert await flash.end_sale(container, sale.id) == 0 and await sku_stock(container, sale) == 17
    assert (await flash.get_sale(container, sale.id)).status == "ended"


async def test_units_wait_while_a_payment_is_mid_way_then_go_home(container, factory, monkeypatch):
    """A payment whose worker died between "selling" and "sold" counts as sold until it is settled."""
    from mall.orders.services import flash_lines

    sale = await make_sale(container, factory, stock=10, quantity=3, lasts=600)
    shopper = await factory.user()
    placed = await factory.flash_checkout(shopper, (await reserve(container, sale, shopper.id)).id)

    async def die(*_args, **_kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(flash_lines.flash, "sell_hold", die)
    with pytest.raises(RuntimeError):
        await factory.pay(shopper, placed.checkout)
    monkeypatch.undo()
    assert (await container.sold_ledger.sold(sale.id)).unsettled == 1
    await container.redis.flushdb()  # and Redis is lost too
    report = await flash.reconcile(container, sale.id)
    assert (report.rebuilt, report.remaining, report.sold) == (True, 2, 1)  # counted as sold: never oversell
    container.clock.advance(seconds=906)
    assert await flash.end_sale(container, sale.id) == 0  # waits for the payment to settle
    assert await orders.expire_checkout(container, placed.checkout.id) is False  # the repair job: paid, not due
    checkout = await container.checkouts.get(placed.checkout.id)
    assert checkout.status is CheckoutStatus.PAID
    await flash.sweep(container)
    assert (await container.sold_ledger.sold(sale.id)).units == 1
    assert await sku_stock(container, sale) == 7 + 2


async def test_50_concurrent_checkouts_of_one_reservation_make_one_checkout(container, factory):
    sale = await make_sale(container, factory, quantity=5)
    shopper = await factory.user()
    answer = await reserve(container, sale, shopper.id)
    results = await asyncio.gather(
        *(factory.flash_checkout(shopper, answer.id) for _ in range(50)), return_exceptions=True
    )
    ids = {r.checkout.id for r in results if not isinstance(r, Exception)}
    assert len(ids) == 1
    assert all(isinstance(r, orders.ReservationGone | orders.Busy) for r in results if isinstance(r, Exception))
    assert await container.checkouts.checkouts.count_documents({"status": {"$ne": "failed"}}) == 1


async def test_the_api_checks_out_a_reservation_and_refuses_price_fields(api, factory, container):
    """SECURITY row 3: the price comes from the sale, never from the request."""
    sale = await make_sale(container, factory, quantity=2)
    shopper = await factory.user()
    auth = await bearer(container, shopper)
    made = await api.post(f"/api/v1/flash-sales/{sale.id}/reservations", json={"quantity": 1}, headers=auth)
    reservation = made.json()["reservation_id"]
    body = {"reservation_id": reservation, "address": ADDRESS_JSON}
    forged = await api.post(
        "/api/v1/checkout", json={**body, "unit_price": 1}, headers={**auth, "Idempotency-Key": "flash-key-1"}
    )
    assert forged.status_code == 422
    placed = await api.post("/api/v1/checkout", json=body, headers={**auth, "Idempotency-Key": "flash-key-1"})
    assert placed.status_code == 201, placed.text
    (order,) = await container.orders.of_checkout(placed.json()["checkout_id"])
    assert order.lines[0].unit_price == 9900
    assert placed.json()["total"] == order.total == 9900 + order.shipping_fee
    other = await bearer(container, await factory.user())
    stolen = await api.post("/api/v1/checkout", json=body, headers={**other, "Idempotency-Key": "flash-key-2"})
    assert stolen.status_code == 409
    assert (await container.carts.for_user(shopper.id).lines()) == []  # the cart was never involved


async def test_the_flash_line_keeps_its_sale_on_the_order(container, factory):
    loosen_rate_limits(container)
    sale = await make_sale(container, factory, quantity=1)
    shopper = await factory.user()
    placed = await factory.flash_checkout(shopper, (await reserve(container, sale, shopper.id)).id)
    paid = await factory.pay(shopper, placed.checkout)
    order = await container.orders.get(paid.orders[0].id)
    assert order.lines[0].flash_sale_id == sale.id


async def test_a_reservation_past_its_time_is_gone_before_any_sweep_and_leaves_no_checkout(container, factory):
    sale = await make_sale(container, factory, quantity=1)
    shopper = await factory.user()
    answer = await reserve(container, sale, shopper.id)
    container.clock.advance(seconds=300)
    assert await flash.hold(container, answer.id) is None
    with pytest.raises(orders.ReservationGone):
        await factory.flash_checkout(shopper, answer.id)
    assert await container.checkouts.checkouts.count_documents({}) == 0
