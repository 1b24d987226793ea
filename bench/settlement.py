"""Issuing statements for many paid lines: 100,000 lines across 50 shops by default.

Paid orders (5 lines each, some with platform-funded and shop-funded discounts, shipping on some) are posted through
settlement's own service (post_paid), which writes the ledger entries and statement items; their lines become
settleable as their completion makes them; time passes `settle_after_days`; then every shop's statement is issued
as the daily run does.
Printed: the posting rate, the time to issue all statements (and per shop), the peak memory Python allocated
while issuing (tracemalloc: what streaming keeps in memory, the database aside), and a check that every line was
settled exactly once and the ledger balances. Items are read and claimed a batch at a time, never all at once.

Storage is the embedded in-memory database (mongomock) unless MALL_MONGO_URL names a real MongoDB; mongomock
has no indexes (every query scans the collection), so its figures are an upper bound for a real server's.

    .venv/bin/python bench/settlement.py [--lines 100000] [--shops 50] [--check]"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mall.bootstrap import build
from mall.config import load_settings
from mall.infra import mongo
from mall.infra import redis as redis_infra
from mall.infra.clock import FrozenClock
from mall.infra.ids import new_id
from mall.orders.models import Order, OrderLine, OrderStatus
from mall.settlement import services as settlement

LINES_PER_ORDER = 5


def synthetic_order(rng: random.Random, shop_id: str, n: int, paid_at: datetime) -> Order:
    lines = []
    for k in range(LINES_PER_ORDER):
        unit, qty = rng.choice((9900, 15000, 29900, 45000, 120000)), rng.randint(1, 3)
        allocations = []
        if k % 3 == 0:  # a campaign split 60/40
            amount = unit * qty // 10 // 100 * 100
            allocations.append(
                {
                    "promotion_id": "campaign",
                    "kind": "campaign",
                    "amount": amount,
                    "platform_funded": amount * 6 // 10,
                    "merchant_funded": amount - amount * 6 // 10,
                }
            )
        elif k % 3 == 1:  # the shop's own spend threshold
            allocations.append(
                {
                    "promotion_id": f"threshold-{shop_id}",
                    "kind": "spend_threshold",
                    "amount": 3000,
                    "platform_funded": 0,
                    "merchant_funded": 3000,
                }
            )
        lines.append(OrderLine(product_id=new_id(), variant_id=new_id(), sku=f"SKU-{k}", name={"en": f"Item {k}"},
                               options={}, unit_price=unit, qty=qty, discount=sum(a["amount"] for a in allocations),
                               allocations=allocations))  # fmt: skip
    shipping = 6000 if n % 2 else 0
    total = sum(line.net for line in lines) + shipping
    return Order(
        id=new_id(), number=f"C20261124-B{n:06d}-1", checkout_id=new_id(), user_id=new_id(), shop_id=shop_id,
        lines=lines, subtotal=sum(line.total for line in lines), shipping_fee=shipping, total=total, currency="TWD",
        status=OrderStatus.COMPLETED, address={}, note="", created_at=paid_at, paid_at=paid_at,
        completed_at=paid_at + timedelta(days=1), discount=sum(line.discount for line in lines),
    )  # fmt: skip


async def main(lines: int, shops: int, check: bool) -> int:
    settings = load_settings().replace(demo=False, password_hash_profile="test")
    var = redis_infra.temporary_directory("mall-bench-settlement-")
    server = redis_infra.EmbeddedRedis(var / "redis").start()
    try:
        _client, db = mongo.connect(settings.mongo_url, f"bench_settlement_{os.getpid()}")
        start = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
        c = build(settings, db, redis_infra.client(server.url), server.url, clock=FrozenClock(start))
        await c.ensure_indexes()
        rng = random.Random(14)
        shop_ids = [new_id() for _ in range(shops)]
        orders = lines // LINES_PER_ORDER
        began = time.perf_counter()
        for n in range(orders):
            order = synthetic_order(rng, shop_ids[n % shops], n, start)
            await settlement.post_paid(c, order)
            if (n + 1) % 2000 == 0:
                print(f"  posted {n + 1:,} orders ({(n + 1) * LINES_PER_ORDER:,} lines)", flush=True)
        # every order completed a day after it was paid: what `settle_after` does for each, here in one write
        # (mongomock would scan the items collection once per order; a real server uses the order_id index)
        eligible = start + timedelta(days=1 + settings.settle_after_days)
        await c.ledger.items.update_many({"eligible_at": None}, {"$set": {"eligible_at": eligible}})
        posting = time.perf_counter() - began
        c.clock.advance(days=1 + settings.settle_after_days)

        tracemalloc.start()
        before, _ = tracemalloc.get_traced_memory()
        began = time.perf_counter()
        issued = [await settlement.issue_statement(c, shop_id) for shop_id in shop_ids]
        issuing = time.perf_counter() - began
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        again = [await settlement.issue_statement(c, shop_id) for shop_id in shop_ids]

        settled = sum(s.totals.lines for s in issued if s)
        expected = orders * LINES_PER_ORDER + (orders // 2)  # every line, and shipping on every other order
        where = f"MongoDB {settings.mongo_url}" if settings.mongo_url else "embedded mongomock (no indexes)"
        print(f"storage: {where}")
        print(f"paid lines posted       {orders * LINES_PER_ORDER:>12,}  ({orders:,} orders, {shops} shops)")
        print(f"posting                 {posting:>12.1f} s   ({orders * LINES_PER_ORDER / posting:,.0f} lines/s)")
        print(f"statements issued       {sum(1 for s in issued if s):>12,}  (again: {sum(1 for s in again if s)} new)")
        print(f"items settled           {settled:>12,}  (expected {expected:,})")
        print(f"issuing all statements  {issuing:>12.1f} s   ({issuing / shops:.2f} s per shop)")
        print(f"peak memory issuing     {(peak - before) / 2**20:>12.1f} MiB (tracemalloc, above the start)")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"max RSS of the process  {rss:>12.1f} MiB (the database included)")
        ok = settled == expected and not any(again)
        if check:
            report = await settlement.check_ledger(c, paid_lines=False)  # (the bench's orders are not stored)
            print(f"ledger check            {'balanced' if report.balanced else report.problems[:5]}")
            ok = ok and report.balanced
        await c.redis.aclose()
        return 0 if ok else 1
    finally:
        server.stop()
        redis_infra.remove_directory(var)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--shops", type=int, default=50)
    parser.add_argument("--check", action="store_true", help="also prove the ledger afterwards")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.lines, args.shops, args.check)))
