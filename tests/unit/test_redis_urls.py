"""Which Redis client each URL makes (no server is asked: clients connect on first use)."""

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from mall.infra import redis as redis_infra


async def test_a_cluster_url_makes_a_cluster_client_seeded_with_every_node_it_names():
    client = redis_infra.client("redis+cluster://app:s%40cret@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3")
    try:
        assert isinstance(client, RedisCluster)
        seeds = [(node.host, node.port) for node in client.nodes_manager.startup_nodes.values()]
        assert sorted(seeds) == [("10.0.0.1", 7000), ("10.0.0.2", 7001), ("10.0.0.3", 6379)]
        options = client.nodes_manager.connection_kwargs
        assert (options["username"], options["password"], options["decode_responses"]) == ("app", "s@cret", True)
        assert (options["socket_connect_timeout"], options["socket_timeout"]) == (0.5, 1.0)  # fails fast, as ever
    finally:
        await client.aclose()


async def test_a_cluster_listener_subscribes_on_the_first_node_and_other_urls_are_unchanged():
    listener = redis_infra.listener("rediss+cluster://:pw@10.0.0.1:7000,10.0.0.2:7001")
    plain = redis_infra.client("redis://10.0.0.9:6380/2")
    try:
        assert type(listener) is Redis and type(plain) is Redis
        kwargs = listener.connection_pool.connection_kwargs
        assert (kwargs["host"], kwargs["port"], kwargs["password"]) == ("10.0.0.1", 7000, "pw")
        assert listener.connection_pool.connection_class.__name__ == "SSLConnection"
        assert plain.connection_pool.connection_kwargs["db"] == 2
    finally:
        await listener.aclose()
        await plain.aclose()


@pytest.mark.parametrize(
    ("url", "cluster"),
    [("redis+cluster://a:1", True), ("rediss+cluster://a:1", True), ("redis://a:1", False), ("unix:///tmp/r", False)],
)
def test_only_cluster_schemes_are_clusters(url, cluster):
    assert redis_infra.is_cluster(url) is cluster
