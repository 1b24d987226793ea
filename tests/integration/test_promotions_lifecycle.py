"""Timed transitions with a controllable clock (no sleeps): a campaign starts and ends exactly once with
two workers racing; announcements of shop promotions and coupons happen once; pause/stop are one-way."""

import asyncio

import pytest

from mall.bootstrap import build
from mall.promotions import services as promotions
from tests.integration.promo_helpers import campaign, coupon, limited


def second_worker(container):
    """Another worker process: its own container (repositories, event bus) on the same MongoDB and Redis."""
    return build(container.settings, container.db, container.redis, container.redis_url, clock=container.clock)


def listen(c, heard: list) -> None:
    async def record(_name, payload):
        heard.append((payload["reason"], payload.get("campaign_id") or payload.get("promotion_id")))

    c.events.subscribe("promo.changed", record)


async def test_a_campaign_starts_and_ends_exactly_once_with_two_workers(container, factory):
    product = await factory.stocked_product(price=20000, stock=10)
    made = await campaign(container, percent_off=10, starts_in=60, lasts=600, products=[product])
    assert made.status == "scheduled"
    other = second_worker(container)
    heard: list = []
    listen(container, heard)
    listen(other, heard)

    assert await asyncio.gather(*(promotions.step_campaign(w, made.id) for w in (container, other))) == [None, None]
    container.clock.advance(seconds=60)
    steps = await asyncio.gather(*(promotions.step_campaign(w, made.id) for w in (container, other, container)))
    assert sorted(steps, key=str) == [None, None, "started"]
    assert await promotions.sweep(container) == 0  # nothing left to do
    container.clock.advance(seconds=600)
    steps = await asyncio.gather(
        promotions.sweep(container), promotions.sweep(other), promotions.step_campaign(other, made.id)
    )
    assert sum(1 for s in steps if s in (1, "ended")) == 1
    assert heard == [("started", made.id), ("ended", made.id)]
    assert (await promotions.get_campaign(container, made.id)).status == "ended"


async def test_the_worker_knows_the_promotion_jobs_by_name():
    from mall import worker

    names = {f.__name__ for f in worker.functions()}
    assert {"promo_announce", "promo_campaign_step"} <= names
    assert "promo_sweep" in {job.function.__name__ for job in worker.cron_jobs()}


async def test_a_limited_time_discount_and_a_coupon_announce_their_start_and_end_once(container, factory):
    product = await factory.stocked_product(price=20000, stock=10)
    heard: list = []
    listen(container, heard)
    deal = await limited(container, product, percent_off=20, starts_in=30, lasts=60)
    code = await coupon(container, code="SOON", starts_in=30, lasts=60)
    assert await promotions.sweep(container) == 0
    container.clock.advance(seconds=30)
    assert await promotions.announce_edge(container, "promotion", deal.id, "start") is True
    assert await promotions.announce_edge(container, "promotion", deal.id, "start") is False
    assert await promotions.sweep(container) == 1  # the coupon's start (its job was lost)
    container.clock.advance(seconds=60)
    assert await promotions.sweep(container) == 2
    assert await promotions.sweep(container) == 0
    assert sorted(r for r, _ in heard) == ["ended", "ended", "started", "started"]
    assert {i for _, i in heard} >= {deal.id}
    assert code.id


async def test_pause_resume_stop_and_what_they_refuse(container, factory):
    product = await factory.stocked_product(price=20000, stock=10)
    made = await campaign(container, percent_off=10, products=[product])
    assert made.status == "live"  # its start had passed: live at once
    with pytest.raises(promotions.PromotionError):
        await promotions.resume(container, made.id)
    assert (await promotions.pause(container, made.id)).status == "paused"
    assert (await promotions.resume(container, made.id)).status == "live"
    assert (await promotions.stop(container, made.id)).status == "stopped"
    for action in (promotions.pause, promotions.resume, promotions.stop, promotions.launch_now):
        with pytest.raises(promotions.PromotionError):
            await action(container, made.id)
    with pytest.raises(promotions.PromotionError):
        await promotions.update_campaign(container, made.id, {"name": "Too late"})


async def test_a_paused_campaign_whose_end_passed_is_over_not_resumable(container, factory):
    product = await factory.stocked_product(price=20000, stock=10)
    made = await campaign(container, percent_off=10, lasts=120, products=[product])
    await promotions.pause(container, made.id)
    container.clock.advance(seconds=121)
    with pytest.raises(promotions.PromotionError):
        await promotions.resume(container, made.id)
    assert (await promotions.get_campaign(container, made.id)).status == "ended"


async def test_launching_now_moves_the_start_and_prices_follow(container, factory):
    from tests.integration.promo_helpers import window

    product = await factory.stocked_product(price=20000, stock=10)
    starts_at, ends_at = window(container, starts_in=3600)
    draft = await promotions.create_campaign(
        container, actor_id="m", name="Flash campaign", theme="", starts_at=starts_at, ends_at=ends_at,
        platform_share_percent=100, percent_off=20,
    )  # fmt: skip
    (entry,) = await promotions.enter_products(container, shop_id=product.shop_id, campaign_id=draft.id,
                                               product_ids=[product.id])  # fmt: skip
    await promotions.decide_entry(container, operator_id="op", entry_id=entry.id, approve=True)
    shopper = await factory.user()
    before = await factory.checkout(shopper, (product, 1))
    assert before.orders[0].discount == 0
    launched = await promotions.launch_now(container, draft.id)
    assert launched.status == "live" and launched.starts_at == container.clock.now()
    after = await factory.checkout(shopper, (product, 1))
    assert after.orders[0].discount == 4000
    assert launched.ends_at == ends_at  # launching moves the start only


async def test_a_draft_whose_time_passed_is_over_and_takes_no_entries(container, factory):
    from tests.integration.promo_helpers import window

    product = await factory.stocked_product(price=20000, stock=10)
    starts_at, ends_at = window(container, lasts=60)
    draft = await promotions.create_campaign(
        container, actor_id="m", name="Forgotten", theme="", starts_at=starts_at, ends_at=ends_at,
        platform_share_percent=50, percent_off=10,
    )  # fmt: skip
    container.clock.advance(seconds=61)
    assert str(draft.state(container.clock.now())) == "ended"
    with pytest.raises(promotions.PromotionError):
        await promotions.enter_products(
            container, shop_id=product.shop_id, campaign_id=draft.id, product_ids=[product.id]
        )


async def test_a_limited_time_discount_on_some_skus_of_one_product_keeps_the_others_whole(container, factory):
    shop = await factory.shop()
    sized = await factory.stocked_product(
        shop=shop, variants=[("S-1", 10000, 5, {"size": "S"}), ("M-1", 12000, 5, {"size": "M"})]
    )
    plain = await factory.stocked_product(shop=shop, price=20000, stock=5)
    starts_at, ends_at = window_of(container)
    deal = await promotions.create_limited_time(
        container, shop_id=shop.id, actor_id="m", name="Small sizes", product_ids=[sized.id, plain.id],
        variant_ids=[sized.variants[0].id], percent_off=10, starts_at=starts_at, ends_at=ends_at,
    )  # fmt: skip
    assert sorted(deal.variant_ids) == sorted([sized.variants[0].id, plain.variants[0].id])


def window_of(c):
    from tests.integration.promo_helpers import window

    return window(c)
