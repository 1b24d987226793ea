"""Sign-in limits that stop guessing without letting anyone lock an owner out (SECURITY row 21).

Guesses are limited per (account, address) and per address; guesses at one account from many
addresses only slow its sign-ins down. Each test's "address" is a real loopback address
(127.0.0.0/8 all reaches the server), so the server sees what it would see in production."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest_asyncio

from mall.config import Settings
from tests.conftest import Web
from tests.factories import PASSWORD


@pytest_asyncio.fixture
async def from_address(app):
    """A browser tab at a given 127.x.y.z address."""
    tabs: list[Web] = []

    def open_tab(address: str) -> Web:
        transport = httpx.AsyncHTTPTransport(local_address=address)
        tab = Web(base_url=app.ctx.base_url, follow_redirects=False, timeout=30, transport=transport)
        tabs.append(tab)
        return tab

    yield open_tab
    for tab in tabs:
        await tab.aclose()


async def _try(tab: Web, email: str, password: str) -> httpx.Response:
    await tab.page("/login")
    return await tab.form("/login", {"email": email, "password": password})


async def test_wrong_passwords_from_many_addresses_do_not_lock_the_owner_out(
    from_address, factory, container, monkeypatch
):
    monkeypatch.setattr(container, "settings", container.settings.replace(auth_rate_limit=Settings.auth_rate_limit))
    owner = await factory.user(email="shopper2@demo.mall")
    # given twelve guesses at the owner's password, each from another address
    attackers = [from_address(f"127.0.1.{i}") for i in range(1, 13)]
    for tab in attackers:
        assert (await _try(tab, "shopper2@demo.mall", "guess-guess")).status_code == 422
    # when the owner signs in from their own address, and from one the attacker used
    home, shared = from_address("127.0.2.1"), from_address("127.0.1.1")
    # then both sign-ins work: slowed down, never refused
    assert (await _try(home, owner.email, PASSWORD)).status_code == 302
    assert (await _try(shared, owner.email, PASSWORD)).status_code == 302
    assert (await shared.get("/api/v1/me")).json()["email"] == owner.email


async def test_guesses_at_one_account_from_many_addresses_are_slowed_down(from_address, factory, container):
    owner = await factory.user()
    limit = container.settings.auth_slowdown_after
    attackers = [from_address(f"127.0.3.{i}") for i in range(1, limit + 1)]
    for tab in attackers:
        before = container.clock.now()
        assert (await _try(tab, owner.email, "guess-guess")).status_code == 422
        assert container.clock.now() == before  # no wait before the account has been guessed at
    # after that many wrong passwords every attempt at the account waits first, the owner's too
    home = from_address("127.0.3.200")
    before = container.clock.now()
    assert (await _try(home, owner.email, PASSWORD)).status_code == 302
    assert container.clock.now() - before >= timedelta(seconds=1)


async def test_one_address_guessing_one_account_is_refused_inside_the_sign_in_form(from_address, factory, container):
    owner = await factory.user()
    other = await factory.user()
    attacker = from_address("127.0.4.1")
    limit = container.settings.auth_account_address_limit
    for _ in range(limit):
        assert (await _try(attacker, owner.email, "guess-guess")).status_code == 422
    # the next try from that address is refused, even with the right password, on the sign-in page itself
    refused = await _try(attacker, owner.email, PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    alert = re.search(r'<form method="post" action="/login".*?role="alert">([^<]*)<.*?</form>', refused.text, re.S)
    assert alert and "Too many wrong passwords for this account" in alert.group(1)
    assert f'value="{owner.email}"' in refused.text  # what was typed stays
    # while that address may still sign in to another account, and the owner from elsewhere
    assert (await _try(attacker, other.email, PASSWORD)).status_code == 302
    home = from_address("127.0.4.2")
    assert (await _try(home, owner.email, PASSWORD)).status_code == 302


async def test_one_address_guessing_many_accounts_is_refused(from_address, factory, container, monkeypatch):
    monkeypatch.setattr(container, "settings", container.settings.replace(auth_rate_limit=3))
    attacker = from_address("127.0.5.1")
    for i in range(3):
        assert (await _try(attacker, f"someone{i}@example.test", "guess-guess")).status_code == 422
    refused = await _try(attacker, "someone9@example.test", "guess-guess")
    assert refused.status_code == 429 and "Too many sign-in attempts" in refused.text


async def test_successful_sign_ins_do_not_count_toward_any_limit(from_address, factory, container, monkeypatch):
    monkeypatch.setattr(container, "settings", container.settings.replace(auth_rate_limit=2))
    owner = await factory.user()
    tab = from_address("127.0.6.1")
    for _ in range(container.settings.auth_account_address_limit + 3):
        assert (await _try(tab, owner.email, PASSWORD)).status_code == 302
        await tab.form("/logout")
    assert (await _try(tab, owner.email, "one-typo-here")).status_code == 422
    assert (await _try(tab, owner.email, PASSWORD)).status_code == 302


async def test_the_api_token_endpoint_applies_the_same_limits(app, factory, container):
    owner = await factory.user()
    transport = httpx.AsyncHTTPTransport(local_address="127.0.7.1")
    async with httpx.AsyncClient(base_url=app.ctx.base_url, transport=transport) as api:
        for _ in range(container.settings.auth_account_address_limit):
            wrong = await api.post("/api/v1/auth/token", json={"email": owner.email, "password": "guess-guess"})
            assert wrong.status_code == 401
        refused = await api.post("/api/v1/auth/token", json={"email": owner.email, "password": PASSWORD})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    transport = httpx.AsyncHTTPTransport(local_address="127.0.7.2")
    async with httpx.AsyncClient(base_url=app.ctx.base_url, transport=transport) as api:
        ok = await api.post("/api/v1/auth/token", json={"email": owner.email, "password": PASSWORD})
        assert ok.status_code == 200
