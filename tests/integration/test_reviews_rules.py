"""Who may review what, and when (issue 12, rule 1): only the buyer, once the order is delivered or
completed, once per line, within the window; one follow-up; one reply by that shop's people; hidden
reviews leave the averages; sold counts follow payment, cancellation and refunds."""

from __future__ import annotations

import pytest

from mall.orders import services as orders
from mall.reviews import services as reviews
from tests.integration.orders_helpers import paid_order
from tests.integration.reviews_helpers import RATINGS, deliver, delivered_order, review


async def figures_and_copy(c, product):
    kept = await reviews.product_figures(c, product.id)
    stored = await c.products.get(product.id)
    return kept, (stored.rating_avg, stored.rating_count, stored.sold)


async def test_the_buyer_of_a_delivered_order_reviews_it_and_the_figures_follow(factory, container):
    shopper, _merchant, product, order = await delivered_order(factory, qty=2)

    written = await review(container, shopper, order, stars=4, text="  Fresh and fragrant.\u202e ", tags=["quality"])

    assert written.stars == 4 and written.text == "Fresh and fragrant." and written.tags == ["quality"]
    assert written.options == order.lines[0].options and written.author_name == shopper.name
    kept, copy = await figures_and_copy(container, product)
    assert (kept.count, kept.total, kept.dist["4"], kept.sold) == (1, 4, 1, 2)
    assert copy == (4.0, 1, 2)
    rating = await container.reviews.rating(order.id)
    assert (rating.described, rating.service, rating.shipping) == (5, 4, 3)
    dsr = await reviews.shop_dsr(container, order.shop_id)
    assert (dsr.shop.count, dsr.shop.described, dsr.shop.shipping) == (1, 5.0, 3.0)


async def test_nobody_but_the_buyer_may_review_and_unknown_orders_look_the_same(factory, container):
    _shopper, _merchant, _product, order = await delivered_order(factory)
    stranger = await factory.user()

    for order_id in (order.id, "0" * 24, "not-an-id"):
        with pytest.raises(reviews.ReviewError) as refused:
            await reviews.post_reviews(container, user=stranger, order_id=order_id,
                                       lines=[reviews.LineReview(line=0, stars=5)], shop_ratings=RATINGS)  # fmt: skip
        assert refused.value.status == 403
    assert await container.reviews.of_order(order.id) == []


async def test_a_paid_or_shipped_order_is_not_reviewable_yet(factory, container):
    shopper, merchant, _product, order = await paid_order(factory)
    with pytest.raises(reviews.ReviewError) as paid:
        await review(container, shopper, order)
    await orders.ship_order(container, shop_id=merchant.shop_id, order_id=order.id, actor_id=merchant.id,
                            carrier="Post", tracking_number="RR123")  # fmt: skip
    with pytest.raises(reviews.ReviewError) as shipped:
        await review(container, shopper, order)
    assert paid.value.status == shipped.value.status == 409
    assert await container.reviews.of_order(order.id) == []


async def test_a_line_is_reviewed_once_and_the_shop_rated_once(factory, container):
    shopper, _merchant, product, order = await delivered_order(factory)
    await review(container, shopper, order, stars=5)

    with pytest.raises(reviews.ReviewError) as again:
        await review(container, shopper, order, stars=1, ratings=None)
    with pytest.raises(reviews.ReviewError) as rated_again:
        await review(container, shopper, order, stars=1)

    assert again.value.status == 409 and rated_again.value.status == 409
    kept, _copy = await figures_and_copy(container, product)
    assert (kept.count, kept.total) == (1, 5)


async def test_the_first_review_of_an_order_asks_for_the_shop_ratings(factory, container):
    shopper, _merchant, _product, order = await delivered_order(factory)
    with pytest.raises(reviews.ReviewError) as missing:
        await review(container, shopper, order, ratings=None)
    assert missing.value.status == 422 and missing.value.field == "shop_ratings"


async def test_the_window_closes_review_window_days_after_completion(factory, container):
    shopper, _merchant, _product, order = await delivered_order(factory, complete=True)
    late_shopper, _m, _p, late_order = await delivered_order(factory, complete=True)

    container.clock.advance(days=container.settings.review_window_days)
    await review(container, shopper, order)  # the last moment of the window
    container.clock.advance(seconds=1)
    with pytest.raises(reviews.ReviewError) as closed:
        await review(container, late_shopper, late_order)

    assert closed.value.status == 409
    assert await container.reviews.of_order(late_order.id) == []


async def test_one_follow_up_per_review_within_its_window(factory, container):
    shopper, _merchant, product, order = await delivered_order(factory)
    first = await review(container, shopper, order, stars=5)
    other_shopper, _m, _p, other_order = await delivered_order(factory)
    other = await review(container, other_shopper, other_order)

    container.clock.advance(days=10)
    followed = await reviews.post_followup(container, user=shopper, review_id=first.id, text="Still great a month on.")
    with pytest.raises(reviews.ReviewError) as twice:
        await reviews.post_followup(container, user=shopper, review_id=first.id, text="And again.")
    with pytest.raises(reviews.ReviewError) as not_author:
        await reviews.post_followup(container, user=shopper, review_id=other.id, text="Not mine.")
    container.clock.advance(days=container.settings.followup_window_days)
    with pytest.raises(reviews.ReviewError) as too_late:
        await reviews.post_followup(container, user=other_shopper, review_id=other.id, text="Too late.")

    assert followed.followup.text == "Still great a month on." and followed.stars == 5
    assert (twice.value.status, not_author.value.status, too_late.value.status) == (409, 403, 409)
    assert (await reviews.product_figures(container, product.id)).followups == 1


async def test_the_shops_people_reply_once_and_another_shops_merchant_gets_a_404(factory, container):
    shopper, owner, _product, order = await delivered_order(factory)
    written = await review(container, shopper, order, stars=2)
    staff = await factory.merchant(shop=await container.shops.get(order.shop_id), role="staff")
    stranger = await factory.merchant()

    with pytest.raises(reviews.ReviewError) as foreign:
        await reviews.reply(container, shop_id=stranger.shop_id, actor_id=stranger.id, review_id=written.id,
                            text="Not our review")  # fmt: skip
    answered = await reviews.reply(container, shop_id=staff.shop_id, actor_id=staff.id, review_id=written.id,
                                   text="Sorry! A new pack is on its way.")  # fmt: skip
    with pytest.raises(reviews.ReviewError) as twice:
        await reviews.reply(container, shop_id=owner.shop_id, actor_id=owner.id, review_id=written.id, text="Again")

    assert foreign.value.status == 404 and twice.value.status == 409
    assert answered.reply.text == "Sorry! A new pack is on its way." and answered.reply.by == staff.id
    assert (await container.reviews.get(written.id)).reply.text == "Sorry! A new pack is on its way."


async def test_a_follow_up_gets_its_own_single_reply(factory, container):
    shopper, owner, _product, order = await delivered_order(factory)
    written = await review(container, shopper, order)
    with pytest.raises(reviews.ReviewError) as nothing_yet:
        await reviews.reply(container, shop_id=owner.shop_id, actor_id=owner.id, review_id=written.id,
                            text="Thanks", followup=True)  # fmt: skip
    await reviews.post_followup(container, user=shopper, review_id=written.id, text="Reordered!")
    await reviews.reply(container, shop_id=owner.shop_id, actor_id=owner.id, review_id=written.id, text="Thanks!")
    done = await reviews.reply(container, shop_id=owner.shop_id, actor_id=owner.id, review_id=written.id,
                               text="Welcome back!", followup=True)  # fmt: skip

    assert nothing_yet.value.status == 409
    assert done.reply.text == "Thanks!" and done.followup.reply.text == "Welcome back!"


async def test_a_hidden_review_leaves_the_averages_and_its_reports_close(factory, container):
    shopper, _merchant, product, order = await delivered_order(factory)
    same_product = await paid_and_delivered_same_product(factory, product)
    bad = await review(container, shopper, order, stars=1, text="spam spam")
    await review(container, same_product[0], same_product[1], stars=5)
    operator, reporter = await factory.operator(), await factory.user()
    await reviews.report(container, user_id=reporter.id, review_id=bad.id, reason="spam")

    hidden = await reviews.hide(container, operator_id=operator.id, review_id=bad.id, reason="Advertising")

    kept, copy = await figures_and_copy(container, product)
    assert (kept.count, kept.total, kept.dist["1"], kept.dist["5"]) == (1, 5, 0, 1) and copy[:2] == (5.0, 1)
    assert hidden.hidden_reason == "Advertising" and hidden.moderation[-1]["by"] == operator.id
    page = await reviews.product_reviews(container, product.id, reviews.ReviewFilter())
    assert [r.id for r in page.items] != [] and bad.id not in [r.id for r in page.items]
    assert (await container.reviews.reports_of([bad.id], status=None))[0].status == "upheld"
    with pytest.raises(reviews.ReviewError) as twice:
        await reviews.hide(container, operator_id=operator.id, review_id=bad.id, reason="Again")
    assert twice.value.status == 409


async def paid_and_delivered_same_product(factory, product):
    """Another shopper's delivered order of the same product."""
    c = factory.c
    shopper = await factory.user()
    placed = await factory.paid_checkout(shopper, (product, 1))
    owner = await c.users.get((await c.shops.get(product.shop_id)).owner_id)
    return shopper, await deliver(c, owner, placed.orders[0])


async def test_sold_counts_follow_payment_and_a_merchant_cancel(factory, container):
    _shopper, merchant, product, order = await paid_order(factory, qty=3)
    assert (await figures_and_copy(container, product))[1][2] == 3

    await orders.cancel_by_merchant(container, shop_id=merchant.shop_id, order_id=order.id, actor_id=merchant.id,
                                    reason="Out of stock")  # fmt: skip

    kept, copy = await figures_and_copy(container, product)
    assert kept.sold == 0 and copy[2] == 0
    assert (await reviews.recompute(container, fix=False)).drift == []


async def test_a_full_refund_marks_the_orders_reviews_without_hiding_them(factory, container):
    from mall.orders import events

    shopper, _merchant, product, order = await delivered_order(factory, qty=2)
    written = await review(container, shopper, order, stars=3)

    await container.events.publish(events.ORDER_REFUNDED, events.refund_payload(order, order.total))
    await container.events.publish(events.ORDER_REFUNDED, events.refund_payload(order, order.total))  # repeated

    marked = await container.reviews.get(written.id)
    kept = await reviews.product_figures(container, product.id)
    assert marked.refunded and marked.visible and (kept.count, kept.sold) == (1, 0)


async def test_tags_stars_text_and_photos_are_checked(factory, container):
    shopper, _merchant, _product, order = await delivered_order(factory)
    cases = [
        dict(stars=0), dict(stars=6), dict(tags=["bogus"]), dict(text="x" * 1001),
        dict(photo_ids=["0" * 24]), dict(photo_ids=["nope"]),
    ]  # fmt: skip
    for case in cases:
        with pytest.raises(reviews.ReviewError) as bad:
            await review(container, shopper, order, **{"stars": 5, **case})
        assert bad.value.status == 422, case
    assert await container.reviews.of_order(order.id) == []
    assert RATINGS.described == 5
