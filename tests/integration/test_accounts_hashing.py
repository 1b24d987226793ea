"""Password hashing never stalls the server (SECURITY row 19): argon2id runs in a capped thread pool,
so a crowd of sign-ins queues there while every other request keeps answering."""

from __future__ import annotations

import asyncio
import gc
import time

import pytest

from mall.accounts import services as accounts
from tests.conftest import Web

CROWD = 30
QUICK = 0.2  # seconds: what "the rest of the server stays responsive" means here (95% of requests)


@pytest.fixture
def real_argon2():
    """The production cost profile (~0.13 s of CPU per hash here), not the suite's cheap one."""
    accounts.use_hash_profile("default")
    yield
    accounts.use_hash_profile("test")


@pytest.fixture
def frozen_heap():
    """As in production (mall.app freezes what start-up made): the collector does not rescan a big old heap, here
    the whole test session's, in the middle of a measurement."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


async def test_thirty_concurrent_sign_ins_leave_a_page_request_answering_quickly(app, web, real_argon2, frozen_heap):
    # given thirty people on the sign-in page, with addresses that have no account (a dummy hash each)
    crowd = [Web(base_url=app.ctx.base_url, follow_redirects=False, timeout=60) for _ in range(CROWD)]
    try:
        for person in crowd:
            await person.page("/login")
        # when they all press "Sign in" at once
        tries = [
            asyncio.create_task(person.form("/login", {"email": f"nobody{i}@example.test", "password": "guess-1234"}))
            for i, person in enumerate(crowd)
        ]
        # then, while they wait for their answers, a page and the health check answer quickly every time
        probes: list[float] = []
        while not all(t.done() for t in tries):
            for path in ("/healthz", "/login"):
                started = time.perf_counter()
                response = await web.get(path)
                probes.append(time.perf_counter() - started)
                assert response.status_code == 200
        answers = await asyncio.gather(*tries)
    finally:
        for person in crowd:
            await person.aclose()
    assert [a.status_code for a in answers] == [422] * CROWD, [a.status_code for a in answers]
    # nearly every one: on a shared two-core machine the OS may pause any process now and then
    typical = sorted(probes)[int(len(probes) * 0.95)]
    assert typical < QUICK, f"95% of {len(probes)} requests took up to {typical:.3f} s (slowest {max(probes):.3f} s)"
    assert len(probes) >= 10, "the sign-ins finished before the server was probed: too few to show anything"
