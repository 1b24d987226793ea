"""The app on a real Redis Cluster: three masters of Debian's redis-server on loopback ports
(tests/loopback_cluster.py). Every test here gets the usual fresh world with the cluster as its Redis: the
flash-sale scripts, the races that must stay exact, rate limits, sessions and tokens, and the real-time bus.
The job queue cannot run on a cluster (mall/infra/jobs.py): it stays on the plain embedded Redis, as a
production cluster needs MALL_QUEUE_REDIS_URL."""

import asyncio
import os
import signal
import time

import pytest

from mall.app import Misconfigured, check_topology
from mall.flash_sales import services as flash
from mall.infra import redis as redis_infra
from mall.infra.jobs import make_queue
from mall.infra.ratelimit import RateLimiter
from mall.realtime import services as realtime
from mall.realtime.hub import Hub, Subscriber
from mall.realtime.repository import ChannelStore
from tests.integration.flash_helpers import loosen_rate_limits, make_sale, reserve, sku_stock
from tests.integration.orders_helpers import bearer
from tests.integration.test_promotions_checkout import (
    test_50_concurrent_checkouts_with_a_single_use_coupon_place_exactly_one as the_coupon_race,
)
from tests.loopback_cluster import LoopbackCluster


@pytest.fixture(scope="session")
def redis_cluster(tmp_var):
    try:
        cluster = LoopbackCluster(tmp_var / "cluster").start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def redis_url(redis_cluster):
    """This module's worlds (tests/conftest.py `container`) use the cluster."""
    return redis_cluster.url


def nodes_of(redis, keys) -> set[str]:
    return {redis.get_node_from_key(key).name for key in keys}


async def test_the_worlds_here_run_on_three_masters_and_spread_the_sales_over_them(container, factory):
    assert isinstance(container.redis, redis_infra.RedisCluster)
    assert len(container.redis.get_primaries()) == 3
    assert len(nodes_of(container.redis, [container.flash_store.keys(f"sale-{n}")[0] for n in range(12)])) == 3
    sales = [await make_sale(container, factory, quantity=1) for _ in range(4)]
    assert await container.flash_store.remaining_many([s.id for s in sales]) == {s.id: 1 for s in sales}
    assert set(await container.flash_store.figures_many([s.id for s in sales])) == {s.id for s in sales}


async def test_every_flash_sale_script_runs_on_the_one_slot_of_its_sale(container, factory):
    """The cluster refuses a script whose keys span slots (CROSSSLOT): each step of a sale's life runs here."""
    store, c = container.flash_store, container
    sale = await make_sale(c, factory, quantity=3, limit=2)  # LOAD
    assert len({c.redis.keyslot(key) for key in store.keys(sale.id)}) == 1
    first = await reserve(c, sale, "u1")  # RESERVE (with both rate-limit keys) + REMEMBER_HOLD in {user:u1}
    assert first.reason == "ok"
    sale_id, hold_id = first.id.split(".")
    assert (await flash.hold(c, first.id)).qty == 1  # PEEK
    assert await flash.claim_hold(c, sale_id, hold_id, user_id="u1", checkout_id="k1") == 1  # CLAIM
    assert [h.reservation for h in await flash.live_holds(c, "u1")] == [first.id]
    assert await flash.release_hold(c, sale_id, hold_id, checkout_id="k1", user_id="u1") == 1  # RELEASE
    assert await flash.live_holds(c, "u1") == []
    second = await reserve(c, sale, "u2")
    assert await flash.sell_hold(c, sale_id, second.id.split(".")[1], user_id="u2", qty=1, checkout_id="k2") == "ok"
    await reserve(c, sale, "u3")
    c.clock.advance(seconds=c.settings.flash_hold_seconds + 1)
    assert await flash.expire_holds(c, sale_id) == 1  # EXPIRE
    assert await store.pause(sale_id, True)  # PAUSE
    assert (await reserve(c, sale, "u4")).reason == "shop_suspended"
    assert await store.pause(sale_id, False)
    assert await store.close(sale_id) == 0  # CLOSE
    assert (await store.figures(sale_id))["sold"] == 1
    later = await make_sale(c, factory, quantity=5, starts_in=600)
    assert await store.reset(later)  # RESET
    await store.drop(later.id)  # one DEL of the sale's keys
    report = await flash.reconcile(c, later.id)  # rebuilt from MongoDB: LOAD again
    assert (report.remaining, report.drift) == (5, 0)


async def test_300_shoppers_racing_for_100_units_on_the_cluster_buy_exactly_100(container, factory):
    """SECURITY row 6 on the cluster: every shopper tries twice at once; exactly 100 holds, one per shopper;
    the winners check out and pay; 100 sold in Redis and in the orders, nothing left, no unit lost."""
    loosen_rate_limits(container)
    sale = await make_sale(container, factory, stock=100, quantity=100, limit=1)
    shoppers = [await factory.user() for _ in range(300)]
    attempts = [s for s in shoppers for _ in range(2)]
    answers = await asyncio.gather(*(reserve(container, sale, s.id) for s in attempts))
    won = {s.id: a.id for s, a in zip(attempts, answers, strict=True) if a.reason == "ok"}
    assert sum(a.reason == "ok" for a in answers) == 100 and len(won) == 100
    assert {a.reason for a in answers} == {"ok", "sold_out", "limit_reached"}
    winners = [s for s in shoppers if s.id in won]

    placed = await asyncio.gather(*(factory.flash_checkout(s, won[s.id]) for s in winners))
    await asyncio.gather(*(factory.pay(s, p.checkout) for s, p in zip(winners, placed, strict=True)))

    report = await flash.reconcile(container, sale.id)
    assert (report.remaining, report.held, report.sold, report.sold_redis, report.drift) == (0, 0, 100, 100, 0)
    truth = await container.sold_ledger.sold(sale.id)
    assert truth.by_user == {s.id: 1 for s in winners}
    assert await sku_stock(container, sale) == 0


# The coupon race of tests/integration/test_promotions_checkout.py, in this module's world: on the cluster.
test_50_checkouts_racing_for_a_single_use_coupon_on_the_cluster_place_exactly_one = the_coupon_race


async def test_rate_limits_on_the_cluster_let_exactly_the_limit_through_per_bucket(container):
    limiter = RateLimiter(container.redis)
    buckets = [f"signin:10.0.0.{n}" for n in range(12)]
    assert len(nodes_of(container.redis, [f"rl:{b}" for b in buckets])) == 3
    verdicts = await asyncio.gather(*(limiter.hit(b, 3, 60) for b in buckets for _ in range(5)))
    assert sum(v.allowed for v in verdicts) == 3 * len(buckets)
    assert all(1 <= v.retry_after <= 60 for v in verdicts if not v.allowed)
    await limiter.forgive(buckets[0])
    assert await limiter.count(buckets[0]) == 4


async def test_sessions_and_api_tokens_live_on_the_cluster(app, web, api, factory, container):
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    assert (await web.page("/orders")).status_code == 200
    sessions = [key async for key in container.redis.scan_iter(match="sess:*")]
    assert sessions
    assert (await api.get("/api/v1/me", headers=await bearer(container, shopper))).json()["email"] == shopper.email
    assert (await web.form("/logout")).status_code == 302
    assert (await web.page("/orders")).status_code in (302, 303)  # signed out: sent to sign in
    assert not any([await container.redis.exists(key) for key in sessions])  # the signed-in session is gone
    assert (await api.get("/healthz")).json()["components"]["redis"]["state"] == "up"


async def test_the_bell_count_and_socket_positions_are_read_on_the_cluster(container, factory):
    # given a user with live channels spread over the masters and two notifications
    shopper = await factory.user()
    channels = [f"user:{shopper.id}", "deals", "ops", f"my-order:{shopper.id}"]
    assert len(nodes_of(container.redis, [f"rt:{{{channel}}}:seq" for channel in channels])) > 1
    for channel in channels[:2]:
        await realtime.publish(container.channels, channel, "test")
    for _ in range(2):
        await realtime.notify(
            container.notifications, container.channels, container.clock, user_id=shopper.id, kind="order.paid",
            params={"number": "N1"}, link="/orders", html="",
        )  # fmt: skip

    # when a page reads where each channel stands and the unread count (kept, then read again, then all read)
    positions = await realtime.positions(container.channels, channels)
    counts = [await realtime.unread_count(container.notifications, shopper.id) for _ in range(2)]
    await realtime.mark_all_read(container.notifications, container.clock, shopper.id)

    # then each is what was written, from whichever master holds it
    assert positions == {f"user:{shopper.id}": 3, "deals": 1, "ops": 0, f"my-order:{shopper.id}": 0}
    assert counts == [2, 2]
    assert await realtime.unread_count(container.notifications, shopper.id) == 0


async def test_live_messages_from_every_node_reach_a_hub_listening_on_one(container):
    """Pub/sub on a cluster: a message published (inside the numbering script) on any master is heard on the
    hub's one node, in order per channel, and a reconnecting client replays it from the cluster."""
    channels = [f"shop:{n}" for n in range(9)]
    assert len(nodes_of(container.redis, [f"rt:{{{ch}}}:seq" for ch in channels])) == 3
    hub = Hub(ChannelStore(redis_infra.listener(container.redis_url)))
    await hub.start()
    got: list[str] = []

    async def send(raw):
        got.append(raw)

    listener = Subscriber(send, set(channels))
    hub.join(listener)
    listener.go_live()  # nothing to replay: live messages are sent as they come
    try:
        for n in range(2):
            for channel in channels:
                await realtime.publish(container.channels, channel, "order.paid", html=f"<b>{n}</b>")
        for _ in range(500):  # the condition, polled: every message has arrived (bounded: 5 s)
            if len(got) == 2 * len(channels):
                break
            await asyncio.sleep(0.01)
        assert len(got) == 2 * len(channels)
        assert listener.last == {channel: 2 for channel in channels}
        assert len(await container.channels.since(channels[0], 0)) == 2
    finally:
        sender = listener.stop()
        if sender is not None:
            await asyncio.gather(sender, return_exceptions=True)
        await hub.stop()


async def test_the_job_queue_stays_on_a_plain_redis_and_a_cluster_queue_is_refused(container, factory, redis_url):
    with pytest.raises(ValueError, match="MALL_QUEUE_REDIS_URL"):
        make_queue(redis_url)
    with pytest.raises(Misconfigured, match="cannot run on a Redis Cluster"):
        check_topology(container.settings.replace(queue_redis_url="", redis_url=redis_url, mongo_url="mongodb://db"))
    product = await factory.stocked_product(stock=5)
    placed = await factory.checkout(await factory.user(), (product, 1))  # schedules its expiry
    assert container.queue_url == container.settings.queue_redis_url != redis_url
    expiry = await container.queue.job(f"expire:{placed.checkout.id}")
    assert expiry is not None and expiry.function == "expire_checkout"
    assert [key async for key in container.redis.scan_iter(match="saq:*")] == []


async def cluster_state(port: int) -> str:
    """What one node says of the cluster: ok, fail, or unknown (no answer)."""
    probe = redis_infra.client(f"redis://127.0.0.1:{port}")
    try:
        return (await probe.execute_command("CLUSTER INFO"))["cluster_state"]
    except redis_infra.UNAVAILABLE:
        return "unknown"
    finally:
        await probe.aclose()


async def until(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "the cluster never got there"
        await asyncio.sleep(0.05)  # polling the condition, bounded


async def test_a_master_that_stops_answering_costs_a_503_and_so_does_the_cluster_it_takes_down(
    app, web, api, factory, container, redis_cluster
):
    """SECURITY row 20 on a cluster: requests on a hung master's slots answer 503 within about two seconds; once
    the other masters declare the cluster down (CLUSTERDOWN, after cluster-node-timeout) every request is a 503
    with Retry-After, never a 500; and all answer again once the master is back."""
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    (session,) = [key async for key in container.redis.scan_iter(match="sess:*")]
    hung = container.redis.get_node_from_key(session).port
    other = next(port for port in redis_cluster.ports if port != hung)
    auth = await bearer(container, shopper)
    while (
        container.redis.get_node_from_key(container.tokens._key(auth["Authorization"][len("Bearer ") :])).port == hung
    ):
        auth = await bearer(container, shopper)  # a token kept on a master that still answers
    process = redis_cluster.process_of(hung)
    os.kill(process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        page = await web.get("/orders")
        elapsed = time.monotonic() - started
        await until(lambda: _says(other, "fail"))
        me = await api.get("/api/v1/me", headers=auth)
    finally:
        os.kill(process.pid, signal.SIGCONT)
        await until(lambda: _all_say(redis_cluster.ports, "ok"))
    assert page.status_code == 503 and page.headers["Retry-After"] == "2" and elapsed < 3  # 1 s read timeout, 1 retry
    assert me.status_code == 503 and me.headers["Retry-After"] == "2"  # ClusterDownError, not a 500
    assert (await web.get("/orders")).status_code == 200
    assert (await api.get("/api/v1/me", headers=auth)).status_code == 200


async def _says(port: int, state: str) -> bool:
    return await cluster_state(port) == state


async def _all_say(ports, state: str) -> bool:
    return all([await cluster_state(port) == state for port in ports])
