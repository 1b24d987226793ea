"""Hypothesis stateful story of settlement over the real services: paid orders of two shops (a shop's 滿減, a
campaign split 60/40 with the platform, a platform coupon; one shop on its own commission rule), partial refunds
as after-sales makes them, full refunds, cancellations (the orders' own whole refund), completions, days passing
with the statement run, approvals and payouts paid or failed, replayed events and re-run jobs.

After every step: the ledger checks out (every entry balanced, totals = entries, every paid line posted once);
for each shop, paid out + what it is owed = revenue − commission + shipping − reversals (the model's own sums, line
by line, of what was bought and refunded); the platform's commission − subsidies is the model's; no issued
statement ever changed; replaying an event or re-running a job changed nothing. Runs on a private event loop with
its own Redis client (not the session loop)."""

import asyncio
import os
from datetime import UTC, date, datetime

from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, precondition, rule

from mall.bootstrap import build
from mall.infra import mongo
from mall.infra import redis as redis_infra
from mall.infra.clock import FrozenClock
from mall.orders import services as orders
from mall.orders.models import OrderStatus
from mall.settlement import services as settlement
from mall.settlement.earnings import earn, line_subsidies, taken_back
from mall.settlement.models import COMMISSION, PROMOTIONS, PayoutStatus, RuleScope, shop_accounts
from mall.settlement.services.ledger import balances
from tests.factories import Factory
from tests.integration.promo_helpers import campaign, coupon, threshold
from tests.integration.settlement_helpers import complete, refund

SHOPPERS = 3
OWN_RATE = 800  # the second shop's commission rule (bp); the first pays the default 500


class Line:
    """The model of one paid order's line (or its shipping): what it earned and how much of it was refunded."""

    def __init__(self, earned):
        self.earned = earned
        self.refunded = 0

    @property
    def left(self) -> int:
        return (self.earned.net or 1) - self.refunded

    def give_back(self, amount: int):
        back = taken_back(self.earned, self.refunded, amount)
        self.refunded += amount
        return back


def test_settlement_state_machine(settings, embedded_redis):
    class SettlementMachine(RuleBasedStateMachine):
        bought = Bundle("orders")

        @initialize(
            target=bought,
            picks=st.lists(
                st.tuples(st.integers(0, 3), st.integers(1, 2)), min_size=2, max_size=4, unique_by=lambda p: p[0]
            ),
            with_coupon=st.booleans(),
        )
        def start(self, picks, with_coupon):
            """The mall opens (two shops, their promotions, a campaign, a coupon) and the first shopper buys."""
            self.loop = asyncio.new_event_loop()
            self.run(self._start())
            self.model: dict[str, dict] = {}  # order id -> {"shop", "lines": [Line], "shipping": Line}
            self.reversed = {"merchant": {}, "commission": 0, "subsidy": 0}
            self.statements: dict[str, tuple] = {}
            self.carry: dict[str, int] = {}  # per shop: what the next statement must bring forward
            self.heard: list[tuple[str, dict]] = []

            async def hear(name, payload):
                if name.startswith("order."):
                    self.heard.append((name, payload))

            self.c.events.subscribe("*", hear)
            return self.buy(0, picks, with_coupon)

        async def _start(self):
            _client, db = mongo.connect("", f"test_{os.urandom(4).hex()}")
            self.redis = redis_infra.client(embedded_redis.url)
            await self.redis.flushdb()
            clock = FrozenClock(datetime(2026, 11, 24, 4, 0, tzinfo=UTC))
            self.c = build(settings, db, self.redis, embedded_redis.url, clock=clock)
            await self.c.ensure_indexes()
            factory = self.factory = Factory(self.c)
            self.shops = [await factory.shop(), await factory.shop()]
            self.products = []
            for shop in self.shops:
                for price in (45000, 30000):
                    self.products.append(await factory.stocked_product(shop=shop, price=price, stock=10_000))
            self.shoppers = [await factory.user() for _ in range(SHOPPERS)]
            await threshold(self.c, self.shops[0].id, tiers=({"min_spend": 50000, "save": 5000},))
            await campaign(self.c, percent_off=10, share=60, products=[self.products[0], self.products[2]], lasts=10**8)
            await coupon(self.c, code="TAKE50", value=5000, total=10_000, per_user=100, lasts=10**8)
            draft = settlement.RuleDraft(RuleScope.SHOP, self.shops[1].id, OWN_RATE, date(2026, 11, 24))
            await settlement.put_rules(self.c, [draft], actor_id="op")

        def run(self, coro):
            return self.loop.run_until_complete(coro)

        def teardown(self):
            self.run(self.redis.aclose())
            self.loop.close()

        # --- buying and refunding ------------------------------------------------------------------------------

        @rule(
            target=bought,
            who=st.integers(0, SHOPPERS - 1),
            picks=st.lists(
                st.tuples(st.integers(0, 3), st.integers(1, 3)), min_size=1, max_size=3, unique_by=lambda p: p[0]
            ),
            with_coupon=st.booleans(),
        )
        def buy(self, who, picks, with_coupon):
            items = [(self.products[n], qty) for n, qty in picks]
            codes = ("TAKE50",) if with_coupon else ()
            placed = self.run(self.factory.paid_checkout(self.shoppers[who], *items, codes=codes))
            made = []
            for order in placed.orders:
                order = self.run(orders.any_order(self.c, order_id=order.id))
                assert order.status is OrderStatus.PAID
                rate = OWN_RATE if order.shop_id == self.shops[1].id else 500
                lines = [Line(earn(line.net, line_subsidies(line.allocations), rate)) for line in order.lines]
                shipping = Line(earn(order.shipping_fee - order.shipping_discount, {}, 0))
                self.model[order.id] = {"shop": order.shop_id, "lines": lines, "shipping": shipping}
                made.append(order.id)
            return multiple(*made)

        def _order(self, order_id):
            return self.run(orders.any_order(self.c, order_id=order_id))

        def _reverse(self, shop_id, backs):
            for back in backs:
                merchant = self.reversed["merchant"]
                merchant[shop_id] = merchant.get(shop_id, 0) + back.merchant
                self.reversed["commission"] += back.commission
                self.reversed["subsidy"] += back.subsidy

        @rule(order_id=bought, line=st.integers(0, 2), share=st.sampled_from([1, 3, 10]), shipping=st.booleans())
        def refund_part(self, order_id, line, share, shipping):
            order, model = self._order(order_id), self.model[order_id]
            if order.status is OrderStatus.CANCELLED or line >= len(order.lines):
                return
            kept = model["lines"][line]
            amount = kept.left // share if kept.earned.net else 0
            ship = model["shipping"].left if shipping and model["shipping"].earned.net else 0
            if amount <= 0 and ship <= 0:
                return
            parts = {line: amount} if amount > 0 else {}
            self.run(refund(self.c, order, parts, shipping=ship))
            backs = [kept.give_back(amount)] if amount > 0 else []
            if ship:
                backs.append(model["shipping"].give_back(ship))
            self._reverse(order.shop_id, backs)

        @rule(order_id=bought)
        def refund_everything_left(self, order_id):
            order, model = self._order(order_id), self.model[order_id]
            if order.status is OrderStatus.CANCELLED:
                return
            parts = {n: kept.left for n, kept in enumerate(model["lines"]) if kept.earned.net and kept.left > 0}
            ship = model["shipping"].left if model["shipping"].earned.net else 0
            if not parts and not ship:
                return
            self.run(refund(self.c, order, parts, shipping=ship))
            backs = [model["lines"][n].give_back(amount) for n, amount in parts.items()]
            if ship:
                backs.append(model["shipping"].give_back(ship))
            self._reverse(order.shop_id, backs)

        @rule(order_id=bought)
        def cancel(self, order_id):
            """The shop cancels a paid order nothing was refunded of: the orders' own whole refund."""
            order, model = self._order(order_id), self.model[order_id]
            untouched = all(kept.refunded == 0 for kept in [*model["lines"], model["shipping"]])
            if order.status is not OrderStatus.PAID or not untouched:
                return
            self.run(orders.cancel_by_merchant(self.c, shop_id=order.shop_id, order_id=order.id, actor_id="m",
                                               reason="out of stock"))  # fmt: skip
            backs = [kept.give_back(kept.earned.net) for kept in model["lines"] if kept.earned.net]
            backs += [kept.give_back(1) for kept in model["lines"] if not kept.earned.net]
            if model["shipping"].earned.net:
                backs.append(model["shipping"].give_back(model["shipping"].earned.net))
            self._reverse(order.shop_id, backs)

        @rule(order_id=bought)
        def complete(self, order_id):
            order = self._order(order_id)
            if order.status is OrderStatus.PAID:
                self.run(complete(self.c, order))

        # --- the settlement cycle ------------------------------------------------------------------------------

        @rule(days=st.sampled_from([1, 7]))
        def a_day_passes(self, days):
            self.c.clock.advance(days=days)
            period = settlement.period_of(self.c)
            for shop_id in self.run(settlement.due_shops(self.c)):
                issued = self.run(settlement.issue_statement(self.c, shop_id, period))
                if issued is not None:
                    assert issued.id not in self.statements
                    assert issued.carried == self.carry.get(shop_id, 0)  # nothing paid twice, nothing lost
                    self.carry[shop_id] = issued.closing - issued.payable
                    self.statements[issued.id] = _frozen(issued)
                    assert self.run(settlement.issue_statement(self.c, shop_id, period)) is None

        @rule(order_ids=st.lists(bought, min_size=1, max_size=4, unique=True), paid=st.booleans())
        def a_week_of_business(self, order_ids, paid):
            """Orders complete, a week passes, the statements are issued, approved and reported paid (or failed)."""
            for order_id in order_ids:
                self.complete(order_id)
            self.a_day_passes(7)
            for statement in self.run(self.c.statements.unpaid()):
                payout = self.run(settlement.approve(self.c, statement.id, operator_id="op"))
                self._report(payout, paid)

        @rule(data=st.data())
        def approve(self, data):
            waiting = self.run(self.c.statements.unpaid())
            if waiting:
                statement = data.draw(st.sampled_from(waiting))
                payout = self.run(settlement.approve(self.c, statement.id, operator_id="op"))
                again = self.run(settlement.approve(self.c, statement.id, operator_id="op"))
                assert payout.amount == statement.payable and again.id == payout.id

        @rule(data=st.data(), paid=st.booleans())
        def provider_reports(self, data, paid):
            sent = self.run(self.c.statements.payouts_in((PayoutStatus.SENT,)))
            if sent:
                self._report(data.draw(st.sampled_from(sent)), paid)

        def _report(self, payout, paid):
            settled = self.run(settlement.sandbox_report(self.c, payout.id, paid=paid)).payout
            assert settled.status is (PayoutStatus.PAID if paid else PayoutStatus.FAILED)
            if not paid:
                self.carry[payout.shop_id] = self.carry.get(payout.shop_id, 0) + payout.amount  # back in the balance

        @precondition(lambda self: self.heard)
        @rule(data=st.data())
        def replay_and_rerun(self, data):
            before = self._ledger()
            name, payload = data.draw(st.sampled_from(self.heard))
            self.run(self.c.events.publish(name, payload))
            self.run(settlement.catch_up(self.c, full=True))
            for shop_id, period in {(frozen[1], frozen[2]) for frozen in self.statements.values()}:
                assert self.run(settlement.issue_statement(self.c, shop_id, period)) is None  # issued: never again
            assert self.run(settlement.approve_period(self.c, "2000-01-01", operator_id="op")) == []
            assert self._ledger() == before

        # --- invariants ----------------------------------------------------------------------------------------

        def _ledger(self):
            report = self.run(settlement.check_ledger(self.c))
            return report.entries, report.accounts

        @invariant()
        def the_ledger_checks_out(self):
            if not hasattr(self, "c"):
                return
            report = self.run(settlement.check_ledger(self.c))
            assert report.balanced, report.problems

        @invariant()
        def each_shop_is_owed_exactly_what_it_earned(self):
            if not hasattr(self, "c"):
                return
            for shop in self.shops:
                owed = -sum(self.run(balances(self.c, list(shop_accounts(shop.id)))).values())
                paid = sum(
                    p.amount for p in self.run(settlement.payouts_of_shop(self.c, shop.id)) if p.status == "paid"
                )
                earned = sum(
                    sum(kept.earned.merchant for kept in [*m["lines"], m["shipping"]])
                    for m in self.model.values()
                    if m["shop"] == shop.id
                )
                assert paid + owed == earned - self.reversed["merchant"].get(shop.id, 0)

        @invariant()
        def the_platform_nets_commission_less_subsidies(self):
            if not hasattr(self, "c"):
                return
            found = self.run(balances(self.c, [COMMISSION, PROMOTIONS]))
            lines = [kept for m in self.model.values() for kept in m["lines"]]
            commission = sum(kept.earned.commission for kept in lines) - self.reversed["commission"]
            subsidies = sum(kept.earned.subsidy for kept in lines) - self.reversed["subsidy"]
            assert (-found[COMMISSION], found[PROMOTIONS]) == (commission, subsidies)

        @invariant()
        def no_statement_changed_after_issue(self):
            if not hasattr(self, "c"):
                return
            for statement_id, frozen in self.statements.items():
                assert _frozen(self.run(self.c.statements.get(statement_id))) == frozen

    SettlementMachine.TestCase.settings = hsettings(
        max_examples=int(os.environ.get("SETTLEMENT_EXAMPLES", "30")),
        stateful_step_count=35,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    SettlementMachine.TestCase().runTest()


def _frozen(statement) -> tuple:
    return (statement.number, statement.shop_id, statement.period, statement.status, statement.totals,
            statement.carried, statement.held, statement.issued_at)  # fmt: skip
