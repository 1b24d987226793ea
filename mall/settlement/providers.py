"""Payout providers. The built-in `sandbox` pays every payout it is sent and reports it by a webhook signed like the
payments sandbox's (HMAC-SHA256 over "<t>.<raw body>", header Mall-Signature: t=<unix>,v1=<hex>), keyed with
payout_webhook_secret; a real provider plugs in behind the same three methods."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from pydantic import ValidationError

from mall.payments.models import SignedDelivery, WebhookRejected
from mall.payments.providers import check_signed, sign
from mall.settlement.schemas import PayoutEventIn


@dataclass(frozen=True)
class PayoutEvent:
    id: str
    type: str  # "payout.paid" | "payout.failed"
    payout_id: str
    amount: int
    reason: str = ""


class PayoutProvider(Protocol):
    name: str

    async def send(self, payout) -> str:
        """Start paying `payout.amount` to the shop; the provider's reference. Same payout id = same transfer."""
        ...

    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> PayoutEvent:
        """The event, only if the provider really sent it just now; else WebhookRejected."""
        ...


class SandboxPayouts:
    name = "sandbox"

    def __init__(self, secret: str, tolerance: int, clock):
        self.secret, self.tolerance, self.clock = secret, tolerance, clock

    async def send(self, payout) -> str:
        return "sbx_po_" + hashlib.sha256(payout.id.encode()).hexdigest()[:24]

    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> PayoutEvent:
        """Constant-time HMAC check over the raw bytes, within ±tolerance seconds of now."""
        check_signed(raw_body, headers, self.secret, self.tolerance, self.clock.now())
        try:
            data = PayoutEventIn.model_validate_json(raw_body)
        except ValidationError:
            raise WebhookRejected("malformed_body") from None
        return PayoutEvent(data.id, data.type, data.payout_id, data.amount, data.reason)

    def simulate(self, payout, outcome: str, reason: str = "") -> SignedDelivery:
        """The signed webhook the sandbox 'bank' sends: outcome "payout.paid" or "payout.failed"."""
        now = int(self.clock.now().timestamp())
        event_id = "evt_" + secrets.token_hex(12)
        body = {"id": event_id, "type": outcome, "payout_id": payout.id, "amount": payout.amount, "created": now}
        if reason:
            body["reason"] = reason
        raw_body = json.dumps(body, separators=(",", ":")).encode()
        return SignedDelivery(raw_body=raw_body, headers=sign(self.secret, now, raw_body), event_id=event_id)


def payout_provider(settings, clock) -> SandboxPayouts:
    if settings.payout_provider == SandboxPayouts.name:
        return SandboxPayouts(settings.payout_webhook_secret, settings.payment_webhook_tolerance, clock)
    raise ValueError(f"unknown payout provider: {settings.payout_provider!r}")
