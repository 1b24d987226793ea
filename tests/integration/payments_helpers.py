"""Signed sandbox webhooks for tests, made with the app's own signer."""

from __future__ import annotations

import json

from mall.orders import services as orders
from mall.orders.services import payment_events
from mall.payments import services as payments
from mall.payments.models import EventType
from mall.payments.providers import new_event_id, sign

WEBHOOK = "/api/v1/payments/webhook/sandbox"


def signed_event(c, payment, *, type="payment.succeeded", amount=None, event_id=None, at=None, secret=None):
    """(raw body, headers) exactly as the sandbox provider would send them at `at` (default: now)."""
    timestamp = int((at or c.clock.now()).timestamp())
    body = {
        "id": event_id or new_event_id(),
        "type": type,
        "payment_id": payment.id,
        "amount": payment.amount if amount is None else amount,
        "created": timestamp,
    }
    raw = json.dumps(body).encode()
    headers = sign(secret or c.settings.payment_webhook_secret, timestamp, raw)
    return raw, {**headers, "Content-Type": "application/json"}


async def post_webhook(api, raw: bytes, headers: dict):
    return await api.post(WEBHOOK, content=raw, headers=headers)


def hear_orders(monkeypatch) -> list[tuple[str, dict]]:
    """Record what the orders side is told (instead of running it): [(hook name, kwargs), ...]."""
    heard: list[tuple[str, dict]] = []

    def recorder(name):
        async def hook(c, **kwargs):
            heard.append((name, kwargs))

        return hook

    for name in ("on_payment_succeeded", "on_payment_failed"):  # where apply_payment_event finds them
        monkeypatch.setattr(payment_events, name, recorder(name))
    return heard


async def settle_through_sandbox(c, payment_id: str, outcome: str = "succeed"):
    """Press the sandbox's Pay (or Fail) without a browser: the signed event goes through
    verification, then the orders side hears of it, exactly as the web layer does it."""
    payment = await payments.get_payment(c.payments, payment_id)
    kind = EventType.SUCCEEDED if outcome == "succeed" else EventType.FAILED
    delivery = payments.sandbox_delivery(c.clock, c.settings, payment=payment, outcome=kind)
    return await orders.apply_payment_event(c, provider="sandbox", raw_body=delivery.raw_body, headers=delivery.headers)
