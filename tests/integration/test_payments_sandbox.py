"""The hosted sandbox page and its API twin: only the payment's owner sees it,
and Pay / Fail go through the same signed, verified webhook path."""

from __future__ import annotations

from mall.orders import services as orders
from mall.orders.models import CheckoutStatus, OrderStatus
from mall.orders.services import payment_events
from mall.payments import services as payments
from tests.integration.payments_helpers import hear_orders


async def page_of(web, payment):
    return await web.page(f"/pay/sandbox/{payment.id}")


async def token_for(api, user):
    response = await api.post("/api/v1/auth/token", json={"email": user.email, "password": "password123"})
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_the_owner_sees_the_amount_the_checkout_number_and_both_buttons(web, container, factory):
    shopper = await factory.user()
    payment = await factory.payment(user=shopper, amount=123450, checkout_number="C-20261124-0001")
    await web.sign_in(shopper.email)

    response = await page_of(web, payment)

    assert response.status_code == 200
    assert "NT$1,234.50" in response.text and "C-20261124-0001" in response.text
    assert 'value="succeed"' in response.text and 'value="fail"' in response.text
    assert 'name="csrf_token"' in response.text
    assert "Sandbox" in response.text and "no real money" in response.text
    assert "card-number" not in response.text and 'autocomplete="cc-' not in response.text


async def test_pay_marks_the_payment_paid_through_the_signed_webhook_and_returns_to_orders(
    web, container, factory, monkeypatch
):
    heard = hear_orders(monkeypatch)
    shopper = await factory.user()
    payment = await factory.payment(user=shopper, return_url="/orders/checkout-1")
    await web.sign_in(shopper.email)
    await page_of(web, payment)

    response = await web.form(f"/pay/sandbox/{payment.id}", {"outcome": "succeed"})

    assert response.status_code == 302 and response.headers["location"] == "/orders/checkout-1"
    current = await payments.get_payment(container.payments, payment.id)
    [event] = await payments.events_for(container.payments, payment.id)
    assert current.status == "succeeded" and current.last_event_id == event.event_id
    assert event.type == "payment.succeeded" and event.handled_at is not None
    assert heard == [
        (
            "on_payment_succeeded",
            {"checkout_id": payment.checkout_id, "payment_id": payment.id, "event_id": event.event_id},
        )
    ]
    assert "Payment received" in (await web.page("/pay/sandbox/" + payment.id)).text


async def test_fail_then_pay_again_on_the_same_page(web, container, factory, monkeypatch):
    heard = hear_orders(monkeypatch)
    shopper = await factory.user()
    payment = await factory.payment(user=shopper)
    await web.sign_in(shopper.email)
    await page_of(web, payment)

    failed = await web.form(f"/pay/sandbox/{payment.id}", {"outcome": "fail"})

    assert failed.status_code == 302 and failed.headers["location"] == f"/pay/sandbox/{payment.id}"
    again = await page_of(web, payment)
    assert "nothing was charged" in again.text and 'value="succeed"' in again.text
    assert (await payments.get_payment(container.payments, payment.id)).status == "failed"

    paid = await web.form(f"/pay/sandbox/{payment.id}", {"outcome": "succeed"})

    assert paid.status_code == 302 and paid.headers["location"] == "/orders"
    assert (await payments.get_payment(container.payments, payment.id)).status == "succeeded"
    assert [name for name, _ in heard] == ["on_payment_failed", "on_payment_succeeded"]


async def test_a_paid_payment_shows_no_buttons_and_a_second_press_changes_nothing(web, container, factory, monkeypatch):
    heard = hear_orders(monkeypatch)
    shopper = await factory.user()
    payment = await factory.payment(user=shopper)
    await web.sign_in(shopper.email)
    await page_of(web, payment)
    await web.form(f"/pay/sandbox/{payment.id}", {"outcome": "succeed"})

    page = await page_of(web, payment)
    late = await web.form(f"/pay/sandbox/{payment.id}", {"outcome": "fail"})

    assert 'value="succeed"' not in page.text and "Paid on" in page.text
    assert late.status_code == 302
    assert (await payments.get_payment(container.payments, payment.id)).status == "succeeded"
    assert len(await payments.events_for(container.payments, payment.id)) == 1 and len(heard) == 1


async def test_a_cancelled_payment_offers_no_buttons_and_cannot_be_paid(web, api, container, factory, monkeypatch):
    heard = hear_orders(monkeypatch)
    shopper = await factory.user()
    payment = await factory.payment(user=shopper)
    await payments.cancel_payment(container.payments, container.clock, payment_id=payment.id)
    await web.sign_in(shopper.email)

    page = await page_of(web, payment)
    pressed = await web.form(f"/pay/sandbox/{payment.id}", {"outcome": "succeed"})
    via_api = await api.post(f"/api/v1/sandbox/payments/{payment.id}/succeed", headers=await token_for(api, shopper))

    assert "checkout expired" in page.text and 'value="succeed"' not in page.text
    assert pressed.status_code == 302 and via_api.status_code == 409 and heard == []
    assert (await payments.get_payment(container.payments, payment.id)).status == "cancelled"


async def test_another_shopper_gets_404_for_the_page_the_buttons_and_the_api(web, api, container, factory):
    owner, other = await factory.user(), await factory.user()
    payment = await factory.payment(user=owner)
    await web.sign_in(other.email)

    assert (await page_of(web, payment)).status_code == 404
    assert (await web.form(f"/pay/sandbox/{payment.id}", {"outcome": "succeed"})).status_code == 404
    headers = await token_for(api, other)
    for path in (f"/api/v1/sandbox/payments/{payment.id}/succeed", f"/api/v1/sandbox/payments/{payment.id}/fail"):
        assert (await api.post(path, headers=headers)).status_code == 404
    assert (await api.get(f"/api/v1/payments/{payment.id}", headers=headers)).status_code == 404
    assert (await payments.get_payment(container.payments, payment.id)).status == "pending"


async def test_a_payment_without_an_owner_is_nobodys_page(web, container, factory):
    shopper = await factory.user()
    payment = await payments.start_payment(
        container.payments,
        container.clock,
        container.settings,
        checkout_id="65a1b2c3d4e5f60718293a4b",
        amount=100,
        currency="TWD",
    )
    await web.sign_in(shopper.email)
    assert (await page_of(web, payment)).status_code == 404


async def test_a_malformed_or_unknown_payment_id_is_404(web, factory):
    await web.sign_in((await factory.user()).email)
    for bad in ("nope", "65a1b2c3d4e5f60718293a4b", "%7B%22%24ne%22%3A1%7D"):
        assert (await web.get(f"/pay/sandbox/{bad}")).status_code == 404


async def test_a_visitor_is_sent_to_sign_in(web, factory):
    payment = await factory.payment()
    response = await web.get(f"/pay/sandbox/{payment.id}")
    assert response.status_code == 302 and response.headers["location"].startswith("/login?next=")


async def test_pressing_pay_without_the_csrf_token_is_refused(web, container, factory, monkeypatch):
    heard = hear_orders(monkeypatch)
    shopper = await factory.user()
    payment = await factory.payment(user=shopper)
    await web.sign_in(shopper.email)

    response = await web.post(f"/pay/sandbox/{payment.id}", data={"outcome": "succeed"})

    assert response.status_code == 403 and heard == []
    assert (await payments.get_payment(container.payments, payment.id)).status == "pending"


async def test_an_unknown_outcome_is_422(web, container, factory):
    shopper = await factory.user()
    payment = await factory.payment(user=shopper)
    await web.sign_in(shopper.email)
    await page_of(web, payment)
    response = await web.form(f"/pay/sandbox/{payment.id}", {"outcome": "refund"})
    assert response.status_code == 422
    assert (await payments.get_payment(container.payments, payment.id)).status == "pending"


async def test_the_api_drives_the_same_signed_path(api, container, factory, monkeypatch):
    heard = hear_orders(monkeypatch)
    shopper = await factory.user()
    payment = await factory.payment(user=shopper, amount=9900)
    headers = await token_for(api, shopper)

    failed = await api.post(f"/api/v1/sandbox/payments/{payment.id}/fail", headers=headers)
    paid = await api.post(f"/api/v1/sandbox/payments/{payment.id}/succeed", headers=headers)
    again = await api.post(f"/api/v1/sandbox/payments/{payment.id}/succeed", headers=headers)

    assert failed.status_code == 200 and failed.json()["payment"]["status"] == "failed"
    body = paid.json()
    assert paid.status_code == 200 and body["applied"] is True
    assert body["payment"]["status"] == "succeeded" and body["payment"]["amount"] == 9900
    assert again.status_code == 200 and again.json() == body  # paid already: the same answer, not a conflict
    events = await payments.events_for(container.payments, payment.id)
    assert [e.event_id for e in events] == [failed.json()["event_id"], body["event_id"]]
    assert [name for name, _ in heard] == ["on_payment_failed", "on_payment_succeeded"]
    shown = await api.get(f"/api/v1/payments/{payment.id}", headers=headers)
    assert shown.json()["status"] == "succeeded" and shown.json()["redirect_url"] == f"/pay/sandbox/{payment.id}"


async def test_the_sandbox_api_and_page_are_closed_with_another_provider(web, api, container, factory):
    shopper = await factory.user()
    payment = await factory.payment(user=shopper)
    container.settings = container.settings.replace(payment_provider="other")
    headers = await token_for(api, shopper)
    assert (await api.post(f"/api/v1/sandbox/payments/{payment.id}/succeed", headers=headers)).status_code == 404
    await web.sign_in(shopper.email)
    assert (await page_of(web, payment)).status_code == 404
    assert (await payments.get_payment(container.payments, payment.id)).status == "pending"


async def test_the_page_speaks_traditional_chinese_money_formatting(web, container, factory):
    shopper = await factory.user()
    payment = await factory.payment(user=shopper, amount=45000)
    await web.sign_in(shopper.email)
    await page_of(web, payment)
    await web.form("/lang", {"lang": "zh_Hant", "next": "/"})
    response = await page_of(web, payment)
    assert 'lang="zh-Hant"' in response.text and "$450" in response.text


async def test_a_payment_whose_orders_could_not_follow_says_processing_and_the_catch_up_pays_them(
    web, container, factory, monkeypatch
):
    """SECURITY row 20: no paid order stays unpaid, even when the orders side failed after the payment moved."""
    shopper = await factory.user()
    placed = await factory.checkout(shopper, (await factory.stocked_product(stock=5), 1))
    await web.sign_in(shopper.email)
    await web.page(f"/pay/sandbox/{placed.checkout.payment_id}")

    async def die(*_args, **_kwargs):
        raise RuntimeError("the worker died mid-way")

    monkeypatch.setattr(payment_events, "on_payment_succeeded", die)
    pressed = await web.form(f"/pay/sandbox/{placed.checkout.payment_id}", {"outcome": "succeed"})
    monkeypatch.undo()

    back = f"/checkouts/{placed.checkout.id}"
    assert pressed.status_code == 302 and pressed.headers["location"] == back
    assert "being confirmed" in (await web.page(back)).text  # a clear "processing", never an error
    assert (await container.checkouts.get(placed.checkout.id)).status is CheckoutStatus.PENDING_PAYMENT
    assert await orders.catch_up(container) == 0  # a delivery may still be running: left alone for a minute
    container.clock.advance(minutes=2)
    assert await orders.catch_up(container) == 1
    assert (await container.checkouts.get(placed.checkout.id)).status is CheckoutStatus.PAID
    assert [o.status for o in await container.orders.of_checkout(placed.checkout.id)] == [OrderStatus.PAID]
    assert await orders.catch_up(container) == 0
