"""Storefront latency and throughput against a bare Sanic endpoint, in one run.

Starts the bare Sanic app and the mall (embedded storage, demo data) as
separate processes, loads each URL with wrk (one thread, 32 connections) and
prints requests/s, p50 and p99 latency, and the ratio to the bare endpoint.
Figures drift between runs on shared machines: compare the ratios.

    python bench/http_baseline.py [--duration 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TARGETS = [
    ("home page", "/"),
    ("search 烏龍茶 (HTML)", "/search?q=" + quote("烏龍茶")),
    ("search tea, price sort (HTML)", "/search?q=tea&sort=price_asc"),
    ("products API q=耳機", "/api/v1/products?q=" + quote("耳機")),
    ("login page (session + CSRF)", "/login"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not become ready")


def to_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"99%\s+(\S+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(non2xx.group(1)) if non2xx else 0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does it)")

    var = Path(tempfile.mkdtemp(prefix="mall-bench-"))
    bare_port, mall_port = free_port(), free_port()
    env = {
        **os.environ,
        "MALL_PORT": str(mall_port),
        "MALL_VAR_DIR": str(var),
        "MALL_ACCESS_LOG": "false",
        "MALL_PUBLIC_URL": f"http://127.0.0.1:{mall_port}",
    }
    procs = [
        subprocess.Popen(
            [PY, str(ROOT / "bench/bare_sanic.py"), str(bare_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [PY, "-m", "mall", "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ),
    ]
    try:
        wait_ready(f"http://127.0.0.1:{bare_port}/")
        wait_ready(f"http://127.0.0.1:{mall_port}/search?q=tea")
        print(f"wrk -t1 -c{args.connections} -d{args.duration}s, one Sanic worker each, {os.cpu_count()} cores\n")
        base = wrk(f"http://127.0.0.1:{bare_port}/", args.duration, args.connections)
        rows = [("bare Sanic JSON (baseline)", base)]
        for label, path in TARGETS:
            rows.append((label, wrk(f"http://127.0.0.1:{mall_port}{path}", args.duration, args.connections)))
        print(f"{'endpoint':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8} {'non-2xx':>8}")
        for label, r in rows:
            ratio = r["rps"] / base["rps"]
            print(f"{label:34} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {ratio:8.2f} {r['errors']:8d}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(10)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
