"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright, against the
same in-process app server the integration tests use."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright

CHROMIUM = os.environ.get("MALL_CHROMIUM", "/usr/bin/chromium")
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
SHOTS = Path(os.environ.get("MALL_SCREENSHOTS", "/tmp/mall-screenshots"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest_asyncio.fixture(scope="session")
async def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    async with async_playwright() as pw:
        instance = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        await instance.close()


@pytest_asyncio.fixture
async def page(browser, app):
    context = await browser.new_context(base_url=app.ctx.base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.js_errors = errors
    yield tab
    for opened in browser.contexts:  # the test's other tabs too, even when it failed before closing them
        await opened.close()


async def sign_in(page, email: str, password: str = "password123") -> None:
    await page.goto("/login")
    await page.fill("#f-email", email)
    await page.fill("#f-password", password)
    await page.click("form.stack button[type=submit]")
    await page.wait_for_load_state("networkidle")


async def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
