"""SECURITY rows 16 and 20: Redis lost mid-sale, a dependency that dies or restarts. Each test kills a real
redis-server of its own (tests/integration/redis_faults.py) and watches what a shopper or an operator sees."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from mall.accounts.repository import Recent
from mall.flash_sales import services as flash
from mall.infra import embedded_redis
from mall.infra import redis as redis_infra
from mall.orders import services as orders
from mall.orders.models import CheckoutStatus, OrderStatus, SaleState
from mall.realtime import services as realtime
from mall.realtime.hub import Hub, Subscriber
from mall.realtime.repository import ChannelStore
from tests.conftest import Web
from tests.factories import Factory
from tests.integration.flash_helpers import make_sale, reserve
from tests.integration.orders_helpers import bearer
from tests.integration.redis_faults import kill, own_world, stop_task, until


async def test_a_payment_confirmed_while_redis_is_down_makes_the_order_paid_and_never_oversells(server, settings):
    """SECURITY row 16 (and 20: no paid order stays unpaid): Redis dies mid-sale, between sign-in and payment."""
    async with own_world(settings, server=server) as (c, embedded):
        factory = Factory(c)
        sale = await make_sale(c, factory, quantity=2, limit=1)
        shopper, other = await factory.user(), await factory.user()
        placed = await factory.flash_checkout(shopper, (await reserve(c, sale, shopper.id)).id)
        auth = await bearer(c, shopper)
        pay = f"/api/v1/sandbox/payments/{placed.checkout.payment_id}/succeed"
        async with httpx.AsyncClient(base_url=server.ctx.base_url, timeout=30) as api:
            seen = await api.get(f"/api/v1/payments/{placed.checkout.payment_id}", headers=auth)
            assert seen.status_code == 200  # the token is known to this process for a few seconds

            kill(embedded)  # Redis dies between the shopper's sign-in and the payment
            paid = await api.post(pay, headers=auth)
            again = await api.post(pay, headers=auth)  # the shopper presses Pay again

        assert paid.status_code == 200, paid.text
        assert paid.json()["payment"]["status"] == "succeeded"
        assert again.status_code == 200 and again.json()["payment"]["status"] == "succeeded"  # never a 409
        checkout = await c.checkouts.get(placed.checkout.id)
        assert checkout.status is CheckoutStatus.PAID  # from MongoDB's side alone
        assert [o.status for o in await c.orders.of_checkout(checkout.id)] == [OrderStatus.PAID]
        assert checkout.items[0].sale_state is SaleState.SELLING  # counted as sold until Redis catches up
        assert (await c.sold_ledger.sold(sale.id)).units == 1

        embedded.start()  # Redis is back (with its data: the hold is still there)
        assert await orders.catch_up(c) == 1
        line = (await c.checkouts.get(checkout.id)).items[0]
        assert line.sale_state is SaleState.SOLD
        report = await flash.reconcile(c, sale.id)
        assert (report.remaining, report.held, report.sold_redis, report.sold, report.drift) == (1, 0, 1, 1, 0)
        assert (await reserve(c, sale, other.id)).reason == "ok"  # the last unit, once
        assert (await reserve(c, sale, (await factory.user()).id)).reason == "sold_out"
        assert await orders.catch_up(c) == 0  # nothing left to do: safe to run again


async def test_requests_that_need_redis_answer_503_with_retry_after_at_once_and_heal(server, settings):
    """SECURITY row 20: fail fast with 503 + Retry-After, heal when Redis is back, no session lost."""
    async with own_world(settings, server=server) as (c, embedded):
        shopper = await Factory(c).user()
        async with Web(base_url=server.ctx.base_url, follow_redirects=False, timeout=30) as web:
            await web.sign_in(shopper.email)
            kill(embedded)
            started = time.monotonic()
            page = await web.get("/orders")
            listing = await web.get("/api/v1/flash-sales")
            health = await web.get("/healthz")
            elapsed = time.monotonic() - started

            assert page.status_code == 503 and page.headers["Retry-After"] == "2"
            assert page.headers["content-type"].startswith("text/html") and "Back in a moment" in page.text
            assert listing.status_code == 503 and listing.headers["Retry-After"] == "2"
            assert listing.json()["error"]["status"] == 503
            assert health.status_code == 503 and health.headers["content-type"] == "application/json"
            assert health.json()["status"] == "degraded"
            assert health.json()["components"]["redis"]["state"] == "down"
            assert health.json()["components"]["database"]["state"] == "up"
            assert elapsed < 1.5  # three answers, none waiting on the dead server

            embedded.start()  # back, with its data
            again = await web.get("/orders")
            assert again.status_code == 200 and shopper.email in again.text  # still signed in: the session survived
            assert (await web.get("/healthz")).json()["status"] == "ok"


async def test_a_redis_that_hangs_answers_503_within_about_a_second(server, settings):
    """SECURITY row 20: a server that accepts but never answers (stopped) costs a request about a second."""
    async with own_world(settings, server=server) as (c, embedded):
        shopper = await Factory(c).user()
        async with Web(base_url=server.ctx.base_url, follow_redirects=False, timeout=30) as web:
            await web.sign_in(shopper.email)
            os.kill(embedded.process.pid, signal.SIGSTOP)  # alive, but answers nothing
            try:
                started = time.monotonic()
                page = await web.get("/orders")
                health = await web.get("/healthz")
                elapsed = time.monotonic() - started
            finally:
                os.kill(embedded.process.pid, signal.SIGCONT)
            assert page.status_code == 503 and page.headers["Retry-After"] == "2"
            assert health.status_code == 503 and health.json()["components"]["redis"]["state"] == "down"
            assert elapsed < 2.5  # a 1 s read timeout, and a health probe of 0.5 s
            assert (await web.get("/orders")).status_code == 200


async def test_a_killed_redis_is_restarted_and_keeps_sessions_tokens_holds_and_counters(server, settings, caplog):
    """SECURITY row 20: the embedded server is restarted, and nothing it held is lost."""
    caplog.set_level(logging.WARNING, logger="mall.redis")
    async with own_world(settings, server=server, supervised=True) as (c, embedded):
        factory = Factory(c)
        sale = await make_sale(c, factory, quantity=5, limit=2)
        shopper = await factory.user()
        answer = await reserve(c, sale, shopper.id)
        auth = await bearer(c, shopper)
        for _ in range(3):
            await c.limiter.hit("login:203.0.113.9", 10, 600)
        async with Web(base_url=server.ctx.base_url, follow_redirects=False, timeout=30) as web:
            await web.sign_in(shopper.email)
            before = await flash.reconcile(c, sale.id)
            c.tokens.recent = Recent()  # this process forgets the token: only Redis can answer for it
            pid = embedded.process.pid

            os.kill(pid, signal.SIGKILL)  # not reaped here: the supervisor must notice, reap and restart
            await until(lambda: embedded.restarts == 1)

            assert not os.path.exists(f"/proc/{pid}")  # reaped: no zombie
            assert (await web.get("/orders")).status_code == 200  # the session is back
            c.tokens.recent = Recent()
            async with httpx.AsyncClient(base_url=server.ctx.base_url) as api:
                assert (await api.get("/api/v1/me/coupons", headers=auth)).status_code == 200  # and the token
        assert await flash.hold(c, answer.id) is not None  # and the hold
        after = await flash.reconcile(c, sale.id)
        assert (after.remaining, after.held, after.reserved, after.rebuilt) == (before.remaining, 1, 1, False)
        assert (await c.limiter.hit("login:203.0.113.9", 3, 600)).allowed is False  # and the counters: 4 > 3
        logged = [r.getMessage() for r in caplog.records if r.name == "mall.redis"]
        assert any(f"(pid {pid}) exited" in line and "restarting it in 0.1 s" in line for line in logged)
        assert any("restarted" in line for line in logged)


async def test_restarts_back_off_while_the_server_keeps_dying():
    directory = redis_infra.temporary_directory("mall-fault-")
    embedded = redis_infra.EmbeddedRedis(directory / "redis").start()
    pauses: list[float] = []

    async def pause(seconds: float) -> None:  # the clock of the backoff, under the test's control
        pauses.append(seconds)

    watch = asyncio.create_task(embedded.supervise(pause=pause, every=0.01))
    try:
        for n in (1, 2, 3):
            os.kill(embedded.process.pid, signal.SIGKILL)
            await until(lambda n=n: embedded.restarts == n)
        assert pauses == [0.1, 0.2, 0.4]  # each quick death waits twice as long
        embedded.started_at -= embedded_redis.STABLE  # it ran long enough: the next restart is quick again
        os.kill(embedded.process.pid, signal.SIGKILL)
        await until(lambda: embedded.restarts == 4)
        assert pauses[-1] == 0.1
    finally:
        await stop_task(watch)
        embedded.stop()
        redis_infra.remove_directory(directory)
    assert embedded.state == "stopped"


async def test_a_server_a_killed_run_left_behind_is_stopped_before_a_new_one_starts():
    directory = redis_infra.temporary_directory("mall-fault-")
    try:
        first = redis_infra.EmbeddedRedis(directory / "redis", fsync="always").start()
        leftover = first.process  # the app that started it was killed: nobody stops it
        async with redis_infra.client(first.url) as redis:
            await redis.set("kept", "yes")

        second = redis_infra.EmbeddedRedis(directory / "redis").start()

        assert leftover.wait(5) == 0  # stopped (cleanly: it wrote its data), not left beside the new one
        async with redis_infra.client(second.url) as redis:
            assert await redis.get("kept") == "yes"
        second.stop()
        assert not (directory / "redis" / "redis.pid").exists()
    finally:
        redis_infra.remove_directory(directory)


async def test_a_server_a_running_process_still_uses_is_not_taken_over():
    directory = redis_infra.temporary_directory("mall-fault-")
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        first = redis_infra.EmbeddedRedis(directory / "redis").start()
        pidfile = directory / "redis" / "redis.pid"
        pidfile.write_text(json.dumps({"redis": first.process.pid, "owner": owner.pid}))  # another app's server
        with pytest.raises(embedded_redis.LeftoverInUse, match=f"pid {owner.pid}"):
            redis_infra.EmbeddedRedis(directory / "redis").start()
        assert first.process.poll() is None  # untouched
        first.stop()
    finally:
        owner.kill()
        owner.wait()
        redis_infra.remove_directory(directory)


async def test_when_the_hold_went_while_redis_caught_up_the_orders_win_and_nothing_is_oversold(settings):
    """SECURITY row 16: the orders are the truth; Redis is rebuilt from them and never oversells."""
    async with own_world(settings) as (c, embedded):
        factory = Factory(c)
        sale = await make_sale(c, factory, quantity=1, limit=1)
        payer, latecomer = await factory.user(), await factory.user()
        placed = await factory.flash_checkout(payer, (await reserve(c, sale, payer.id)).id)
        kill(embedded)
        paid = await factory.pay(payer, placed.checkout)  # the provider's confirmation, Redis down
        assert paid.checkout.status is CheckoutStatus.PAID

        embedded.start()
        c.clock.advance(seconds=c.settings.flash_hold_seconds + 1)
        assert await flash.expire_holds(c, sale.id) == 1  # Redis let the paid hold go...
        late = await reserve(c, sale, latecomer.id)
        assert late.reason == "ok"  # ...and handed its unit to someone else

        assert await orders.catch_up(c) == 1

        assert (await c.checkouts.get(placed.checkout.id)).items[0].sale_state is SaleState.SOLD
        report = await flash.reconcile(c, sale.id)
        assert (report.remaining, report.held, report.sold, report.drift) == (0, 0, 1, 0)  # one unit, one buyer
        assert await flash.hold(c, late.id) is None  # the latecomer's hold was dropped: undersold at worst


async def test_live_updates_resume_once_a_restarted_redis_answers(settings):
    """SECURITY row 20: the app heals itself. The hub's subscription comes back with the server."""
    async with own_world(settings, supervised=True) as (c, embedded):
        hub = Hub(ChannelStore(redis_infra.listener(embedded.url)))
        await hub.start()
        subscriber = Subscriber(send=None, channels={"deals"})
        hub.join(subscriber)
        try:
            os.kill(embedded.process.pid, signal.SIGKILL)
            await until(lambda: embedded.restarts == 1)

            async def heard() -> bool:
                await realtime.publish(c.channels, "deals", "sale.opened", html="<b>open</b>")
                return bool(subscriber.waiting)  # not live: what it hears waits

            await until(heard, rounds=1000)
        finally:
            await hub.stop()
        channel, _seq, raw = subscriber.waiting.popleft()
        assert channel == "deals" and json.loads(raw)["kind"] == "sale.opened"
