"""Hypothesis stateful story of one flash sale: reserve / expire / pay / cancel / Redis flushed + reconcile.

Invariants after every step: never oversold, no user over the limit, units conserved
(allocated = remaining + held + sold); at the end the unsold units go back to stock exactly once.
Runs on a private event loop with its own Redis client (not the session loop)."""

import asyncio
import os
from datetime import UTC, datetime, timedelta

from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from mall.bootstrap import build
from mall.catalog import services as catalog
from mall.flash_sales import services as flash
from mall.infra import mongo
from mall.infra import redis as redis_infra
from mall.infra.clock import FrozenClock
from tests.factories import Factory

STOCK, QUANTITY, LIMIT = 20, 8, 2
USERS = [f"u{i}" for i in range(5)]


def test_flash_sale_state_machine(settings, embedded_redis):
    class FlashSaleMachine(RuleBasedStateMachine):
        @initialize()
        def start(self):
            self.loop = asyncio.new_event_loop()
            self.run(self._start())
            self.holds: list[tuple[str, str]] = []  # (hold id, user), including spent ones
            self.paid: set[str] = set()

        async def _start(self):
            _client, db = mongo.connect("", f"test_{os.urandom(4).hex()}")
            self.redis = redis_infra.client(embedded_redis.url)
            await self.redis.flushdb()
            clock = FrozenClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
            self.c = build(settings, db, self.redis, embedded_redis.url, clock=clock)
            await self.c.ensure_indexes()
            product = await Factory(self.c).product(variants=[{"stock": STOCK}])
            now = clock.now()
            self.sale = await flash.create_sale(
                self.c, actor_id="m", product_id=product.id, variant_id=product.variants[0].id, price=100,
                quantity=QUANTITY, per_user_limit=LIMIT, starts_at=now, ends_at=now + timedelta(days=1),
            )  # fmt: skip

        def run(self, coro):
            return self.loop.run_until_complete(coro)

        @rule(user=st.sampled_from(USERS), qty=st.integers(1, 3))
        def reserve(self, user, qty):
            answer = self.run(flash.reserve(self.c, self.sale.id, user, qty))
            assert answer.reason in {"ok", "sold_out", "limit_reached"}
            if answer.reason == "ok":
                self.holds.append((answer.hold_id, user))

        @rule(seconds=st.integers(0, 400))
        def time_passes(self, seconds):
            self.c.clock.advance(seconds=seconds)
            self.run(flash.expire_holds(self.c, self.sale.id))

        @rule(pick=st.integers(0, 50))
        def pay(self, pick):
            if self.holds:
                hold_id, user = self.holds[pick % len(self.holds)]
                sold = self.run(flash.consume_hold(self.c, self.sale.id, hold_id, user))
                if sold:
                    assert hold_id not in self.paid  # a hold is paid at most once
                    self.paid.add(hold_id)

        @rule(pick=st.integers(0, 50))
        def cancel(self, pick):
            if self.holds:
                hold_id, _user = self.holds[pick % len(self.holds)]
                self.run(flash.release_hold(self.c, self.sale.id, hold_id))

        @rule()
        def redis_lost_then_reconciled(self):
            self.run(self.redis.flushdb())
            report = self.run(flash.reconcile(self.c, self.sale.id))
            assert report.rebuilt and report.held == 0 and report.drift == 0

        @invariant()
        def never_oversold_limits_kept_units_conserved(self):
            if not hasattr(self, "c"):
                return
            by_user = self.run(self.c.flash_sales.sold_by_user(self.sale.id))
            sold = sum(by_user.values())
            assert sold <= QUANTITY
            assert all(n <= LIMIT for n in by_user.values())
            figures = self.run(self.c.flash_store.figures(self.sale.id))
            assert figures["remaining"] >= 0 and figures["held"] >= 0
            assert figures["remaining"] + figures["held"] + sold == QUANTITY
            assert figures["sold"] == sold
            for user in USERS:
                assert self.run(self.c.flash_store.user_count(self.sale.id, user)) <= LIMIT

        def teardown(self):
            if hasattr(self, "c"):
                sold = sum(self.run(self.c.flash_sales.sold_by_user(self.sale.id)).values())
                assert self.run(flash.end_sale(self.c, self.sale.id)) == QUANTITY - sold
                assert self.run(flash.end_sale(self.c, self.sale.id)) == 0
                found = self.run(catalog.variant_stock(self.c.products, self.sale.product_id, self.sale.variant_id))
                assert found[2] == STOCK - sold
                self.run(self.redis.aclose())
            self.loop.close()

    FlashSaleMachine.TestCase.settings = hsettings(max_examples=25, stateful_step_count=25, deadline=None)
    FlashSaleMachine.TestCase().runTest()
