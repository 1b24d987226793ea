"""Sign-in with limits that stop password guessing without letting anyone lock an owner out.

A lock per account (N wrong passwords and the account is shut) hands an attacker a weapon: a dozen
guesses from a dozen addresses and the owner cannot get in from anywhere. So, as OWASP advises:
- per address: at most `auth_rate_limit` failed sign-ins per window, whichever accounts they are for;
- per (account, address): at most `auth_account_address_limit` wrong passwords per window;
- per account, from any address: past `auth_slowdown_after` wrong passwords in a window, every attempt
  at it waits first (1 s, doubling, at most 8 s). Slower, never refused: its owner still gets in.
Only failures count: a sign-in that works is taken back from its address's counts."""

from __future__ import annotations

import hashlib
import ipaddress

from mall.accounts import services
from mall.accounts.models import User, normalize_email

MAX_WAIT = 8  # seconds
UNLIMITED = 1 << 30


class TooManyAttempts(Exception):
    """Refused before the password was looked at. `scope` is "address" (every account from there) or
    "account" (this account from there)."""

    def __init__(self, retry_after: int, scope: str):
        super().__init__(f"too many sign-in attempts ({scope}); retry after {retry_after} s")
        self.retry_after = retry_after
        self.scope = scope


async def sign_in(c, *, email: str, password: str, address: str) -> User | None:
    """The user when the password matches, else None; TooManyAttempts when this address is over a limit."""
    settings, limiter = c.settings, c.limiter
    account, where = _account_key(email), _address_key(address)
    counted = [
        (f"login:ip:{where}", settings.auth_rate_limit, "address"),
        (f"login:pair:{account}:{where}", settings.auth_account_address_limit, "account"),
    ]
    for bucket, limit, scope in counted:
        verdict = await limiter.hit(bucket, limit, settings.auth_rate_window)
        if not verdict.allowed:
            raise TooManyAttempts(verdict.retry_after, scope)
    failures = f"login:fail:{account}"
    wait = slowdown(await limiter.count(failures), settings.auth_slowdown_after)
    if wait:
        await c.clock.sleep(wait)
    user = await services.authenticate(c.users, email=email, password=password)
    if user is None:
        await limiter.hit(failures, UNLIMITED, settings.auth_rate_window)
        return None
    for bucket, _limit, _scope in counted:
        await limiter.forgive(bucket)
    return user


def slowdown(failures: int, after: int) -> int:
    """Seconds an attempt at an account waits, given its wrong passwords in the current window."""
    return 0 if failures < after else min(2 ** (failures - after), MAX_WAIT)


def _account_key(email: str) -> str:
    """Redis keys carry no email address."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:32]


def _address_key(address: str) -> str:
    """An IPv6 client owns a whole /64, so that is one address here."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)
