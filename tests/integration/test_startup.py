"""Starting and stopping the real server (`python -m mall serve` in a process of its own), as an operator would:
no page before it is ready, a clean stop at any moment, and one embedded redis-server whatever happened before."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from mall.infra import redis as redis_infra
from tests.integration.redis_faults import until


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """One `python -m mall serve` on a port and a var dir of its own; its output goes to a file."""

    def __init__(self, var: Path, *, demo: bool):
        self.var, self.port = var, _free_port()
        self.log = var / f"serve-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("MALL_")}
        env |= {"MALL_PORT": str(self.port), "MALL_VAR_DIR": str(var), "MALL_DEMO": "true" if demo else "false"}
        env |= {"MALL_PAYMENT_WEBHOOK_SECRET": "test-secret-0123456789abcdef", "MALL_PASSWORD_HASH_PROFILE": "test"}
        env |= {"MALL_PAYOUT_WEBHOOK_SECRET": "test-payout-secret-0123456789"}
        with self.log.open("wb") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "mall", "serve"], env=env, stdout=out, stderr=out)
        self.base = f"http://127.0.0.1:{self.port}"

    async def health(self, client: httpx.AsyncClient) -> dict | None:
        if self.process.poll() is not None:  # it will never answer: say why now, not after a minute of waiting
            raise AssertionError(f"the server exited with {self.process.returncode}: {self.output()[-2000:]}")
        try:
            answer = await client.get(f"{self.base}/healthz")
        except httpx.TransportError:
            return None  # not listening yet
        assert answer.headers["content-type"] == "application/json", answer.text[:200]  # never a page
        return answer.json()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def redis_pid(self) -> int:
        return json.loads((self.var / "redis" / "redis.pid").read_text())["redis"]

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(30)


def alive(pid: int) -> bool:
    try:
        return "redis-server" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return False


async def test_pages_answer_only_once_the_demo_is_written_and_the_log_says_what_is_kept(tmp_path):
    var = redis_infra.temporary_directory("mall-start-")
    served = Served(var, demo=True)
    try:
        seen: list[str] = []
        refused: list[int] = []
        async with httpx.AsyncClient(timeout=10) as client:

            async def ready() -> bool:
                state = await served.health(client)
                if state is not None:
                    seen.append(state["status"])
                    if state["status"] == "starting":
                        early = await client.get(f"{served.base}/")
                        if early.status_code == 200:  # the demo was finished between the two requests
                            assert (await served.health(client))["status"] == "ok"
                        else:
                            assert early.status_code == 503 and early.headers["Retry-After"] == "2"
                            assert "starting" in early.text  # the friendly page, not half a demo
                            refused.append(early.status_code)
                return seen[-1:] == ["ok"]

            assert served.process.poll() is None
            await until(ready, rounds=6000)
            home = await client.get(f"{served.base}/shops")
            assert home.status_code == 200 and home.text.count('class="shop-tile card"') == 5
        assert set(seen) <= {"starting", "ok"} and seen[-1] == "ok"
        assert refused  # pages were refused while the demo was being written
        said = served.output()
        assert "merchant6@demo.mall (a pending shop application)" in said
        assert "everything written is lost when the app stops" in said and "MALL_MONGO_URL" in said
        assert said.index("ready on") > said.index("seed: 5 promotions")
    finally:
        served.stop()
        redis_infra.remove_directory(var)


async def test_a_stop_while_the_demo_is_being_written_is_clean(tmp_path):
    var = redis_infra.temporary_directory("mall-start-")
    served = Served(var, demo=True)
    try:
        async with httpx.AsyncClient(timeout=10) as client:

            async def answering() -> bool:
                return await served.health(client) is not None

            await until(answering, rounds=6000)
        redis_pid = served.redis_pid()
        assert served.stop() == 0
        said = served.output()
        assert "RuntimeError" not in said and "Traceback" not in said, said[-2000:]
        assert not alive(redis_pid) and not (var / "redis" / "redis.pid").exists()
    finally:
        served.stop(signal.SIGKILL)
        redis_infra.remove_directory(var)


async def test_after_the_app_is_killed_the_next_start_stops_its_orphaned_redis_server(tmp_path):
    var = redis_infra.temporary_directory("mall-start-")
    first = Served(var, demo=False)
    second = None
    try:
        async with httpx.AsyncClient(timeout=10) as client:

            async def ok(served=first) -> bool:
                state = await served.health(client)
                return state is not None and state["status"] == "ok"

            await until(ok, rounds=6000)
            orphan = first.redis_pid()
            first.stop(signal.SIGKILL)  # kill -9: no chance to stop its redis-server
            assert alive(orphan)

            second = Served(var, demo=False)
            await until(lambda: ok(second), rounds=6000)
            await until(lambda: not alive(orphan))
            assert second.redis_pid() != orphan
        assert "stopping the redis-server" in second.output() and f"(pid {orphan})" in second.output()
        ours = [p for p in os.listdir("/proc") if p.isdigit() and alive(int(p)) and str(var) in _cmdline(p)]
        assert ours == [str(second.redis_pid())]  # one server, not one more beside the old
    finally:
        first.stop(signal.SIGKILL)
        if second is not None:
            second.stop()
        redis_infra.remove_directory(var)


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


async def test_a_second_mall_on_the_same_var_dir_is_refused_and_a_stop_is_clean(tmp_path):
    """The listeners undo what they started: no task left behind, no server left running."""
    var = redis_infra.temporary_directory("mall-start-")
    served = Served(var, demo=False)
    try:
        async with httpx.AsyncClient(timeout=10) as client:

            async def ok() -> bool:
                state = await served.health(client)
                return state is not None and state["status"] == "ok"

            await until(ok, rounds=6000)
            pid = served.redis_pid()
            other = Served(var, demo=False)
            assert await asyncio.to_thread(other.process.wait, 60) == 2
            assert f"mall: not started: the redis-server in {var}/redis (pid {pid}) belongs to" in other.output()
            assert alive(pid) and await ok()  # the first one is untouched
        served.process.send_signal(signal.SIGINT)  # Ctrl-C
        assert await asyncio.to_thread(served.process.wait, 30) == 0
        assert not alive(pid) and "Traceback" not in served.output()
    finally:
        served.stop(signal.SIGKILL)
        redis_infra.remove_directory(var)


async def test_until_it_is_ready_every_page_answers_503_starting_and_healthz_says_so(app, web, api):
    app.ctx.ready = False  # as between the start and the end of writing the demo
    try:
        page = await web.get("/")
        listing = await api.get("/api/v1/flash-sales")
        health = await api.get("/healthz")
        style = await api.get("/static/css/mall.css")
    finally:
        app.ctx.ready = True
    assert page.status_code == 503 and page.headers["Retry-After"] == "2"
    assert page.headers["content-type"].startswith("text/html") and "The mall is starting" in page.text
    assert listing.status_code == 503 and listing.json()["error"]["status"] == 503
    assert health.status_code == 503 and health.json()["status"] == "starting"
    assert style.status_code == 200
    assert (await web.get("/")).status_code == 200 and (await api.get("/healthz")).json()["status"] == "ok"


async def test_operators_are_told_quietly_that_an_embedded_mall_forgets_everything_at_a_restart(web, factory):
    operator = await factory.operator()
    await web.sign_in(operator.email)
    page = await web.page("/operator/flash-sales")
    assert 'class="console-notice' in page.text
    assert "everything is lost when it restarts" in page.text and "MALL_MONGO_URL" in page.text
    merchant = await factory.merchant()
    await web.sign_in(merchant.email)
    assert "console-notice" not in (await web.page("/merchant/flash-sales")).text  # the operators' pages only
