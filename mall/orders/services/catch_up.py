"""No paid order stays unpaid: the minutely catch-up behind every payment.

- A verified event whose handling never finished (the process died, the orders side failed) is handled
  now, without waiting for the provider to redeliver it.
- A paid flash-sale line whose Redis step could not run (Redis was down) is settled once Redis answers.

Both are idempotent and hold the checkout's lock, so they are safe beside live traffic and other workers."""

from __future__ import annotations

import logging
from datetime import timedelta

from mall.infra.redis import UNAVAILABLE
from mall.orders.models import CheckoutStatus, SaleState
from mall.orders.services import flash_lines, payment_events, stock
from mall.orders.services.errors import Busy
from mall.payments import services as payments
from mall.payments.models import EventType, Payment, PaymentStatus

log = logging.getLogger("mall.orders")
UNFINISHED_AFTER = timedelta(minutes=1)  # a live delivery is done long before (its lock lease is 60 s)


async def catch_up(c, limit: int = 200) -> int:
    """The minutely job: -> how many payments it finished (events handled + flash lines settled)."""
    done = 0
    for event in await payments.unhandled_events(c.payments, c.clock, older_than=UNFINISHED_AFTER, limit=limit):
        payment = await payments.get_payment(c.payments, event.payment_id)
        try:
            done += await _handle(c, payment, event.event_id, EventType(event.type))
        except Busy:
            continue  # someone holds the checkout now; the next run finishes it
    for checkout_id in await c.checkouts.paid_selling(limit):
        try:
            done += await _settle_flash_lines(c, checkout_id)
        except Busy:
            continue
        except UNAVAILABLE:
            log.info("catch-up: Redis still unavailable; flash-sale lines wait for the next run")
            break
    return done


async def resume_payment(c, payment: Payment) -> bool:
    """The shopper pressed Pay on a payment that already succeeded: finish what its delivery left undone
    (nothing, when its event was handled). -> whether its orders have followed it."""
    if payment.status != PaymentStatus.SUCCEEDED:
        return False
    events = await payments.events_for(c.payments, payment.id)
    for event in events:
        if event.event_id == payment.last_event_id and event.handled_at is None:
            await _handle(c, payment, event.event_id, EventType.SUCCEEDED)
    return True


async def _handle(c, payment: Payment | None, event_id: str, kind: EventType) -> int:
    if payment is None:
        return 0
    notify = payment_events.on_payment_succeeded if kind is EventType.SUCCEEDED else payment_events.on_payment_failed
    await notify(c, checkout_id=payment.checkout_id, payment_id=payment.id, event_id=event_id)
    await payments.mark_event_handled(c.payments, c.clock, event_id=event_id)
    return 1


async def _settle_flash_lines(c, checkout_id: str) -> int:
    async with stock.locked(c, checkout_id) as checkout:
        if checkout is None or checkout.status is not CheckoutStatus.PAID:
            return 0
        selling = [n for n, item in enumerate(checkout.items) if item.sale_state is SaleState.SELLING]
        for n in selling:
            await flash_lines.settle(c, checkout, n, stock.set_item)
        return 1 if selling else 0
