"""Steps for the settlement tests: orders bought, completed and refunded through the real services, and a refund
published as after-sales will publish it (payments' refund keyed by the case, then order.refunded)."""

from __future__ import annotations

from datetime import timedelta

from mall.infra.ids import new_id
from mall.orders import events as order_events
from mall.orders import services as orders
from mall.payments import services as payments
from mall.settlement import services as settlement
from mall.settlement.models import shop_accounts
from mall.settlement.services.ledger import balances


async def buy(factory, shopper, *items, codes=()):
    """A paid checkout of these (product, qty) items; its orders, re-read."""
    placed = await factory.paid_checkout(shopper, *items, codes=codes)
    return [await orders.any_order(factory.c, order_id=o.id) for o in placed.orders]


async def complete(c, order):
    """Shipped by its shop, received by its shopper: completed now."""
    await orders.ship_order(
        c, shop_id=order.shop_id, order_id=order.id, actor_id="m", carrier="黑貓", tracking_number="TW123456"
    )
    return await orders.confirm_receipt(c, user_id=order.user_id, order_id=order.id)


async def refund(c, order, line_amounts: dict[int, int], *, shipping: int = 0, case_id: str | None = None):
    """What after-sales does: the payment refunded (keyed by the case), then order.refunded with the lines' parts."""
    case_id = case_id or new_id()
    amount = sum(line_amounts.values()) + shipping
    payment = await payments.payment_for_checkout(c.payments, order.checkout_id)
    made = await payments.refund(c.payments, c.clock, c.settings, payment_id=payment.id, amount=amount,
                                 reason="return", key=f"case:{case_id}")  # fmt: skip
    payload = order_events.refund_payload(order, amount, list(line_amounts), refund_id=made.id,
                                          line_amounts=line_amounts, shipping=shipping)  # fmt: skip
    payload["case_id"] = case_id
    await c.events.publish(order_events.ORDER_REFUNDED, payload)
    return payload


async def owed(c, shop_id: str) -> dict[str, int]:
    """What the shop is owed, per account (pending, available, transit), as positive amounts."""
    found = await balances(c, list(shop_accounts(shop_id)))
    return {name.rsplit(":", 1)[1]: -amount for name, amount in found.items()}


async def settle_day(c, *, days: int = 1):
    """Time passes, then the daily run: one statement per due shop (the jobs run here, one by one)."""
    c.clock.advance(days=days)
    period = settlement.period_of(c)
    return [await settlement.issue_statement(c, shop_id, period) for shop_id in await settlement.due_shops(c)]


async def pay_out(c, statement, operator_id: str = "op", *, paid: bool = True):
    payout = await settlement.approve(c, statement.id, operator_id=operator_id)
    receipt = await settlement.sandbox_report(c, payout.id, paid=paid)
    return receipt.payout


def week(c):
    return c.clock.now() + timedelta(days=7)
