"""Payment providers. The built-in `sandbox` hosts its own Pay/Fail page in the
app and signs its webhooks like a real provider would, so the whole verified
path runs in development and tests.

Signature header: `Mall-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>" keyed with payment_webhook_secret>`."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping

from pydantic import ValidationError

from mall.payments.models import (
    EventType,
    Payment,
    PaymentProvider,
    Refund,
    SignedDelivery,
    WebhookEvent,
    WebhookRejected,
)
from mall.payments.schemas import WebhookEventIn

SIGNATURE_HEADER = "Mall-Signature"
MAX_BODY = 64 * 1024


def signature(secret: str, timestamp: int, raw_body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + raw_body, hashlib.sha256)
    return mac.hexdigest()


def sign(secret: str, timestamp: int, raw_body: bytes) -> dict[str, str]:
    """The headers a provider sends with `raw_body` at `timestamp`."""
    return {SIGNATURE_HEADER: f"t={timestamp},v1={signature(secret, timestamp, raw_body)}"}


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(12)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    return value


def check_signed(raw_body: bytes, headers: Mapping[str, str], secret: str, tolerance: int, now) -> None:
    """WebhookRejected unless `raw_body` carries a valid signature of `secret` (constant-time HMAC over the raw
    bytes) made within ±tolerance seconds of `now`, and is not too large. The payout provider checks the same way."""
    timestamp, candidates = _parse_signature(_header(headers, SIGNATURE_HEADER))
    if abs(now.timestamp() - timestamp) > tolerance:
        raise WebhookRejected("stale_timestamp", 401)
    if len(raw_body) > MAX_BODY:
        raise WebhookRejected("body_too_large")
    expected = signature(secret, timestamp, raw_body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise WebhookRejected("bad_signature", 401)


def _parse_signature(value: str | None) -> tuple[int, list[str]]:
    if not value:
        raise WebhookRejected("missing_signature", 401)
    timestamp, candidates = None, []
    for part in value.split(","):
        key, _, item = part.strip().partition("=")
        if key == "t" and item.isascii() and item.isdigit() and len(item) <= 12:
            timestamp = int(item)
        elif key == "v1" and re.fullmatch(r"[0-9a-f]{64}", item):
            candidates.append(item)
    if timestamp is None or not candidates:
        raise WebhookRejected("malformed_signature", 401)
    return timestamp, candidates


def _parse_event(raw_body: bytes) -> WebhookEvent:
    try:
        data = WebhookEventIn.model_validate_json(raw_body)
    except ValidationError:
        raise WebhookRejected("malformed_body") from None
    kind = EventType(data.type)
    if (kind is EventType.REFUND_SUCCEEDED) != (data.refund_id is not None):
        raise WebhookRejected("malformed_body")  # a refund event names its refund; a payment event none
    return WebhookEvent(
        id=data.id,
        type=kind,
        payment_id=data.payment_id,
        amount=data.amount,
        created=data.created,
        refund_id=data.refund_id,
    )


class SandboxProvider:
    """Payments settled by the shopper's own click on the hosted sandbox page."""

    name = "sandbox"

    def __init__(self, secret: str, tolerance: int, clock):
        self.secret = secret
        self.tolerance = tolerance
        self.clock = clock

    async def start(self, payment: Payment) -> str:
        return f"/pay/sandbox/{payment.id}"

    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Constant-time HMAC check over the raw bytes, within ±tolerance seconds of now."""
        check_signed(raw_body, headers, self.secret, self.tolerance, self.clock.now())
        return _parse_event(raw_body)

    async def refund(self, payment: Payment, amount: int, *, key: str) -> str:
        return "sbx_re_" + hashlib.sha256(f"{payment.id}:{key}".encode()).hexdigest()[:24]

    def simulate(self, payment: Payment, outcome: EventType) -> SignedDelivery:
        """The signed webhook the sandbox 'bank' sends when the shopper presses Pay or Fail."""
        body = {"type": outcome.value, "payment_id": payment.id, "amount": payment.amount}
        return self._signed(body)

    def confirm_refund(self, refund: Refund) -> SignedDelivery:
        """The signed `refund.succeeded` webhook the sandbox 'bank' sends once it has paid a refund out (at once:
        every partial refund of a payment is confirmed the same way, through the same verified path)."""
        body = {"type": EventType.REFUND_SUCCEEDED.value, "payment_id": refund.payment_id, "amount": refund.amount}
        return self._signed({**body, "refund_id": refund.id})

    def _signed(self, body: dict) -> SignedDelivery:
        now = int(self.clock.now().timestamp())
        event_id = new_event_id()
        raw_body = json.dumps({"id": event_id, **body, "created": now}, separators=(",", ":")).encode()
        return SignedDelivery(raw_body=raw_body, headers=sign(self.secret, now, raw_body), event_id=event_id)


def provider_for(name: str, settings, clock) -> PaymentProvider:
    if name == "sandbox":
        return SandboxProvider(settings.payment_webhook_secret, settings.payment_webhook_tolerance, clock)
    raise ValueError(f"unknown payment provider: {name!r}")
