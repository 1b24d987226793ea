"""Hypothesis stateful story of one flash sale bought through the real checkout and payment:
reserve / check out / time passes (holds and checkouts expire) / pay / cancel / late payment /
Redis flushed + reconcile / the shop suspended and reinstated.

Invariants after every step: never oversold, no user over the limit (bought and held), units
conserved (allocated = remaining + held + sold, sold = what paid orders say); at the end the
unsold units go back to the SKU's stock exactly once. Runs on a private event loop with its own
Redis client (not the session loop)."""

import asyncio
import os
from datetime import UTC, datetime, timedelta

from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, precondition, rule

from mall.bootstrap import build
from mall.catalog import services as catalog
from mall.flash_sales import services as flash
from mall.infra import mongo
from mall.infra import redis as redis_infra
from mall.infra.clock import FrozenClock
from mall.orders import services as orders
from mall.orders.models import CheckoutStatus
from mall.shops import services as shops
from tests.factories import Factory
from tests.integration.flash_helpers import pay_late

STOCK, QUANTITY, LIMIT = 20, 4, 2
USERS = 4
LIVE = (CheckoutStatus.PENDING_PAYMENT,)


def test_flash_sale_state_machine(settings, embedded_redis):
    class FlashSaleMachine(RuleBasedStateMachine):
        reservations = Bundle("reservations")  # (reservation id, user)
        checkouts = Bundle("checkouts")  # (checkout id, user)

        @initialize()
        def start(self):
            self.loop = asyncio.new_event_loop()
            self.run(self._start())
            self.placed: set[str] = set()
            self.flushes = 0
            self.suspended = False

        async def _start(self):
            _client, db = mongo.connect("", f"test_{os.urandom(4).hex()}", interleave=settings.mongo_interleave)
            self.redis = redis_infra.client(embedded_redis.url)
            await self.redis.flushdb()
            clock = FrozenClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
            loose = settings.replace(flash_user_rate_limit=10**6, flash_ip_rate_limit=10**6)
            self.c = build(loose, db, self.redis, embedded_redis.url, clock=clock)
            await self.c.ensure_indexes()
            self.factory = Factory(self.c)
            self.users = [await self.factory.user() for _ in range(USERS)]
            product = await self.factory.product(variants=[{"stock": STOCK}])
            now = clock.now()
            self.sale = await flash.create_sale(
                self.c, actor_id="m", product_id=product.id, variant_id=product.variants[0].id, price=100,
                quantity=QUANTITY, per_user_limit=LIMIT, starts_at=now, ends_at=now + timedelta(days=1),
            )  # fmt: skip

        def run(self, coro):
            return self.loop.run_until_complete(coro)

        @rule(target=reservations, who=st.integers(0, USERS - 1), qty=st.integers(1, 2))
        def reserve(self, who, qty):
            user = self.users[who]
            answer = self.run(flash.reserve(self.c, self.sale.id, user.id, qty, ip="10.0.0.1"))
            assert answer.reason in ({"shop_suspended"} if self.suspended else {"ok", "sold_out", "limit_reached"})
            return (answer.id, user) if answer.reason == "ok" else multiple()

        @rule(target=reservations)
        def crowd_rushes_in(self):
            """Everyone tries for their whole allowance at once (what makes late payments find nothing left)."""
            made = []
            for user in self.users:
                answer = self.run(flash.reserve(self.c, self.sale.id, user.id, LIMIT, ip="10.0.0.1"))
                if answer.reason == "ok":
                    made.append((answer.id, user))
            return multiple(*made)

        @rule(target=checkouts, reservation=reservations, thief=st.sampled_from([False, False, False, True]))
        def check_out(self, reservation, thief):
            reservation_id, user = reservation
            buyer = self.users[(self.users.index(user) + 1) % USERS] if thief else user
            try:
                placed = self.run(self.factory.flash_checkout(buyer, reservation_id))
            except orders.ReservationGone:
                return multiple()
            assert buyer is user  # a reservation is bound to its shopper
            self.placed.add(placed.checkout.id)
            return (placed.checkout.id, user)

        @rule(seconds=st.sampled_from([5, 60, 200, 310]))
        def time_passes(self, seconds):
            self.c.clock.advance(seconds=seconds)
            self.run(flash.sweep(self.c))
            self.run(orders.sweep_overdue_checkouts(self.c))

        def _status(self, checkout_id):
            return self.run(self.c.checkouts.get(checkout_id)).status

        @rule(checkout=checkouts)
        def pay(self, checkout):
            checkout_id, user = checkout
            if self._status(checkout_id) in LIVE:
                self.run(self.factory.pay(user, self.run(self.c.checkouts.get(checkout_id))))
                assert self._status(checkout_id) in (CheckoutStatus.PAID, CheckoutStatus.CANCELLED)

        @rule(checkout=checkouts)
        def late_payment(self, checkout):
            checkout_id, _user = checkout
            if self._status(checkout_id) is CheckoutStatus.EXPIRED:
                after = self.run(pay_late(self.c, checkout_id))
                assert after.status in (CheckoutStatus.PAID, CheckoutStatus.CANCELLED)

        @rule(checkout=checkouts)
        def cancel(self, checkout):
            checkout_id, user = checkout
            if self._status(checkout_id) in LIVE:
                self.run(orders.cancel_checkout(self.c, user_id=user.id, checkout_id=checkout_id))

        @rule()
        def shop_suspended_or_reinstated(self):
            c, shop_id = self.c, self.sale.shop_id
            if self.suspended:
                self.run(
                    shops.reinstate(c.shops, c.products, c.clock, shop_id=shop_id, operator_id="op", events=c.events)
                )
            else:
                self.run(shops.suspend(c.shops, c.products, c.clock, shop_id=shop_id, operator_id="op", reason="x",
                                       events=c.events))  # fmt: skip
            self.suspended = not self.suspended

        @precondition(lambda self: self.flushes < 2)
        @rule()
        def redis_lost_then_reconciled(self):
            self.flushes += 1
            self.run(self.redis.flushdb())
            report = self.run(flash.reconcile(self.c, self.sale.id))
            assert report.rebuilt and report.held == 0 and report.drift == 0

        @invariant()
        def never_oversold_limits_kept_units_conserved(self):
            if not hasattr(self, "c"):
                return
            truth = self.run(self.c.sold_ledger.sold(self.sale.id))
            assert truth.units <= QUANTITY
            assert all(n <= LIMIT for n in truth.by_user.values())
            paid = [self.run(self.c.checkouts.get(cid)) for cid in self.placed]
            assert truth.units == sum(co.items[0].qty for co in paid if co.status is CheckoutStatus.PAID)
            figures = self.run(self.c.flash_store.figures(self.sale.id))
            if figures is None:  # lost and not touched since: the next reservation rebuilds it
                return
            assert figures["remaining"] >= 0 and figures["held"] >= 0
            assert figures["remaining"] + figures["held"] + truth.units == QUANTITY
            assert figures["sold"] == truth.units
            assert all(n <= LIMIT for n in self.run(self.c.flash_store.user_counts(self.sale.id)).values())

        def teardown(self):
            if hasattr(self, "c"):
                self.c.clock.advance(days=2)
                self.run(orders.sweep_overdue_checkouts(self.c))
                sold = self.run(self.c.sold_ledger.sold(self.sale.id)).units
                assert self.run(flash.end_sale(self.c, self.sale.id)) == QUANTITY - sold
                assert self.run(flash.end_sale(self.c, self.sale.id)) == 0
                self.run(flash.sweep(self.c))
                found = self.run(catalog.variant_stock(self.c.products, self.sale.product_id, self.sale.variant_id))
                assert found[2] == STOCK - sold
                self.run(self.c.close())  # its delayed pushes end with it, before its loop does
                self.run(self.redis.aclose())
            self.loop.close()

    examples = int(os.environ.get("FLASH_EXAMPLES", "100"))  # more for a deeper search: FLASH_EXAMPLES=1000
    FlashSaleMachine.TestCase.settings = hsettings(max_examples=examples, stateful_step_count=50, deadline=None)
    FlashSaleMachine.TestCase().runTest()
