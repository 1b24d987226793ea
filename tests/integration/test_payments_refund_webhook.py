"""Refunds are confirmed by the provider's signed `refund.succeeded` webhook, through the same verified path as
payments: the sandbox confirms every (partial) refund at once; a forged, stale or mismatched confirmation is
refused and changes nothing; a redelivered one is ignored (SECURITY rows 15, 23)."""

from __future__ import annotations

import json

import pytest

from mall.payments import services as payments
from mall.payments.models import WebhookRejected
from mall.payments.providers import new_event_id, sign
from tests.integration.payments_helpers import WEBHOOK, signed_event


async def receive(c, raw, headers):
    return await payments.receive_webhook(
        c.payments, c.clock, c.settings, provider="sandbox", raw_body=raw, headers=headers
    )


async def paid(c, factory, amount=10000):
    payment = await factory.payment(amount=amount)
    receipt = await receive(c, *signed_event(c, payment))
    await payments.mark_event_handled(c.payments, c.clock, event_id=receipt.event.id)
    return await payments.get_payment(c.payments, payment.id)


def refund_event(c, refund, *, amount=None, secret=None, at=None, event_id=None):
    timestamp = int((at or c.clock.now()).timestamp())
    body = {
        "id": event_id or new_event_id(),
        "type": "refund.succeeded",
        "payment_id": refund.payment_id,
        "amount": refund.amount if amount is None else amount,
        "created": timestamp,
        "refund_id": refund.id,
    }
    raw = json.dumps(body).encode()
    return raw, {
        **sign(secret or c.settings.payment_webhook_secret, timestamp, raw),
        "Content-Type": "application/json",
    }


async def _requested(c, payment, amount, key):
    """A refund counted and sent to the provider whose confirmation has not arrived yet."""
    refund = await payments.refund(c.payments, c.clock, c.settings, payment_id=payment.id, amount=amount,
                                   reason="test", key=key)  # fmt: skip
    await c.payments.refunds.update_one({"_id": refund.id}, {"$set": {"status": "requested"}})
    return await c.payments.get_refund(refund.id)


async def test_the_sandbox_confirms_each_partial_refund_with_a_signed_webhook(container, factory):
    payment = await paid(container, factory)
    first = await payments.refund(container.payments, container.clock, container.settings, payment_id=payment.id,
                                  amount=3000, reason="one line", key="case:a")  # fmt: skip
    second = await payments.refund(container.payments, container.clock, container.settings, payment_id=payment.id,
                                   amount=2000, reason="another", key="case:b")  # fmt: skip
    assert (first.status, second.status) == ("succeeded", "succeeded")
    events = await payments.events_for(container.payments, payment.id)
    assert [e.type for e in events] == ["payment.succeeded", "refund.succeeded", "refund.succeeded"]
    assert [e.amount for e in events[1:]] == [3000, 2000] and all(e.handled_at for e in events)
    assert (await payments.get_payment(container.payments, payment.id)).refunded_amount == 5000


async def test_a_forged_refund_confirmation_is_refused_over_http_and_changes_nothing(app, api, container, factory):
    payment = await paid(container, factory)
    refund = await _requested(container, payment, 2500, "case:forged")
    seen = len(await payments.events_for(container.payments, payment.id))
    for raw, headers in (
        refund_event(container, refund, secret="not-the-secret-at-all"),
        refund_event(container, refund, at=container.clock.now().replace(year=2020)),
    ):
        answer = await api.post(WEBHOOK, content=raw, headers=headers)
        assert answer.status_code == 401
    raw, headers = refund_event(container, refund, amount=9999)  # signed, but not what was refunded
    assert (await api.post(WEBHOOK, content=raw, headers=headers)).status_code == 400
    assert (await container.payments.get_refund(refund.id)).status == "requested"
    assert len(await payments.events_for(container.payments, payment.id)) == seen

    raw, headers = refund_event(container, refund)
    answer = await api.post(WEBHOOK, content=raw, headers=headers)
    assert answer.status_code == 200 and answer.json() == {"received": True, "duplicate": False}
    assert (await container.payments.get_refund(refund.id)).status == "succeeded"
    again = await api.post(WEBHOOK, content=raw, headers=headers)
    assert again.json()["duplicate"] is True


async def test_a_refund_confirmation_for_another_payments_refund_is_refused(container, factory):
    payment, other = await paid(container, factory), await paid(container, factory)
    refund = await _requested(container, payment, 1000, "case:x")
    raw, _headers = refund_event(container, refund)
    moved = json.loads(raw)
    moved["payment_id"] = other.id
    raw = json.dumps(moved).encode()
    timestamp = moved["created"]
    with pytest.raises(WebhookRejected) as info:
        await receive(container, raw, sign(container.settings.payment_webhook_secret, timestamp, raw))
    assert info.value.reason == "unknown_refund"
    assert (await container.payments.get_refund(refund.id)).status == "requested"


async def test_a_payment_event_naming_a_refund_is_malformed(container, factory):
    payment = await factory.payment()
    raw, _headers = signed_event(container, payment)
    body = {**json.loads(raw), "refund_id": "a" * 24}
    raw = json.dumps(body).encode()
    with pytest.raises(WebhookRejected) as info:
        await receive(container, raw, sign(container.settings.payment_webhook_secret, body["created"], raw))
    assert info.value.reason == "malformed_body"
