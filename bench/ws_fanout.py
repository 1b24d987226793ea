"""WebSocket fan-out: N clients on the app's /ws, one event published through
the app's own publish path (Redis script -> pub/sub -> hub -> sockets), and the
same N clients on a bare `websockets` broadcast server, in one run.

Prints per-client delivery latency p50/p95/p99 (over several rounds), server
memory per connection (RSS growth / N), and the app/bare ratios.

    python bench/ws_fanout.py [--clients 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mall.infra import redis as redis_infra
from mall.realtime import services as realtime
from mall.realtime.repository import ChannelStore


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def wait_port(port: int, proc: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise SystemExit("server did not start")


async def wait_ready(port: int, limit: float = 120) -> None:
    """Until the app answers /healthz with 200: it answers 503 while it starts, and refuses WebSockets then."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            status = await reader.readline()
            writer.close()
            if status.startswith(b"HTTP/1.1 200"):
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("the app did not get ready")


async def open_clients(url: str, n: int, resume: bool) -> list:
    clients = []
    batch = 100
    for start in range(0, n, batch):
        group = await asyncio.gather(
            *(connect(url, compression=None, open_timeout=30) for _ in range(min(batch, n - start)))
        )
        if resume:
            await asyncio.gather(*(c.send(json.dumps({"type": "resume", "last": {}})) for c in group))
            await asyncio.gather(*(c.recv() for c in group))  # {"type": "ready"}: subscribed
        clients.extend(group)
    await asyncio.sleep(1.0)  # let every subscription settle
    return clients


async def one_round(clients: list, fire) -> list[float]:
    async def receive(client):
        await client.recv()
        return time.perf_counter()

    waiters = [asyncio.create_task(receive(c)) for c in clients]
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    await fire()
    done = await asyncio.wait_for(asyncio.gather(*waiters), timeout=60)
    return [(t - started) * 1000 for t in done]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def measure(label, url, pid, n, rounds, fire, resume) -> dict:
    before = rss_kib(pid)
    clients = await open_clients(url, n, resume)
    after = rss_kib(pid)
    latencies: list[float] = []
    for _ in range(rounds):
        latencies += await one_round(clients, fire)
        await asyncio.sleep(0.2)
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    return {
        "label": label,
        "p50": statistics.median(latencies),
        "p95": pct(latencies, 95),
        "p99": pct(latencies, 99),
        "kib_per_conn": (after - before) / n,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.clients * 2 + 100:
        raise SystemExit(f"open-file limit {hard} is too low for {args.clients} clients")

    tmp = Path(tempfile.mkdtemp(prefix="mall-wsbench-"))
    redis_server = redis_infra.EmbeddedRedis(tmp / "redis").start()
    app_port, bare_port = free_port(), free_port()
    env = {
        **os.environ,
        "MALL_PORT": str(app_port),
        "MALL_REDIS_URL": redis_server.url,
        "MALL_DEMO": "false",
        "MALL_VAR_DIR": str(tmp),
        "MALL_PUBLIC_URL": f"http://127.0.0.1:{app_port}",
        "MALL_PAYMENT_WEBHOOK_SECRET": "bench-secret-0123456789abcdef",
        "MALL_PAYOUT_WEBHOOK_SECRET": "bench-payout-secret-0123456789",
        "MALL_ACCESS_LOG": "false",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "mall", "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    bare = subprocess.Popen(
        [sys.executable, str(ROOT / "bench/bare_ws.py"), str(bare_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    publisher = redis_infra.client(redis_server.url)
    store = ChannelStore(publisher)
    try:
        await wait_port(app_port, app)
        await wait_ready(app_port)
        await wait_port(bare_port, bare)
        payload = "<div id='deal-1' hx-swap-oob='true'>NT$199 · 42 left</div>"

        async def fire_app():
            await realtime.publish(store, "deals", "sale.remaining", html=payload, data={"remaining": 42})

        control = await connect(f"ws://127.0.0.1:{bare_port}/control")

        async def fire_bare():
            await control.send(
                json.dumps(
                    {"channel": "deals", "seq": 1, "kind": "sale.remaining", "html": payload, "data": {"remaining": 42}}
                )
            )

        print(f"{args.clients} clients, {args.rounds} rounds, one server process each, {os.cpu_count()} cores")
        app_r = await measure(
            "mall /ws (Redis pub/sub + hub)",
            f"ws://127.0.0.1:{app_port}/ws?channels=deals",
            app.pid,
            args.clients,
            args.rounds,
            fire_app,
            resume=True,
        )
        bare_r = await measure(
            "bare websockets broadcast",
            f"ws://127.0.0.1:{bare_port}/",
            bare.pid,
            args.clients,
            args.rounds,
            fire_bare,
            resume=False,
        )
        await control.close()
        print(f"\n{'server':34} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'KiB/conn':>9}")
        for r in (app_r, bare_r):
            print(f"{r['label']:34} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} {r['kib_per_conn']:9.1f}")
        print(
            f"{'ratio app / bare':34} {app_r['p50'] / bare_r['p50']:8.2f} {app_r['p95'] / bare_r['p95']:8.2f} "
            f"{app_r['p99'] / bare_r['p99']:8.2f} {app_r['kib_per_conn'] / max(bare_r['kib_per_conn'], 0.1):9.2f}"
        )
    finally:
        await publisher.aclose()
        for proc in (app, bare):
            proc.terminate()
        for proc in (app, bare):
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        redis_server.stop()


if __name__ == "__main__":
    asyncio.run(main())
