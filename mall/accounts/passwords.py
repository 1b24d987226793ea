"""argon2id hashing off the event loop.

A hash costs ~0.13 s of CPU with the default profile: run on the event loop, thirty sign-ins stall every
other request for seconds. Hashes run in their own small thread pool instead (argon2-cffi releases the GIL),
so the loop keeps answering; the pool's size caps the CPU and memory (64 MiB per hash) sign-ins can take,
and what exceeds it waits in the pool's queue."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

import argon2
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# "default" is the library's RFC 9106 low-memory profile (64 MiB, 3 passes);
# "test" keeps argon2id but with tiny costs so test suites can create many users.
PROFILES = {
    "default": argon2.profiles.RFC_9106_LOW_MEMORY,
    "test": argon2.profiles.CHEAPEST,
}
# Leave a core to the event loop (and to everything else on a two-core machine).
THREADS = max(1, min(4, (os.cpu_count() or 2) - 1))

_hasher = PasswordHasher.from_parameters(PROFILES["default"])
_dummy_hash: str | None = None
_pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="argon2")


def use_profile(name: str) -> None:
    global _hasher, _dummy_hash
    _hasher = PasswordHasher.from_parameters(PROFILES[name])
    _dummy_hash = None


async def _off_loop(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(_pool, fn, *args)


async def hash_password(password: str) -> str:
    return await _off_loop(_hasher.hash, password)


def hash_now(password: str) -> str:
    """Hash on the calling thread: for start-up and command-line work, never in a request."""
    return _hasher.hash(password)


async def verify(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches. An unknown account (None) verifies against a dummy hash: the same work
    either way, so timing does not reveal which emails have accounts."""
    return await _off_loop(_verify, stored_hash, password)


def _verify(stored_hash: str | None, password: str) -> bool:
    global _dummy_hash
    if stored_hash is None:
        _dummy_hash = _dummy_hash or _hasher.hash("not-a-real-password")
    try:
        return _hasher.verify(stored_hash or _dummy_hash, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
