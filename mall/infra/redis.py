"""Redis clients, and the embedded redis-server (mall.infra.embedded_redis).

A request never waits on a Redis that is gone: `client` answers or fails with one of UNAVAILABLE within
about a second (connect and read timeouts; one immediate retry, for a connection a restart closed), and
the web layer answers 503 with Retry-After. Listeners (pub/sub, the job worker) wait on reads by design:
`listener` has no read timeout and reconnects with backoff.

A Redis Cluster is named `redis+cluster://[user:password@]host:port[,host:port...]` (`rediss+cluster://` with
TLS): `client` is then redis-py's RedisCluster, which sends each command and script to the node that owns its
keys' hash slot (every script of the app touches the keys of one slot)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote

import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.exceptions import ClusterDownError, SlotNotCoveredError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mall.infra.embedded_redis import EmbeddedRedis

__all__ = [
    "UNAVAILABLE", "EmbeddedRedis", "client", "is_cluster", "listener", "remove_directory", "temporary_directory",
]  # fmt: skip

# Redis cannot be reached, did not answer in time, or is loading its data after a restart
# (redis-py's BusyLoadingError is a ConnectionError); a cluster says it is down (CLUSTERDOWN: a master failed
# and nobody took its slots over) or a slot has no master.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ClusterDownError, SlotNotCoveredError)
CONNECT_TIMEOUT = 0.5  # seconds
READ_TIMEOUT = 1.0
CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}  # -> the scheme of one node's URL


def is_cluster(url: str) -> bool:
    return url.partition("://")[0] in CLUSTER_SCHEMES


def client(url: str, *, decode: bool = True) -> aioredis.Redis | RedisCluster:
    """For request paths: an answer, or one of UNAVAILABLE, within about a second."""
    retry = Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
    return _client(url, decode, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=READ_TIMEOUT, retry=retry)


def listener(url: str, *, decode: bool = True) -> aioredis.Redis:
    """For pub/sub and the job worker, which block on reads: no read timeout; reconnects with backoff.
    Given a cluster, a plain connection to its first node: a cluster passes every (classic) PUBLISH on to every
    node, so a subscription on one node hears the whole cluster (redis-py's RedisCluster has no asyncio pub/sub)."""
    retry = Retry(ExponentialWithJitterBackoff(base=0.1, cap=2), 5)
    if is_cluster(url):
        url = first_node(url)
    return _client(url, decode, socket_connect_timeout=CONNECT_TIMEOUT, retry=retry)


def first_node(cluster_url: str) -> str:
    """redis+cluster://user:pw@a:1,b:2 -> redis://user:pw@a:1"""
    scheme, _, rest = cluster_url.partition("://")
    credentials, _, nodes = rest.rpartition("@")
    first = nodes.split("/")[0].split(",")[0]
    return f"{CLUSTER_SCHEMES[scheme]}://{credentials + '@' if credentials else ''}{first}"


def _cluster(url: str, decode: bool, **options) -> RedisCluster:
    scheme, _, rest = url.partition("://")
    credentials, _, nodes = rest.rpartition("@")
    username, _, password = credentials.partition(":")
    seeds = [node.partition(":") for node in nodes.split("/")[0].split(",") if node]
    return RedisCluster(
        startup_nodes=[ClusterNode(host, int(port or 6379)) for host, _, port in seeds],
        username=unquote(username) or None,
        password=unquote(password) or None,
        ssl=CLUSTER_SCHEMES[scheme] == "rediss",
        decode_responses=decode,
        **options,
    )


def _client(url: str, decode: bool, **options) -> aioredis.Redis | RedisCluster:
    """redis://, rediss://, unix:// or redis+cluster:// URLs."""
    if is_cluster(url):
        return _cluster(url, decode, **options)
    if url.startswith("unix://"):
        return aioredis.Redis(unix_socket_path=url[len("unix://") :], decode_responses=decode, **options)
    return aioredis.Redis.from_url(url, decode_responses=decode, **options)


def temporary_directory(prefix: str) -> Path:
    """A short private directory (unix socket paths must stay under ~100 bytes)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


def remove_directory(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
