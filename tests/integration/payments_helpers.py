"""Signed sandbox webhooks for tests, made with the app's own signer."""

from __future__ import annotations

import json
import sys
import types

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
    try:
        from mall.orders import services as orders
    except ImportError:
        orders = types.ModuleType("mall.orders.services")
        monkeypatch.setitem(sys.modules, "mall.orders.services", orders)
        monkeypatch.setattr(sys.modules["mall.orders"], "services", orders, raising=False)

    def recorder(name):
        async def hook(c, **kwargs):
            heard.append((name, kwargs))

        return hook

    for name in ("on_payment_succeeded", "on_payment_failed"):
        monkeypatch.setattr(orders, name, recorder(name), raising=False)
    return heard
