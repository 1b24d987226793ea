"""Who a request is, remembered per process for a few seconds: a change made through the repository
is seen at once; the memory is bounded and its entries expire."""

from mall.accounts import repository
from mall.accounts.repository import Recent


async def test_a_user_is_read_once_and_a_change_through_the_repository_is_seen_at_once(container, factory):
    user = await factory.user()
    await container.users.get(user.id)
    # changed behind the repository's back (another worker process): this process still answers from memory
    await container.users.users.update_one({"_id": user.id}, {"$set": {"name": "Renamed elsewhere"}})
    assert (await container.users.get(user.id)).name == "Test User"
    shop = await factory.shop()
    await container.users.set_shop(user.id, shop.id, "staff")  # through the repository: seen now
    fresh = await container.users.get(user.id)
    assert (fresh.shop_id, fresh.name) == (shop.id, "Renamed elsewhere")
    assert await container.users.clear_shop(user.id, shop.id)
    assert (await container.users.get(user.id)).shop_id is None
    copy = await container.users.get(user.id)
    copy.roles.append("operator")
    assert "operator" not in (await container.users.get(user.id)).roles


async def test_entries_expire_and_the_memory_is_bounded(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(repository.time, "monotonic", lambda: now[0])
    recent = Recent(ttl=10, size=2)
    recent.put("a", 1)
    recent.put("b", 2)
    now[0] += 9
    assert (recent.get("a"), recent.get("b")) == (1, 2)
    recent.put("c", 3)  # full: the oldest goes
    assert (recent.get("a"), recent.get("c")) == (None, 3)
    now[0] += 2
    assert recent.get("b") is None  # expired


async def test_a_token_is_looked_up_in_redis_once(container, factory, monkeypatch):
    from mall.accounts import services as accounts

    user = await factory.user()
    value = await accounts.issue_token(container.tokens, user)
    assert (await accounts.user_for_token(container.users, container.tokens, value)).id == user.id
    await container.redis.flushdb()  # Redis no longer knows it; this process remembers for a few seconds
    assert (await accounts.user_for_token(container.users, container.tokens, value)).id == user.id
    assert await accounts.user_for_token(container.users, container.tokens, "unknown-token") is None
