"""Where an idle WebSocket connection's memory goes: the mall's /ws in this process (embedded storage, one
Sanic worker, tracemalloc on), N clients in a child process that join the `deals` channel, resume and then
sit idle. Prints the server's memory per connection (RSS growth / N, and what tracemalloc saw / N) and the
allocation sites that grew most, per connection.

    python bench/ws_memory.py [--clients 1000] [--frames 12] [--top 25]

RSS includes what Python's allocator keeps but tracemalloc does not see (arenas, freelists); read the two
side by side. ws_fanout.py measures the same RSS figure together with delivery latency."""

from __future__ import annotations

import argparse
import asyncio
import gc
import linecache
import logging
import os
import resource
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

CLIENT = r"""
import asyncio, json, sys
from websockets.asyncio.client import connect

async def main(url, n):
    clients = []
    for start in range(0, n, 100):
        size = min(100, n - start)
        group = await asyncio.gather(*(connect(url, compression=None, open_timeout=60) for _ in range(size)))
        await asyncio.gather(*(c.send(json.dumps({"type": "resume", "last": {}})) for c in group))
        await asyncio.gather(*(c.recv() for c in group))
        clients.extend(group)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def site(trace, frames: int) -> str:
    """The innermost frames of our code and the libraries, shortest paths."""
    prefixes = (str(ROOT) + "/", "/site-packages/", "/lib/python3.11/")
    parts = []
    for frame in list(reversed(list(trace)))[:frames]:  # the allocation first, then its callers
        name = frame.filename
        for prefix in prefixes:
            if prefix in name:
                name = name.split(prefix, 1)[1]
        line = linecache.getline(frame.filename, frame.lineno).strip()
        parts.append(f"{name}:{frame.lineno} {line[:70]}")
    return "\n      ".join(parts)


async def connect_clients(url: str, n: int):
    """A child process holding n idle clients, once all are subscribed."""
    client = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLIENT, url, str(n),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert (await client.stdout.readline()).strip() == b"ready", "the clients did not connect"
    await asyncio.sleep(1.0)  # what the handshakes left behind is let go
    return client


async def disconnect(client, hub, n: int) -> None:
    client.stdin.close()
    await client.wait()
    for _ in range(600):  # until the server has let every connection go
        if hub.connections == 0:
            return
        await asyncio.sleep(0.05)
    print(f"note: {hub.connections} of {n} connections still open")


async def run(args) -> None:
    import flash_sale

    from mall.config import load_settings
    from mall.infra import redis as redis_infra

    var = redis_infra.temporary_directory("mall-wsmem-")
    settings = load_settings(environ={k: v for k, v in os.environ.items() if not k.startswith("MALL_")}).replace(
        demo=False, password_hash_profile="test", access_log=False, mongo_url="", redis_url="", var_dir=str(var)
    )
    c, port, _redis_pid, stop = await flash_sale.start_mall(settings, var, 1024)
    for name in ("sanic.websockets", "websockets"):
        logging.getLogger(name).setLevel(logging.WARNING)  # one line per closed connection
    from sanic import Sanic

    hub = Sanic.get_app("mall_flash_bench").ctx.hub
    client = None
    try:
        settings_url = f"http://127.0.0.1:{port}"
        c.settings = settings.replace(public_url=settings_url)
        await flash_sale.wait_ready(port, "/healthz")
        url, n = f"ws://127.0.0.1:{port}/ws?channels=deals", args.clients
        gc.collect()
        rss_before = rss_kib()
        client = await connect_clients(url, n)  # first without tracemalloc (which costs memory of its own)
        gc.collect()
        rss = (rss_kib() - rss_before) / n
        await disconnect(client, hub, n)
        tracemalloc.start(args.frames)
        before = tracemalloc.take_snapshot()
        client = await connect_clients(url, n)
        gc.collect()
        after = tracemalloc.take_snapshot()
        traced = sum(s.size_diff for s in after.compare_to(before, "filename"))
        print(f"{n} idle connections ({hub.connections} in the hub, {len(asyncio.all_tasks())} tasks): "
              f"RSS +{rss:.1f} KiB each; Python objects (tracemalloc) +{traced / 1024 / n:.1f} KiB each")  # fmt: skip
        print(f"\nallocation sites that grew most (bytes and allocations per connection; {args.frames} frames kept)")
        for stat in after.compare_to(before, "traceback")[: args.top]:
            if stat.size_diff > 0:
                print(f"{stat.size_diff / n:8.0f} B {stat.count_diff / n:6.1f}  {site(stat.traceback, args.show)}")
        print("\nby line")
        for stat in after.compare_to(before, "lineno")[: args.top]:
            print(f"{stat.size_diff / n:8.0f} B {stat.count_diff / n:6.1f}  {site(stat.traceback, 1)}")
    finally:
        if client is not None and client.returncode is None:
            client.stdin.close()
            await client.wait()
        await stop()
        redis_infra.remove_directory(var)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=12, help="frames kept per allocation")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--show", type=int, default=3, help="frames shown per site")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop  # as the server runs (Sanic uses it when installed)
    except ImportError:
        asyncio.run(run(args))
    else:
        uvloop.run(run(args))


if __name__ == "__main__":
    main()
