"""The sandbox provider's webhook check (SECURITY row 15): HMAC over the raw
body and timestamp, constant-time compare, ±300 s window, strict body."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from mall.cli import main
from mall.config import insecure_defaults, load_settings
from mall.infra.clock import FrozenClock
from mall.payments.models import EventType, WebhookRejected
from mall.payments.providers import SandboxProvider, new_event_id, sign

SECRET = "unit-test-webhook-secret"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PAYMENT_ID = "65a1b2c3d4e5f60718293a4b"


def event(**changes) -> dict:
    return {
        "id": new_event_id(),
        "type": "payment.succeeded",
        "payment_id": PAYMENT_ID,
        "amount": 45000,
        "created": int(NOW.timestamp()),
        **changes,
    }


def signed(body: dict | bytes, *, at: datetime = NOW, secret: str = SECRET) -> tuple[bytes, dict]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, sign(secret, int(at.timestamp()), raw)


def provider(now: datetime = NOW) -> SandboxProvider:
    return SandboxProvider(SECRET, 300, FrozenClock(now))


def refused(raw: bytes, headers: dict, now: datetime = NOW) -> str:
    with pytest.raises(WebhookRejected) as info:
        provider(now).verify_webhook(raw, headers)
    return info.value.reason


def test_a_correctly_signed_event_is_returned_as_sent():
    body = event()
    verified = provider().verify_webhook(*signed(body))
    assert verified.id == body["id"] and verified.type is EventType.SUCCEEDED
    assert verified.payment_id == PAYMENT_ID and verified.amount == 45000


def test_the_signature_header_name_is_case_insensitive():
    raw, headers = signed(event())
    assert provider().verify_webhook(raw, {"mall-signature": headers["Mall-Signature"]}).amount == 45000


def test_a_body_changed_after_signing_is_refused():
    raw, headers = signed(event(amount=100))
    tampered = raw.replace(b'"amount": 100', b'"amount": 1')
    assert tampered != raw
    assert refused(tampered, headers) == "bad_signature"


def test_a_signature_made_with_another_secret_is_refused():
    assert refused(*signed(event(), secret="guessed-secret")) == "bad_signature"


def test_a_signature_over_the_reformatted_json_is_refused():
    raw, headers = signed(event())
    reformatted = json.dumps(json.loads(raw), indent=2).encode()
    assert refused(reformatted, headers) == "bad_signature"


@pytest.mark.parametrize("header", [None, "", "v1=" + "a" * 64, "t=1764000000", "t=abc,v1=" + "a" * 64, "t=1,v1=xyz"])
def test_a_missing_or_malformed_signature_header_is_refused(header):
    raw, _ = signed(event())
    reason = refused(raw, {} if header is None else {"Mall-Signature": header})
    assert reason in {"missing_signature", "malformed_signature"}


@pytest.mark.parametrize("age", [timedelta(seconds=301), timedelta(seconds=-301), timedelta(days=3)])
def test_a_timestamp_outside_the_300_second_window_is_refused(age):
    assert refused(*signed(event(), at=NOW - age)) == "stale_timestamp"


def test_a_timestamp_at_the_edge_of_the_window_is_accepted():
    assert provider().verify_webhook(*signed(event(), at=NOW - timedelta(seconds=300))).amount == 45000


def test_one_matching_signature_among_several_is_enough_for_secret_rotation():
    raw, headers = signed(event())
    good = headers["Mall-Signature"].split("v1=")[1]
    rotated = {"Mall-Signature": f"t={int(NOW.timestamp())},v1={'0' * 64},v1={good}"}
    assert provider().verify_webhook(raw, rotated).amount == 45000


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        event(amount="45000"),
        event(amount=450.0),
        event(amount=True),
        event(amount=0),
        event(amount=-5),
        event(id="not-an-event-id"),
        event(type="payment.refunded"),
        event(payment_id={"$ne": ""}),
        event(payment_id="../../etc"),
        event(extra="field"),
        {k: v for k, v in event().items() if k != "amount"},
    ],
)
def test_a_correctly_signed_but_malformed_event_is_refused(body):
    assert refused(*signed(body)) == "malformed_body"


def test_the_sandbox_simulation_produces_a_delivery_the_provider_accepts():
    sandbox = provider()

    class Payment:
        id, amount = PAYMENT_ID, 12345

    delivery = sandbox.simulate(Payment, EventType.FAILED)
    verified = sandbox.verify_webhook(delivery.raw_body, delivery.headers)
    assert verified.id == delivery.event_id and verified.type is EventType.FAILED and verified.amount == 12345


def test_production_settings_need_a_real_webhook_secret():
    settings = load_settings(environ={"MALL_DEMO": "false"})
    assert insecure_defaults(settings) == [
        "MALL_PAYMENT_WEBHOOK_SECRET must be set to a random value of 16+ characters",
        "MALL_PAYOUT_WEBHOOK_SECRET must be set to a random value of 16+ characters",
    ]
    assert insecure_defaults(settings.replace(payment_webhook_secret="x" * 32, payout_webhook_secret="y" * 32)) == []
    assert insecure_defaults(settings.replace(demo=True)) == []


def test_the_server_refuses_to_start_without_a_real_webhook_secret(monkeypatch, capsys):
    monkeypatch.setenv("MALL_DEMO", "false")
    monkeypatch.delenv("MALL_PAYMENT_WEBHOOK_SECRET", raising=False)
    assert main(["serve"]) == 2
    assert "MALL_PAYMENT_WEBHOOK_SECRET" in capsys.readouterr().err
