"""What happens when the payment side has verified a provider's event.

`apply_payment_event` is the one path for a provider's event (the webhook route, the sandbox's buttons, the demo
seed and tests): payments verify and record it once, the checkout's orders follow, then the event is marked
handled. A redelivery that never finished calls the handlers again, so both are idempotent."""

from __future__ import annotations

import logging

from mall.orders.models import Action, Actor, Checkout, CheckoutStatus, OrderStatus, Reason
from mall.orders.services import coupon_ledger, stock
from mall.orders.services.checkout import create_orders
from mall.orders.services.schedule import entry
from mall.orders.services.transitions import reconcile
from mall.payments import services as payments
from mall.payments.models import EventType, WebhookReceipt

log = logging.getLogger("mall.orders")
PAYABLE = (CheckoutStatus.RESERVING, CheckoutStatus.PENDING_PAYMENT, CheckoutStatus.EXPIRED)
SETTLED = ("succeeded", "partially_refunded", "refunded")


async def apply_payment_event(c, *, provider: str, raw_body: bytes, headers) -> WebhookReceipt:
    """Verify and record a provider's event (payments.WebhookRejected when forged, stale or malformed), pass a new
    one on to the checkout's orders, then mark it handled."""
    receipt = await payments.receive_webhook(
        c.payments, c.clock, c.settings, provider=provider, raw_body=raw_body, headers=headers
    )
    if receipt.notify:
        event, payment = receipt.event, receipt.payment
        notify = on_payment_succeeded if event.type is EventType.SUCCEEDED else on_payment_failed
        await notify(c, checkout_id=payment.checkout_id, payment_id=payment.id, event_id=event.id)
        await payments.mark_event_handled(c.payments, c.clock, event_id=event.id)
    return receipt


async def pay_in_sandbox(c, checkout: Checkout, outcome: EventType = EventType.SUCCEEDED) -> WebhookReceipt:
    """What the sandbox's Pay (or Fail) button does for a checkout: a signed event, delivered like the provider's."""
    payment = await payments.get_payment(c.payments, checkout.payment_id)
    delivery = payments.sandbox_delivery(c.clock, c.settings, payment=payment, outcome=outcome)
    return await apply_payment_event(c, provider="sandbox", raw_body=delivery.raw_body, headers=delivery.headers)


async def on_payment_succeeded(c, *, checkout_id: str, payment_id: str, event_id: str) -> None:
    """Every order of the checkout -> paid.

    Paid after expiry: the stock is taken again; when it is gone, the orders are
    cancelled and the payment refunded. Paid after a cancel: refunded."""
    async with stock.locked(c, checkout_id) as checkout:
        if checkout is None:
            log.warning("payment %s (event %s) for unknown checkout %s", payment_id, event_id, checkout_id)
            return
        await settle_paid(c, checkout, payment_id)


async def settle_paid(c, checkout: Checkout, payment_id: str) -> Checkout:
    """The checkout's payment succeeded (we hold its lock): pay it, or refund what cannot be delivered."""
    if checkout.payment_id != payment_id:
        checkout = await c.checkouts.transition(checkout.id, (checkout.status,), {"payment_id": payment_id})
    code = None
    if checkout.status in PAYABLE:
        await create_orders(c, checkout)  # after a crash in RESERVING they may be missing
        short = await _hold_everything(c, checkout)
        if short is None:
            changes = {"status": CheckoutStatus.PAID, "paid_at": c.clock.now()}
            checkout = await c.checkouts.transition(checkout.id, PAYABLE, changes)
        else:
            checkout = await c.checkouts.transition(checkout.id, PAYABLE, {"status": CheckoutStatus.CANCELLED})
            await _owe_everything(c, checkout)
            code = short
    elif checkout.status is not CheckoutStatus.PAID:
        await _owe_everything(c, checkout)
        code = Reason.PAID_AFTER_CANCEL
    await reconcile(c, checkout, code=code)
    return checkout


async def payment_won(c, checkout: Checkout) -> bool:
    """Call off the checkout's payment; True when it was paid first (then it must not expire or cancel)."""
    if not checkout.payment_id:
        return False
    payment = await payments.cancel_payment(c.payments, c.clock, payment_id=checkout.payment_id)
    return payment is not None and payment.status in SETTLED


async def on_payment_failed(c, *, checkout_id: str, payment_id: str, event_id: str) -> None:
    """The checkout stays payable until it expires: the shopper may try again. Only the timeline records it."""
    checkout = await c.checkouts.get(checkout_id)
    if checkout is None or checkout.status is not CheckoutStatus.PENDING_PAYMENT:
        return
    for order in await c.orders.of_checkout(checkout.id):
        if order.status is OrderStatus.PENDING_PAYMENT:
            await c.orders.note(order.id, entry(c, Actor.SYSTEM, Action.PAYMENT_FAILED))


async def _hold_everything(c, checkout) -> Reason | None:
    """Take every line and coupon use that is not held (again), sell flash-sale lines. None when all is
    held; else everything is given back and the reason says what was missing."""
    short = None
    for n, item in enumerate(checkout.items):
        if not await stock.sell(c, checkout, n):
            short = Reason.FLASH_RESERVATION_LOST if item.flash_sale_id else Reason.PAID_LATE_NO_STOCK
            break
    if short is None and await coupon_ledger.take_all(c, checkout):
        short = Reason.PAID_LATE_COUPON_GONE
    if short is not None:
        await stock.give_back_all(c, checkout)
        await coupon_ledger.give_back_all(c, checkout)
    return short


async def _owe_everything(c, checkout) -> None:
    """Every order of the checkout is owed its total back (refund_if_due pays it out once)."""
    for order in await c.orders.of_checkout(checkout.id):
        if not order.refund_due and not order.refund_id:
            await c.orders.note(order.id, None, {"refund_due": order.total})
