"""The orders' background jobs (saq): each one a no-op when the state already moved,
so it is safe to run twice and on several workers. ctx["c"] is the app's Container."""

from __future__ import annotations

from mall.orders import services


async def expire_checkout(ctx, *, checkout_id: str) -> bool:
    return await services.expire_checkout(ctx["c"], checkout_id)


async def auto_complete_order(ctx, *, order_id: str) -> bool:
    return await services.auto_complete_order(ctx["c"], order_id)


async def reconcile_checkout(ctx, *, checkout_id: str) -> None:
    await services.reconcile_checkout(ctx["c"], checkout_id)


async def realert_order(ctx, *, order_id: str, round: int = 1) -> bool:
    return await services.realert(ctx["c"], order_id, round)


async def sweep_overdue_checkouts(ctx) -> int:
    return await services.sweep_overdue_checkouts(ctx["c"])


async def catch_up_payments(ctx) -> int:
    return await services.catch_up(ctx["c"])


JOBS = [expire_checkout, auto_complete_order, reconcile_checkout, realert_order]
# Every minute (unique: one run at a time across workers).
CRON = [(sweep_overdue_checkouts, "* * * * *"), (catch_up_payments, "* * * * *")]
