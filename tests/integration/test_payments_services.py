"""Payments as the orders side and the webhook route use them: one payment per
checkout, each provider event applied at most once, refunds never above what
was paid (SECURITY rows 4, 14, 15)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from mall.payments import services as payments
from mall.payments.models import PaymentConflict, RefundRefused, WebhookRejected
from mall.payments.providers import provider_for
from tests.integration.payments_helpers import signed_event


async def receive(c, raw, headers, provider="sandbox"):
    return await payments.receive_webhook(
        c.payments, c.clock, c.settings, provider=provider, raw_body=raw, headers=headers
    )


async def settle(c, payment, **kw):
    """Deliver a signed event and finish it as the web layer does."""
    receipt = await receive(c, *signed_event(c, payment, **kw))
    if receipt.notify:
        await payments.mark_event_handled(c.payments, c.clock, event_id=receipt.event.id)
    return receipt


async def paid(c, factory, amount=10000):
    payment = await factory.payment(amount=amount)
    await settle(c, payment)
    return await payments.get_payment(c.payments, payment.id)


async def test_a_payment_starts_pending_with_the_sandbox_page_as_redirect(container, factory):
    shopper = await factory.user()
    payment = await factory.payment(user=shopper, amount=45000, checkout_number="C-1001", return_url="/orders/x")
    assert payment.status == "pending" and payment.amount == 45000 and payment.currency == "TWD"
    assert payment.redirect_url == f"/pay/sandbox/{payment.id}"
    assert payment.user_id == shopper.id and payment.checkout_number == "C-1001" and payment.return_url == "/orders/x"
    assert payment.created_at == container.clock.now() and payment.refunded_amount == 0
    assert await payments.get_payment(container.payments, payment.id) == payment


async def test_starting_twice_for_one_checkout_gives_the_same_payment(container, factory):
    first = await factory.payment(checkout_id="65a1b2c3d4e5f60718293a4b", amount=500)
    again = await factory.payment(checkout_id="65a1b2c3d4e5f60718293a4b", amount=500)
    assert again.id == first.id
    with pytest.raises(PaymentConflict):
        await factory.payment(checkout_id="65a1b2c3d4e5f60718293a4b", amount=501)


@pytest.mark.parametrize("amount", [0, -1, 1.5, "100", True])
async def test_a_payment_needs_a_positive_integer_amount(container, factory, amount):
    with pytest.raises(ValueError):
        await factory.payment(amount=amount)


async def test_a_return_url_to_another_site_is_dropped(container, factory):
    payment = await factory.payment(return_url="//evil.example/phish")
    assert payment.return_url is None


async def test_a_valid_event_marks_the_payment_paid_once(container, factory):
    payment = await factory.payment(amount=45000)
    receipt = await settle(container, payment)
    assert receipt.notify and not receipt.duplicate
    assert receipt.payment.status == "succeeded" and receipt.payment.paid_at == container.clock.now()
    [recorded] = await payments.events_for(container.payments, payment.id)
    assert recorded.event_id == receipt.event.id and recorded.handled_at is not None


async def test_a_replayed_event_changes_nothing(container, factory):
    payment = await factory.payment()
    raw, headers = signed_event(container, payment)
    first = await receive(container, raw, headers)
    await payments.mark_event_handled(container.payments, container.clock, event_id=first.event.id)
    before = await payments.get_payment(container.payments, payment.id)
    container.clock.advance(seconds=30)

    replay = await receive(container, raw, headers)

    assert replay.duplicate and not replay.notify
    assert await payments.get_payment(container.payments, payment.id) == before
    assert len(await payments.events_for(container.payments, payment.id)) == 1


async def test_a_redelivery_after_a_crash_before_handling_is_passed_on_again(container, factory):
    payment = await factory.payment()
    raw, headers = signed_event(container, payment)
    first = await receive(container, raw, headers)  # the orders side never heard of it (crash)
    assert first.notify

    again = await receive(container, raw, headers)

    assert again.duplicate and again.notify and again.payment.status == "succeeded"


async def test_a_redelivery_after_a_crash_before_the_status_change_applies_it(container, factory):
    payment = await factory.payment()
    raw, headers = signed_event(container, payment)
    verified = provider_for("sandbox", container.settings, container.clock).verify_webhook(raw, headers)
    assert await container.payments.record_event(verified, "sandbox", container.clock.now())  # then the process died

    again = await receive(container, raw, headers)

    assert again.duplicate and again.notify and again.payment.status == "succeeded"


async def test_a_failed_payment_can_be_paid_on_a_later_attempt(container, factory):
    payment = await factory.payment()
    failed = await settle(container, payment, type="payment.failed")
    assert failed.notify and failed.payment.status == "failed"
    retried = await settle(container, payment)
    assert retried.notify and retried.payment.status == "succeeded"


async def test_a_failure_after_success_is_recorded_but_changes_nothing(container, factory):
    payment = await factory.payment()
    await settle(container, payment)
    late = await settle(container, payment, type="payment.failed")
    assert not late.notify and late.payment.status == "succeeded"
    assert [e.handled_at is not None for e in await payments.events_for(container.payments, payment.id)] == [True, True]


async def test_cancelling_an_unpaid_payment_stops_it_from_being_paid_in_the_sandbox(container, factory):
    payment = await factory.payment()
    cancelled = await payments.cancel_payment(container.payments, container.clock, payment_id=payment.id)
    assert cancelled.status == "cancelled" and not cancelled.settleable


async def test_a_payment_that_succeeded_first_wins_against_cancelling(container, factory):
    payment = await factory.payment()
    await settle(container, payment)
    after = await payments.cancel_payment(container.payments, container.clock, payment_id=payment.id)
    assert after.status == "succeeded"


async def test_a_provider_success_after_cancelling_is_still_recorded_for_a_refund(container, factory):
    payment = await factory.payment()
    await payments.cancel_payment(container.payments, container.clock, payment_id=payment.id)
    late = await settle(container, payment)
    assert late.notify and late.payment.status == "succeeded"  # money moved: the orders side refunds it


async def test_cancelling_an_unknown_payment_gives_none(container):
    assert await payments.cancel_payment(container.payments, container.clock, payment_id="nope") is None


async def test_an_event_for_another_amount_is_refused_and_not_recorded(container, factory):
    payment = await factory.payment(amount=45000)
    with pytest.raises(WebhookRejected) as info:
        await receive(container, *signed_event(container, payment, amount=100))
    assert info.value.reason == "amount_mismatch"
    assert (await payments.get_payment(container.payments, payment.id)).status == "pending"
    assert await payments.events_for(container.payments, payment.id) == []


async def test_an_event_for_an_unknown_payment_is_refused(container, factory):
    payment = await factory.payment()
    payment.id = "65a1b2c3d4e5f60718293a4b"
    with pytest.raises(WebhookRejected) as info:
        await receive(container, *signed_event(container, payment))
    assert info.value.reason == "unknown_payment"


async def test_a_stale_event_is_refused(container, factory):
    payment = await factory.payment()
    raw, headers = signed_event(container, payment, at=container.clock.now() - timedelta(seconds=301))
    with pytest.raises(WebhookRejected) as info:
        await receive(container, raw, headers)
    assert info.value.reason == "stale_timestamp" and info.value.status == 401
    assert (await payments.get_payment(container.payments, payment.id)).status == "pending"


async def test_events_for_a_provider_that_is_not_configured_are_refused(container, factory):
    payment = await factory.payment()
    with pytest.raises(WebhookRejected) as info:
        await receive(container, *signed_event(container, payment), provider="paypal")
    assert info.value.status == 404


async def test_refunds_add_up_to_the_paid_amount_and_never_beyond(container, factory):
    payment = await paid(container, factory, amount=10000)
    part = await payments.refund(
        container.payments, container.clock, container.settings, payment_id=payment.id, amount=3000, reason="one line"
    )
    assert part.status == "succeeded" and part.provider_ref.startswith("sbx_re_")
    after_part = await payments.get_payment(container.payments, payment.id)
    assert after_part.status == "partially_refunded" and after_part.refunded_amount == 3000

    with pytest.raises(RefundRefused) as info:
        await payments.refund(
            container.payments,
            container.clock,
            container.settings,
            payment_id=payment.id,
            amount=7001,
            reason="too much",
        )
    assert info.value.reason == "exceeds_remaining"

    await payments.refund(
        container.payments, container.clock, container.settings, payment_id=payment.id, amount=7000, reason="the rest"
    )
    final = await payments.get_payment(container.payments, payment.id)
    assert final.status == "refunded" and final.refunded_amount == 10000
    records = await payments.refunds_for(container.payments, payment.id)
    assert [(r.amount, r.status) for r in records] == [(3000, "succeeded"), (7001, "refused"), (7000, "succeeded")]


async def test_a_refund_with_the_same_key_is_counted_once(container, factory):
    payment = await paid(container, factory, amount=10000)
    kw = {"payment_id": payment.id, "amount": 2500, "reason": "cancelled order", "key": "order:abc"}
    first = await payments.refund(container.payments, container.clock, container.settings, **kw)
    again = await payments.refund(container.payments, container.clock, container.settings, **kw)
    assert again.id == first.id
    assert (await payments.get_payment(container.payments, payment.id)).refunded_amount == 2500
    with pytest.raises(RefundRefused) as info:
        await payments.refund(container.payments, container.clock, container.settings, **{**kw, "amount": 100})
    assert info.value.reason == "key_reused"


async def test_an_unpaid_payment_cannot_be_refunded(container, factory):
    payment = await factory.payment()
    with pytest.raises(RefundRefused) as info:
        await payments.refund(
            container.payments, container.clock, container.settings, payment_id=payment.id, amount=1, reason="x"
        )
    assert info.value.reason == "not_paid"


@pytest.mark.parametrize("amount", [0, -100, 1.5, "100", True])
async def test_a_refund_amount_must_be_a_positive_integer(container, factory, amount):
    payment = await paid(container, factory)
    with pytest.raises(RefundRefused) as info:
        await payments.refund(
            container.payments, container.clock, container.settings, payment_id=payment.id, amount=amount, reason="x"
        )
    assert info.value.reason == "invalid_amount"


async def test_concurrent_refunds_never_exceed_the_paid_amount(container, factory):
    payment = await paid(container, factory, amount=10000)

    async def attempt(n):
        try:
            return await payments.refund(
                container.payments,
                container.clock,
                container.settings,
                payment_id=payment.id,
                amount=3000,
                reason=f"try {n}",
            )
        except RefundRefused as exc:
            return exc.reason

    results = await asyncio.gather(*(attempt(n) for n in range(20)))

    assert sum(1 for r in results if not isinstance(r, str)) == 3
    assert {r for r in results if isinstance(r, str)} == {"exceeds_remaining"}
    final = await payments.get_payment(container.payments, payment.id)
    assert final.refunded_amount == 9000 and final.status == "partially_refunded" and len(final.refund_ids) == 3
