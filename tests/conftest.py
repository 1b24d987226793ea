"""One real app server (Sanic, real HTTP) and one real embedded Redis for the
whole run; every test gets a fresh in-memory database, an empty Redis and a
controllable clock, swapped into the running app."""

from __future__ import annotations

import asyncio
import os
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sanic import Sanic

from mall.bootstrap import build
from mall.config import load_settings
from mall.infra import redis as redis_infra
from mall.infra.clock import FrozenClock
from tests import real_servers

Sanic.test_mode = True
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def random_order_seed(config) -> int | None:
    """pytest-randomly's seed for this run (None under `-p no:randomly`)."""
    return config.getoption("randomly_seed", None) if config.pluginmanager.hasplugin("randomly") else None


@pytest.hookimpl(trylast=True)  # after pytest-randomly has chosen its seed
def pytest_configure(config):
    """Hypothesis draws its examples from the same seed as the test order (unless --hypothesis-seed says
    otherwise), so the one printed seed replays a whole run: order, data and examples."""
    from hypothesis import core

    seed = random_order_seed(config)
    if isinstance(seed, int) and config.getoption("hypothesis_seed", None) is None:
        core.global_force_seed = seed


def pytest_report_collectionfinish(config):
    """Printed first (even with -q) and again at the end, where a failing run is read."""
    return seeded(config)


def pytest_terminal_summary(terminalreporter, config):
    if line := seeded(config):
        terminalreporter.write_line(line)


def seeded(config) -> str | None:
    seed = random_order_seed(config)
    if seed is None:
        return None
    return f"random test order, seed {seed}: --randomly-seed={seed} replays it, -p no:randomly turns it off"


@pytest.fixture(scope="session")
def tmp_var():
    path = redis_infra.temporary_directory("mall-test-")
    yield path
    redis_infra.remove_directory(path)


@pytest.fixture(scope="session")
def embedded_redis(tmp_var):
    server = redis_infra.EmbeddedRedis(tmp_var / "redis").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def settings(tmp_var):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALL_")}
    return load_settings(environ=environ).replace(
        var_dir=str(tmp_var),
        demo=False,
        mongo_url="",
        redis_url="",
        auth_rate_limit=1000,
        password_hash_profile="test",
        mongo_interleave=os.environ.get("MALL_TEST_MONGO_INTERLEAVE", "yield"),  # "random": the stress mode
    )


@pytest_asyncio.fixture(scope="session")
async def databases():
    """Each test's database: in memory, or on MALL_TEST_MONGO_URL (tests/real_servers.py)."""
    found = real_servers.Databases()
    yield found
    await found.drop_leftovers()


@pytest.fixture(scope="session")
def redis_url(embedded_redis) -> str:
    """Each test's Redis: the embedded one, or MALL_TEST_REDIS_URL (a module may override it: the Redis Cluster)."""
    return real_servers.REDIS_URL or embedded_redis.url


@pytest_asyncio.fixture
async def container(settings, embedded_redis, redis_url, databases):
    """A fresh world per test: empty database, empty Redis, clock at a fixed instant. When the test is over
    the world is closed (its background work cancelled and awaited), and a task of ours still running
    fails the test: nothing a test started may fire in the next one."""
    before = set(asyncio.all_tasks())
    client, db = databases.open(**interleaving(settings))
    redis = redis_infra.client(redis_url)
    await redis.flushdb()
    settings = real_servers.queue_beside(settings, redis_url, embedded_redis.url)
    c = build(settings, db, redis, redis_url, clock=FrozenClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC)))
    await c.ensure_indexes()
    yield c
    await c.close()
    await redis.aclose()
    try:
        await no_task_left_running(before)
    finally:
        await databases.drop(client, db)


def interleaving(settings) -> dict:
    """The embedded database yields to the event loop around every call (mall.infra.interleave); the stress
    mode draws its turns from the test's random seed (pytest-randomly reseeds `random` per test)."""
    return {"interleave": settings.mongo_interleave, "seed": random.getrandbits(32)}


OURS = tuple(str(Path(__file__).resolve().parent.parent / folder) for folder in ("mall", "tests"))


def started_here(task: asyncio.Task) -> bool:
    return _code_file(task).startswith(OURS)


def serving_a_connection(task: asyncio.Task) -> bool:
    """A WebSocket handler (a route run as a task) and its own tasks ("ws: ..."): they end once the server has
    seen the client go, a moment after the test closed it."""
    return task.get_name().startswith("ws:") or _code_file(task).endswith("routes.py")


def _code_file(task: asyncio.Task) -> str:
    code = getattr(task.get_coro(), "cr_code", None)
    return code.co_filename if code is not None else ""


async def no_task_left_running(before: set[asyncio.Task]) -> None:
    """Fail when a task of mall's (or of the tests') that this test started is still running. Sockets the
    test closed get a few seconds to be closed on the server's side too."""

    def running() -> list[asyncio.Task]:
        current = asyncio.current_task()
        return [t for t in asyncio.all_tasks() if t not in before and t is not current and started_here(t)]

    for _ in range(500):  # a condition, polled: the server has finished every connection of this test
        if not any(serving_a_connection(t) for t in running()):
            break
        await asyncio.sleep(0.01)
    for _ in range(3):  # what close() cancelled finishes within a loop turn or two
        await asyncio.sleep(0)
    left = running()
    for task in left:
        task.cancel()
    await asyncio.gather(*left, return_exceptions=True)
    if left:
        names = ", ".join(f"{t.get_name()} ({t.get_coro().__qualname__})" for t in left)
        pytest.fail(f"the test left tasks running (background work belongs to the container): {names}")


@pytest_asyncio.fixture(scope="session")
async def server(settings, embedded_redis):
    """The real app on a real port (started once), serving whatever container a test installs."""
    from mall.app import create_app, start_hub

    app = create_app(settings, container=object(), name="mall_test")
    srv = await app.create_server(host="127.0.0.1", port=_free_port(), return_asyncio_server=True)
    await srv.startup()
    await srv.before_start()
    await srv.after_start()
    port = srv.server.sockets[0].getsockname()[1]
    app.ctx.base_url = f"http://127.0.0.1:{port}"
    app.ctx.c = type("Boot", (), {"redis_url": real_servers.REDIS_URL or embedded_redis.url})()
    await start_hub(app)
    yield app
    await app.ctx.hub.stop()
    await srv.before_stop()
    srv.close()
    await srv.wait_closed()
    await srv.after_stop()


@pytest_asyncio.fixture
async def app(server, container):
    server.ctx.c = container
    yield server


def _free_port() -> int:
    """Sanic reads port=0 as its default 8000, which parallel runs share; ask the OS for a free one instead."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Web(httpx.AsyncClient):
    """An HTTP client that behaves like a browser tab: cookies, CSRF from forms."""

    csrf: str | None = None

    async def page(self, path: str, **kw) -> httpx.Response:
        response = await self.get(path, **kw)
        match = CSRF_RE.search(response.text)
        if match:
            self.csrf = match.group(1)
        return response

    async def form(self, path: str, data: dict | None = None, *, files=None, **kw) -> httpx.Response:
        if self.csrf is None:
            await self.page("/login")
        return await self.post(path, data={"csrf_token": self.csrf, **(data or {})}, files=files, **kw)

    async def sign_in(self, email: str, password: str = "password123") -> httpx.Response:
        await self.page("/login")
        response = await self.form("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.text[:500]
        await self.page("/login")  # the session id and CSRF token rotate on sign-in
        return response


@pytest_asyncio.fixture
async def web(app):
    async with Web(base_url=app.ctx.base_url, follow_redirects=False, timeout=30) as client:
        yield client


@pytest_asyncio.fixture
async def api(app):
    async with httpx.AsyncClient(base_url=app.ctx.base_url, timeout=30) as client:
        yield client


@pytest.fixture
def factory(container):
    from tests.factories import Factory

    return Factory(container)
