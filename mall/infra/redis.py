"""Redis clients, and the embedded redis-server (mall.infra.embedded_redis).

A request never waits on a Redis that is gone: `client` answers or fails with one of UNAVAILABLE within
about a second (connect and read timeouts; one immediate retry, for a connection a restart closed), and
the web layer answers 503 with Retry-After. Listeners (pub/sub, the job worker) wait on reads by design:
`listener` has no read timeout and reconnects with backoff."""

from __future__ import annotations

import shutil
from pathlib import Path

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mall.infra.embedded_redis import EmbeddedRedis

__all__ = ["UNAVAILABLE", "EmbeddedRedis", "client", "listener", "remove_directory", "temporary_directory"]

# Redis cannot be reached, did not answer in time, or is loading its data after a restart
# (redis-py's BusyLoadingError is a ConnectionError).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
CONNECT_TIMEOUT = 0.5  # seconds
READ_TIMEOUT = 1.0


def client(url: str, *, decode: bool = True) -> aioredis.Redis:
    """For request paths: an answer, or one of UNAVAILABLE, within about a second."""
    retry = Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
    return _client(url, decode, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=READ_TIMEOUT, retry=retry)


def listener(url: str, *, decode: bool = True) -> aioredis.Redis:
    """For pub/sub and the job worker, which block on reads: no read timeout; reconnects with backoff."""
    retry = Retry(ExponentialWithJitterBackoff(base=0.1, cap=2), 5)
    return _client(url, decode, socket_connect_timeout=CONNECT_TIMEOUT, retry=retry)


def _client(url: str, decode: bool, **options) -> aioredis.Redis:
    """redis://, rediss:// or unix:// URLs."""
    if url.startswith("unix://"):
        return aioredis.Redis(unix_socket_path=url[len("unix://") :], decode_responses=decode, **options)
    return aioredis.Redis.from_url(url, decode_responses=decode, **options)


def temporary_directory(prefix: str) -> Path:
    """A short private directory (unix socket paths must stay under ~100 bytes)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


def remove_directory(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
