"""Settlement's background jobs (saq); each is safe to run twice or on several workers. ctx["c"] is the Container."""

from __future__ import annotations

from mall.settlement import services


async def settlement_daily(ctx) -> int:
    """Once a day: a statement job per due shop, keyed by shop and period (a second run enqueues nothing new)."""
    return len(await services.run_daily(ctx["c"]))


async def issue_statement(ctx, *, shop_id: str, period: str) -> str | None:
    statement = await services.issue_statement(ctx["c"], shop_id, period)
    return statement.id if statement else None


async def settlement_sweep(ctx) -> int:
    """Every ten minutes: post what events missed, finish half-done payouts."""
    c = ctx["c"]
    return await services.catch_up(c) + await services.repair_payouts(c)


async def sandbox_payout_paid(ctx, *, payout_id: str) -> bool:
    """The sandbox 'bank' reports a sent payout paid (its signed webhook, through the verified path)."""
    return await services.sandbox_report(ctx["c"], payout_id) is not None


JOBS = [issue_statement, sandbox_payout_paid]
# 18:00 UTC is 02:00 in Taipei: the day's statements are issued overnight.
CRON = [(settlement_daily, "0 18 * * *"), (settlement_sweep, "*/10 * * * *")]
