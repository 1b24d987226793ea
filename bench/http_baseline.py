"""Storefront pages against a bare Sanic endpoint, in one run.

Starts the bare Sanic app and the mall (embedded storage, demo data, one worker, access log off) as separate
processes, finds the demo's ids (a product, a shop, a category, a flash sale) from the home page, signs the demo
shopper in (and puts three products in her cart), then loads each URL with wrk (one thread, 32 connections) for
`--rounds` rounds, the bare endpoint first in each round, and prints the median requests/s, p50 and p99 latency of
each, and the ratio of its median req/s to the bare endpoint's. Figures drift between runs on shared machines:
compare the ratios.

    python bench/http_baseline.py [--duration 10] [--connections 32] [--rounds 3] [--only home,deals]
        [--root DIR] [--env MALL_PAGE_CACHE=false] [--profile home]

`--root` runs the mall from another checkout (e.g. the code before a change, exported with `git archive`);
`--env` passes settings to the mall; `--profile KEY` samples the mall's process with py-spy while wrk loads that
target once more and prints where the time goes (inclusive share per function). A guest without a cookie (wrk's
default) gets a new session per request, as a first visit does; "returning guest" sends the cookie a browser keeps.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SHOPPER = ("shopper@demo.mall", "demo1234")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, timeout: float = 120) -> None:
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


def wrk(url: str, duration: int, connections: int, headers: dict | None = None) -> dict:
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(non2xx.group(1)) if non2xx else 0}


class Browser:
    """A cookie jar and the last CSRF token seen, like a tab."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        no_redirect = type("NoRedirect", (urllib.request.HTTPRedirectHandler,), {"redirect_request": lambda *a: None})
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), no_redirect)
        self.csrf = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            text = response.read().decode()
        if found := CSRF_RE.search(text):
            self.csrf = found.group(1)
        return text

    def post(self, path: str, fields: dict) -> int:
        data = urllib.parse.urlencode({"csrf_token": self.csrf, **fields}).encode()
        try:
            request = urllib.request.Request(self.base + path, data=data)  # noqa: S310 (loopback)
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:  # 302/303: a redirect we do not follow
            return exc.code

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def first(pattern: str, text: str, what: str) -> str:
    found = re.search(pattern, text)
    if not found:
        raise SystemExit(f"the demo's home page shows no {what}")
    return found.group(1)


def targets(base: str) -> list[tuple[str, str, str, dict]]:
    """(key, label, path, headers) for every page measured, with ids found on the demo's pages."""
    guest = Browser(base)
    home = guest.get("/")
    guest_cookie = {"Cookie": guest.cookie}
    product = first(r'href="/p/([0-9a-f]{24})"', home, "product")
    shop = first(r'href="/shops/([a-z0-9-]+)"', home, "shop")
    category = first(r'href="/c/([a-z0-9-]+)"', home, "category")
    sale = first(r'href="/flash/([0-9a-f]{24})"', guest.get("/deals"), "flash sale")
    shopper = Browser(base)
    shopper.get("/login")
    if shopper.post("/login", {"email": SHOPPER[0], "password": SHOPPER[1]}) != 302:
        raise SystemExit("the demo shopper could not sign in")
    search = shopper.get("/search?q=" + quote("茶"))
    for product_id in list(dict.fromkeys(re.findall(r'href="/p/([0-9a-f]{24})"', search)))[:3]:
        variant = re.search(r'name="variant_id" value="([0-9a-f]{24})"', shopper.get(f"/p/{product_id}"))
        if variant:
            shopper.post("/cart/items", {"product_id": product_id, "variant_id": variant.group(1), "qty": "1"})
    signed_in = {"Cookie": shopper.cookie}
    return [
        ("home", "home page (guest, first visit)", "/", {}),
        ("home-returning", "home page (returning guest)", "/", guest_cookie),
        ("home-signed-in", "home page (signed in)", "/", signed_in),
        ("deals", "/deals", "/deals", {}),
        ("sale", "a flash sale's page", f"/flash/{sale}", {}),
        ("product", "a product page", f"/p/{product}", {}),
        ("shop", "a shop's page", f"/shops/{shop}", {}),
        ("category", "a category page", f"/c/{category}", {}),
        ("search-cjk", "search 茶", "/search?q=" + quote("茶"), {}),
        ("search-latin", 'search "tea"', "/search?q=tea", {}),
        ("cart", "the cart (signed in, 3 lines)", "/cart", signed_in),
        ("home-gzip", "home page (returning guest, gzip)", "/", {**guest_cookie, "Accept-Encoding": "gzip"}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated target keys (default: all)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to run the mall from")
    parser.add_argument("--env", action="append", default=[], help="NAME=value for the mall (repeatable)")
    parser.add_argument("--profile", default="", help="a target key to profile with py-spy after the rounds")
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
        **dict(pair.split("=", 1) for pair in args.env),
    }
    procs = [
        subprocess.Popen(
            [PY, str(ROOT / "bench/bare_sanic.py"), str(bare_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [PY, "-m", "mall", "serve"], cwd=args.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ),
    ]
    try:
        wait_ready(f"http://127.0.0.1:{bare_port}/")
        base_url = f"http://127.0.0.1:{mall_port}"
        wait_ready(f"{base_url}/search?q=tea")
        chosen = [t for t in targets(base_url) if not args.only or t[0] in args.only.split(",")]
        for _key, _label, path, headers in chosen:  # warm: first renders, compiled templates
            extra = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
            subprocess.run(["wrk", "-t1", "-c4", "-d2s", *extra, base_url + path], capture_output=True, check=True)
        print(
            f"wrk -t1 -c{args.connections} -d{args.duration}s x {args.rounds} rounds (medians), one Sanic worker each, "
            f"{os.cpu_count()} cores, mall from {args.root}{' with ' + ' '.join(args.env) if args.env else ''}\n"
        )
        runs: dict[str, list[dict]] = {"bare": []}
        for _round in range(args.rounds):
            runs["bare"].append(wrk(f"http://127.0.0.1:{bare_port}/", args.duration, args.connections))
            for key, _label, path, headers in chosen:
                runs.setdefault(key, []).append(wrk(base_url + path, args.duration, args.connections, headers))
        report(runs, [("bare", "bare Sanic JSON (baseline)")] + [(k, label) for k, label, *_ in chosen])
        if args.profile:
            target = next(t for t in chosen if t[0] == args.profile)
            profile(procs[1].pid, base_url + target[2], target[3], args)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(10)
        shutil.rmtree(var, ignore_errors=True)


def profile(pid: int, url: str, headers: dict, args) -> None:
    """py-spy samples the mall while wrk loads `url`; prints each function's inclusive share of the samples."""
    spy = shutil.which("py-spy") or str(Path(PY).parent / "py-spy")
    out = Path(tempfile.mkdtemp(prefix="mall-prof-")) / "raw.txt"
    extra = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    load = subprocess.Popen(["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration + 2}s", *extra, url],
                            stdout=subprocess.DEVNULL)  # fmt: skip
    time.sleep(1)
    subprocess.run([spy, "record", "-p", str(pid), "-d", str(args.duration), "-r", "250", "-f", "raw", "-o", str(out)],
                   capture_output=True, check=True)  # fmt: skip
    load.wait()
    shares: dict[str, int] = {}
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if "concurrent/futures/thread.py" in stack:  # an idle pool thread
            continue
        total += int(count)
        for frame in dict.fromkeys(f.split(":")[0] for f in stack.split(";")):
            shares[frame] = shares.get(frame, 0) + int(count)
    print(f"\nwhere the time goes ({url}, py-spy, {total} samples; inclusive share):")
    for frame, count in sorted(shares.items(), key=lambda kv: -kv[1])[10:50]:
        print(f"{count / total * 100:6.1f}%  {frame}")


def report(runs: dict[str, list[dict]], rows: list[tuple[str, str]]) -> None:
    def median(key: str, field: str) -> float:
        return statistics.median(r[field] for r in runs[key])

    bare = median("bare", "rps")
    print(f"{'endpoint':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8} {'non-2xx':>8}  req/s per round")
    for key, label in rows:
        rounds = " ".join(f"{r['rps']:.0f}" for r in runs[key])
        errors = sum(r["errors"] for r in runs[key])
        print(
            f"{label:36} {median(key, 'rps'):8.0f} {median(key, 'p50'):8.2f} {median(key, 'p99'):8.2f} "
            f"{median(key, 'rps') / bare:8.3f} {errors:8d}  {rounds}"
        )


if __name__ == "__main__":
    main()
