"""Screenshots of the main pages on a phone and a laptop, in Debian's Chromium.

Starts the mall (embedded, demo data), signs in where a page needs it, and
writes PNGs to static/img/screenshots/ (used by the README).

    python bench/screenshots.py [--out DIR] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 860}}
PAGES = [
    ("home", None, "/"),
    ("search-tea", None, "/search?q=%E8%8C%B6"),
    ("search-earphones-zh", None, "/search?q=%E8%80%B3%E6%A9%9F&lang=zh"),
    ("shop", None, "/shops/mountain-tea"),
    ("merchant-products", "merchant1@demo.mall", "/merchant/products"),
    ("operator-applications", "operator@demo.mall", "/operator/applications"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200 and b"product-card" in response.read():
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not become ready")


async def sign_in(page, email: str) -> None:
    await page.goto("/login")
    await page.fill("#f-email", email)
    await page.fill("#f-password", "demo1234")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_load_state("networkidle")


async def shoot(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size_name, viewport in SIZES.items():
            for name, who, path in PAGES:
                context = await browser.new_context(base_url=base, viewport=viewport, locale="zh-TW")
                page = await context.new_page()
                if who:
                    await sign_in(page, who)
                if path.endswith("lang=zh"):
                    path = path.removesuffix("&lang=zh")
                    await page.goto("/")
                    await page.click("details.menu summary")
                    await page.click("form.lang button[value=zh_Hant]")
                    await page.wait_for_load_state("networkidle")
                await page.goto(path)
                await page.wait_for_load_state("networkidle")
                target = out / f"{name}-{size_name}.png"
                await page.screenshot(path=str(target), full_page=size_name == "laptop")
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target, flush=True)
                await context.close()
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "static/img/screenshots"))
    parser.add_argument("--url", help="an already running mall (default: start one)")
    args = parser.parse_args()
    if args.url:
        asyncio.run(shoot(args.url, Path(args.out)))
        return
    port = free_port()
    var = tempfile.mkdtemp(prefix="mall-shots-")
    env = {**os.environ, "MALL_PORT": str(port), "MALL_VAR_DIR": var, "MALL_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mall", "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/")
        asyncio.run(shoot(f"http://127.0.0.1:{port}", Path(args.out)))
    finally:
        server.terminate()
        server.wait(15)


if __name__ == "__main__":
    main()
