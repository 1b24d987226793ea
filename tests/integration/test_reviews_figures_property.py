"""Property (issue 12, Done when): after any sequence of paid orders, deliveries, reviews, follow-ups, hides,
merchant cancels (refunded), full and partial refunds and repeated events, the kept figures (product rating,
distribution, photos, follow-ups, sold; each product's searchable copy; the DSR day sums) equal a
recomputation from the reviews and orders: the repair finds zero drift. Runs on a private event loop."""

import asyncio
import os
from datetime import UTC, datetime

from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from mall.bootstrap import build
from mall.infra import mongo
from mall.infra import redis as redis_infra
from mall.infra.clock import FrozenClock
from mall.orders import events as order_events
from mall.orders import services as orders
from mall.orders.models import OrderStatus
from mall.reviews import services as reviews
from tests.factories import Factory

SHOPPERS = 3


def test_kept_review_figures_always_equal_a_recomputation(settings, embedded_redis):
    class Figures(RuleBasedStateMachine):
        paid = Bundle("paid")  # order id
        written = Bundle("written")  # review id

        @initialize()
        def start(self):
            self.loop = asyncio.new_event_loop()
            self.run(self._start())

        async def _start(self):
            _client, db = mongo.connect("", f"test_{os.urandom(4).hex()}", interleave=settings.mongo_interleave)
            self.redis = redis_infra.client(embedded_redis.url)
            await self.redis.flushdb()
            clock = FrozenClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
            self.c = build(settings.replace(review_rate_limit=10**6), db, self.redis, embedded_redis.url, clock=clock)
            await self.c.ensure_indexes()
            factory = Factory(self.c)
            shops = [await factory.shop(), await factory.shop()]
            self.owners = {s.id: await factory.owner_of(s) for s in shops}
            self.products = [await factory.stocked_product(shop=shops[n % 2], stock=10_000) for n in range(3)]
            self.shoppers = [await factory.user() for _ in range(SHOPPERS)]
            self.operator = await factory.operator()
            self.factory = factory

        def run(self, coro):
            return self.loop.run_until_complete(coro)

        @rule(target=paid, who=st.integers(0, SHOPPERS - 1), picks=st.lists(st.integers(0, 2), min_size=1, max_size=3,
                                                                         unique=True), qty=st.integers(1, 3))  # fmt: skip
        def pay(self, who, picks, qty):
            items = [(self.products[n], qty) for n in picks]
            placed = self.run(self.factory.paid_checkout(self.shoppers[who], *items))
            return multiple(*[order.id for order in placed.orders])

        @rule(order_id=paid, complete=st.booleans())
        def deliver(self, order_id, complete):
            order = self.run(self.c.orders.get(order_id))
            if order.status is not OrderStatus.PAID:
                return
            owner = self.owners[order.shop_id]
            self.run(orders.ship_order(self.c, shop_id=order.shop_id, order_id=order_id, actor_id=owner.id,
                                       carrier="Post", tracking_number="RR1"))  # fmt: skip
            self.run(orders.mark_delivered(self.c, shop_id=order.shop_id, order_id=order_id, actor_id=owner.id))
            if complete:
                self.run(orders.confirm_receipt(self.c, user_id=order.user_id, order_id=order_id))

        @rule(order_id=paid)
        def merchant_cancels(self, order_id):
            order = self.run(self.c.orders.get(order_id))
            if order.status is OrderStatus.PAID:
                owner = self.owners[order.shop_id]
                self.run(orders.cancel_by_merchant(self.c, shop_id=order.shop_id, order_id=order_id,
                                                   actor_id=owner.id, reason="Cannot ship"))  # fmt: skip

        @rule(target=written, order_id=paid, stars=st.integers(1, 5), photos=st.integers(0, 2), line=st.integers(0, 2))
        def post(self, order_id, stars, photos, line):
            order = self.run(self.c.orders.get(order_id))
            user = self.run(self.c.users.get(order.user_id))
            photo_ids = [
                self.run(reviews.add_photo(self.c, user_id=user.id, name=f"{n}.webp")).id for n in range(photos)
            ]
            has_rating = self.run(self.c.reviews.rating(order_id)) is not None
            item = reviews.LineReview(line=line % len(order.lines), stars=stars, text="ok", photo_ids=photo_ids)
            ratings = None if has_rating else reviews.ShopRatings(stars, 6 - stars, 3)
            try:
                posted = self.run(reviews.post_reviews(self.c, user=user, order_id=order_id, lines=[item],
                                                       shop_ratings=ratings))  # fmt: skip
            except reviews.ReviewError:
                return multiple()
            return posted.reviews[0].id

        @rule(review_id=written, photos=st.booleans())
        def follow_up(self, review_id, photos):
            review = self.run(self.c.reviews.get(review_id))
            user = self.run(self.c.users.get(review.user_id))
            ids = [self.run(reviews.add_photo(self.c, user_id=user.id, name="f.webp")).id] if photos else []
            try:
                self.run(reviews.post_followup(self.c, user=user, review_id=review_id, text="later", photo_ids=ids))
            except reviews.ReviewError:
                pass

        @rule(review_id=written)
        def hide(self, review_id):
            try:
                self.run(reviews.hide(self.c, operator_id=self.operator.id, review_id=review_id, reason="Spam"))
            except reviews.ReviewError:
                pass

        @rule(order_id=paid, full=st.booleans(), line=st.integers(0, 2))
        def refund(self, order_id, full, line):
            """After-sales refunds (announced by orders): in full, or one line."""
            order = self.run(self.c.orders.get(order_id))
            amount = order.total if full else 1
            payload = order_events.refund_payload(order, amount, [line % len(order.lines)])
            self.run(self.c.events.publish(order_events.ORDER_REFUNDED, payload))

        @rule(order_id=paid)
        def paid_event_delivered_twice(self, order_id):
            order = self.run(self.c.orders.get(order_id))
            payload = order_events.order_payload(order, OrderStatus.PENDING_PAYMENT)
            self.run(self.c.events.publish(order_events.ORDER_STATUS_CHANGED, {**payload, "status": "paid"}))

        @invariant()
        def nothing_drifted(self):
            if hasattr(self, "c"):
                report = self.run(reviews.recompute(self.c, fix=False))
                assert report.drift == [], report.lines()

        def teardown(self):
            if hasattr(self, "c"):
                self.run(self.redis.aclose())
            self.loop.close()

    Figures.TestCase.settings = hsettings(max_examples=12, stateful_step_count=14, deadline=None)
    Figures.TestCase().runTest()
