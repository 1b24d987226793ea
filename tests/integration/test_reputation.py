"""The shop health score (issue 12, rule 7): components with values, weights and thresholds over a rolling
window; "new shop" below health_min_orders; late shipments against ship_by_hours; cancellations by the shop;
the share of 1-2★ reviews; a warning naming the component that caused it; one job per shop per hour."""

from __future__ import annotations

from mall.orders import services as orders
from mall.reputation.models import HealthStatus
from mall.reputation.services import scoring, standing
from mall.reviews import services as reviews
from tests.integration.reviews_helpers import deliver


async def shop_with_orders(factory, n: int, *, late: int = 0, cancelled: int = 0, stars: int = 5, ratings=5):
    """A shop with n paid orders of its product: `late` shipped after 49 hours, `cancelled` cancelled by the
    shop, the rest shipped at once and delivered; every delivered one reviewed with `stars` and DSR `ratings`."""
    c = factory.c
    shop = await factory.shop()
    owner = await factory.owner_of(shop)
    product = await factory.stocked_product(shop=shop, stock=1000)
    placed = []
    for _ in range(n):
        shopper = await factory.user()
        placed.append((shopper, (await factory.paid_checkout(shopper, (product, 1))).orders[0]))
    for n_order, (shopper, order) in enumerate(placed):
        if n_order < cancelled:
            await orders.cancel_by_merchant(
                c, shop_id=shop.id, order_id=order.id, actor_id=owner.id, reason="None left"
            )
            continue
        if n_order < cancelled + late:
            c.clock.advance(hours=c.settings.ship_by_hours + 1)
        done = await deliver(c, owner, order)
        if n_order < cancelled + late:
            c.clock.advance(hours=-(c.settings.ship_by_hours + 1))
        await reviews.post_reviews(
            c, user=shopper, order_id=done.id, lines=[reviews.LineReview(line=0, stars=stars)],
            shop_ratings=reviews.ShopRatings(ratings, ratings, ratings),
        )  # fmt: skip
    return shop, owner


async def test_a_shop_with_too_few_orders_is_a_new_shop(factory, container):
    shop, _owner = await shop_with_orders(factory, container.settings.health_min_orders - 1)

    health = await scoring.compute(container, shop.id)

    assert health.status is HealthStatus.NEW and health.score is None
    assert health.orders == container.settings.health_min_orders - 1
    assert [c.key for c in health.components] == ["dsr", "cancelled", "late", "bad_reviews", "refunds", "disputes_lost"]


async def test_a_shop_that_keeps_its_promises_scores_100_and_each_component_explains_itself(factory, container):
    shop, _owner = await shop_with_orders(factory, 6)

    health = await scoring.compute(container, shop.id)

    assert health.status is HealthStatus.RATED and health.score == 100
    values = {c.key: (c.value, c.numerator, c.denominator, c.points) for c in health.components}
    assert values == {
        "dsr": (5.0, 6, 6, 100.0), "cancelled": (0.0, 0, 6, 100.0), "late": (0.0, 0, 6, 100.0),
        "bad_reviews": (0.0, 0, 6, 100.0), "refunds": (0.0, 0, 6, 100.0), "disputes_lost": (0.0, 0, 6, 100.0),
    }  # fmt: skip
    assert sum(health.share(c) for c in health.components) == 100
    assert (await standing.health_of(container, shop.id)).score == 100


async def test_late_shipments_cancellations_and_bad_reviews_each_cost_points(factory, container):
    shop, _owner = await shop_with_orders(factory, 10, late=3, cancelled=1, stars=1, ratings=4)

    health = await scoring.compute(container, shop.id)

    by_key = {c.key: c for c in health.components}
    assert (by_key["late"].numerator, by_key["late"].denominator, by_key["late"].value) == (3, 9, 33.3)
    assert by_key["late"].points == 0.0
    assert (by_key["cancelled"].numerator, by_key["cancelled"].denominator) == (1, 10)
    assert by_key["cancelled"].points == 55.6  # 10%: between 2% (full) and 20% (none)
    assert by_key["bad_reviews"].value == 100.0 and by_key["bad_reviews"].points == 0.0
    assert by_key["dsr"].value == 4.0 and by_key["dsr"].points == 38.5  # 4.0 between 3.5 and 4.8
    assert health.score == round((25 * 38.5 + 20 * 55.6 + 10 * 100 + 10 * 100) / 100)  # no refunds, no disputes


async def test_ship_by_counts_an_unshipped_order_past_its_deadline_as_late(factory, container):
    shop, _owner = await shop_with_orders(factory, 5)
    product = await factory.stocked_product(shop=shop)
    await factory.paid_checkout(await factory.user(), (product, 1))
    container.clock.advance(hours=container.settings.ship_by_hours + 1)

    health = await scoring.compute(container, shop.id)

    late = next(c for c in health.components if c.key == "late")
    assert (late.numerator, late.denominator) == (1, 6)


async def test_falling_below_the_warning_score_warns_once_naming_the_worst_component(factory, container):
    shop, owner = await shop_with_orders(factory, 6, late=4, stars=2, ratings=4)
    heard = []

    async def listen(_name, payload):
        heard.append(payload)

    container.events.subscribe("reputation.warning", listen)
    first = await scoring.compute(container, shop.id)
    again = await scoring.compute(container, shop.id)

    assert first.score < container.settings.health_warning_score and again.score == first.score
    assert heard == [{"shop_id": shop.id, "owner_id": owner.id, "score": first.score, "component": "late"}]


async def test_the_hourly_job_is_keyed_per_shop_and_hour(factory, container):
    shop = await factory.shop()
    assert await scoring.schedule_hourly(container) == 1
    job = await container.queue.job(f"health:{shop.id}:{container.clock.now():%Y%m%d%H}")
    assert job is not None and job.function == "compute_health"
    assert await container.queue.enqueue("compute_health", key=job.key, shop_id=shop.id) is None  # once per hour
    from mall.worker import cron_jobs, functions

    assert "compute_health" in [f.__name__ for f in functions()]
    assert "schedule_health_scores" in [job.function.__name__ for job in cron_jobs()]


async def test_a_minimum_score_refuses_a_new_shop_and_a_shop_below_it(factory, container):
    good, _o = await shop_with_orders(factory, 6)
    newcomer = await factory.shop()
    await scoring.compute(container, good.id)
    await scoring.compute(container, newcomer.id)

    assert await standing.refusal_for_minimum(container, good.id, 90) is None
    assert await standing.refusal_for_minimum(container, good.id, None) is None
    message, params = await standing.refusal_for_minimum(container, newcomer.id, 50)
    assert "no score yet" in message and params["minimum"] == 50


async def test_the_reputation_api_explains_the_score_and_the_dsr_against_the_category(api, factory, container):
    shop, _owner = await shop_with_orders(factory, 6, ratings=4)
    await scoring.compute(container, shop.id)

    answer = await api.get(f"/api/v1/shops/{shop.id}/reputation")
    unknown = await api.get(f"/api/v1/shops/{'0' * 24}/reputation")

    assert answer.status_code == 200 and unknown.status_code == 404
    data = answer.json()
    assert data["dsr"]["count"] == 6 and data["dsr"]["described"] == 4.0
    assert data["health"]["status"] == "rated" and data["health"]["score"] == 85  # DSR 4.0 earns 38.5 of 100
    dsr = data["health"]["components"][0]
    assert (dsr["key"], dsr["value"], dsr["weight"], dsr["good"], dsr["bad"], dsr["points"]) == (
        "dsr", 4.0, 25, 4.8, 3.5, 38.5
    )  # fmt: skip


async def test_each_paid_order_shows_the_merchant_its_ship_by_time_and_says_when_it_is_late(web, factory, container):
    from tests.integration.orders_helpers import paid_order

    _shopper, merchant, _product, order = await paid_order(factory)
    await web.sign_in(merchant.email)

    due = await web.page(f"/merchant/orders/{order.id}")
    container.clock.advance(hours=container.settings.ship_by_hours, seconds=1)
    late = await web.page(f"/merchant/orders/{order.id}")

    assert "Ship by" in due.text and "Later shipments lower your health score." in due.text
    assert "Late: it was due to ship by" in late.text


async def test_after_sales_refunds_and_lost_disputes_cost_points(factory, container):
    """Issue 13: the health score gains the refund rate and disputes lost per 100 orders."""
    from mall.aftersales import services as aftersales
    from mall.aftersales.models import Kind, Reason

    c = container
    shop, owner = await shop_with_orders(factory, 9)
    product = await factory.stocked_product(shop=shop, stock=10)
    shopper = await factory.user()
    order = await deliver(c, owner, (await factory.paid_checkout(shopper, (product, 1))).orders[0])
    quote = await aftersales.quote(c, order, 0)
    case = await aftersales.request_case(
        c, user_id=shopper.id, order_id=order.id, line_id=0, kind=Kind.REFUND_ONLY, reason=Reason.MISSING_PARTS,
        qty=1, amount=quote.max_for(1, order), note="Not what the page showed", photo_ids=[],
    )  # fmt: skip
    await aftersales.merchant_decide(c, shop_id=shop.id, case_id=case.id, actor_id=owner.id, action="reject",
                                     reason="It is exactly as described")  # fmt: skip
    await aftersales.escalate(c, user_id=shopper.id, case_id=case.id, note="Please look")
    await aftersales.operator_decide(c, case_id=case.id, operator_id="op", outcome="refund_full", reason="Photos agree")

    health = await scoring.compute(c, shop.id)

    by_key = {part.key: part for part in health.components}
    assert (by_key["refunds"].numerator, by_key["refunds"].denominator, by_key["refunds"].value) == (1, 10, 10.0)
    assert (by_key["disputes_lost"].numerator, by_key["disputes_lost"].denominator) == (1, 10)
    assert by_key["refunds"].points == round(100 * (15.0 - 10.0) / 13.0, 1)
    assert by_key["disputes_lost"].points == 0.0  # 10 per 100 orders: past the 5 that earns nothing
    assert health.score < 100
