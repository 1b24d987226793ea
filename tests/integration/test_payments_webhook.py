"""The public sandbox webhook over real HTTP (SECURITY row 15): only a signed,
fresh, untampered event for the right amount changes a payment, each event id
once; every refusal changes nothing and is logged with the request id."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from mall.payments import services as payments
from mall.payments.providers import sign
from tests.integration.payments_helpers import hear_orders, post_webhook, signed_event


async def state(c, payment):
    return await payments.get_payment(c.payments, payment.id), await payments.events_for(c.payments, payment.id)


async def test_a_signed_webhook_marks_the_payment_paid_and_tells_the_orders_side_once(
    api, container, factory, monkeypatch
):
    heard = hear_orders(monkeypatch)
    payment = await factory.payment(amount=45000)
    raw, headers = signed_event(container, payment)

    response = await post_webhook(api, raw, headers)

    assert response.status_code == 200 and response.json() == {"received": True, "duplicate": False}
    current, [event] = await state(container, payment)
    assert current.status == "succeeded" and event.handled_at is not None
    assert heard == [
        (
            "on_payment_succeeded",
            {"checkout_id": payment.checkout_id, "payment_id": payment.id, "event_id": event.event_id},
        )
    ]


async def test_a_replayed_webhook_is_acknowledged_and_changes_nothing(api, container, factory, monkeypatch):
    heard = hear_orders(monkeypatch)
    payment = await factory.payment()
    raw, headers = signed_event(container, payment)
    assert (await post_webhook(api, raw, headers)).status_code == 200
    before = await state(container, payment)
    container.clock.advance(seconds=60)

    replay = await post_webhook(api, raw, headers)

    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert await state(container, payment) == before
    assert len(heard) == 1


async def test_a_failure_webhook_marks_the_payment_failed(api, container, factory, monkeypatch):
    heard = hear_orders(monkeypatch)
    payment = await factory.payment()
    response = await post_webhook(api, *signed_event(container, payment, type="payment.failed"))
    assert response.status_code == 200
    assert (await payments.get_payment(container.payments, payment.id)).status == "failed"
    assert [name for name, _ in heard] == ["on_payment_failed"]


def forged(c, payment):
    raw, headers = signed_event(c, payment)
    return raw, {**headers, "Mall-Signature": headers["Mall-Signature"][:-4] + "0000"}


def wrong_secret(c, payment):
    return signed_event(c, payment, secret="attacker-guess")


def stale(c, payment):
    return signed_event(c, payment, at=c.clock.now() - timedelta(seconds=301))


def from_the_future(c, payment):
    return signed_event(c, payment, at=c.clock.now() + timedelta(seconds=301))


def tampered(c, payment):
    raw, headers = signed_event(c, payment, amount=1)  # signed for 1, then edited to the full amount
    return raw.replace(b'"amount": 1,', f'"amount": {payment.amount},'.encode()), headers


def unsigned(c, payment):
    raw, _ = signed_event(c, payment)
    return raw, {"Content-Type": "application/json"}


def wrong_amount(c, payment):
    return signed_event(c, payment, amount=payment.amount - 1)


ATTACKS = [
    (forged, 401),
    (wrong_secret, 401),
    (stale, 401),
    (from_the_future, 401),
    (tampered, 401),
    (unsigned, 401),
    (wrong_amount, 400),
]


@pytest.mark.parametrize(("attack", "status"), ATTACKS, ids=[a.__name__ for a, _ in ATTACKS])
async def test_a_bad_webhook_is_refused_changes_nothing_and_is_logged(
    api, container, factory, monkeypatch, caplog, attack, status
):
    heard = hear_orders(monkeypatch)
    payment = await factory.payment(amount=45000)
    before = await state(container, payment)
    raw, headers = attack(container, payment)

    with caplog.at_level(logging.WARNING, logger="mall.payments"):
        response = await post_webhook(api, raw, headers)

    assert response.status_code == status
    assert await state(container, payment) == before and heard == []
    request_id = response.headers["X-Request-ID"]
    [line] = [r for r in caplog.records if r.name == "mall.payments"]
    assert line.levelno == logging.WARNING and request_id in line.getMessage()
    assert "refused" in line.getMessage()


async def test_a_signed_body_with_a_mongo_operator_is_refused_as_malformed(api, container, factory, monkeypatch):
    heard = hear_orders(monkeypatch)
    payment = await factory.payment()
    raw, _ = signed_event(container, payment)
    raw = raw.replace(f'"{payment.id}"'.encode(), b'{"$ne": ""}')
    headers = sign(container.settings.payment_webhook_secret, int(container.clock.now().timestamp()), raw)

    response = await post_webhook(api, raw, headers)

    assert response.status_code == 400
    assert (await payments.get_payment(container.payments, payment.id)).status == "pending" and heard == []


async def test_the_webhook_answers_json_errors_without_details(api, container, factory):
    payment = await factory.payment()
    response = await post_webhook(api, *forged(container, payment))
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["message"] == "invalid signature"


async def test_the_webhook_needs_no_session_or_csrf_token_but_refuses_a_foreign_browser_origin(
    api, container, factory, monkeypatch
):
    hear_orders(monkeypatch)
    payment = await factory.payment()
    raw, headers = signed_event(container, payment)
    response = await post_webhook(api, raw, {**headers, "Origin": "https://evil.example"})
    assert response.status_code == 403
    assert (await post_webhook(api, raw, headers)).status_code == 200


async def test_the_sandbox_webhook_is_closed_when_another_provider_is_configured(api, container, factory):
    payment = await factory.payment()
    container.settings = container.settings.replace(payment_provider="other")
    response = await post_webhook(api, *signed_event(container, payment))
    assert response.status_code == 404
    assert (await payments.get_payment(container.payments, payment.id)).status == "pending"


async def test_the_webhook_is_in_the_openapi_document(api):
    spec = (await api.get("/api/v1/openapi.json")).json()
    for path in (
        "/api/v1/payments/webhook/sandbox",
        "/api/v1/sandbox/payments/{payment_id}/succeed",
        "/api/v1/sandbox/payments/{payment_id}/fail",
        "/api/v1/payments/{payment_id}",
    ):
        assert path in spec["paths"], path
