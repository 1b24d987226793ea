"""Who a request is, remembered per process for a few seconds: a change made through the repository
is seen at once; the memory is bounded and its entries expire."""

import asyncio
import json

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


async def test_a_sessions_owner_is_read_without_the_rest_and_a_change_here_is_seen_at_once(container):
    sessions = container.sessions
    cart = [{"id": f"line{i}", "qty": 1} for i in range(50)]
    await sessions.save("s1", {"uid": "u1", "csrf": "c1", "cart": cart})
    assert await container.redis.type("sess:s1") == "hash"  # one entry per field: the owner alone is read
    assert await sessions.who("s1") == {"uid": "u1", "csrf": "c1", "lang": None}
    assert (await sessions.load("s1"))["cart"] == cart
    await sessions.save("s1", {"uid": "u1", "csrf": "c2", "lang": "zh_Hant"})  # saved here: remembered no more
    assert await sessions.who("s1") == {"uid": "u1", "csrf": "c2", "lang": "zh_Hant"}
    assert await sessions.load("s1") == {"uid": "u1", "csrf": "c2", "lang": "zh_Hant"}  # written whole: no cart
    assert 0 < await container.redis.ttl("sess:s1") <= container.settings.session_ttl
    await sessions.save("s1", {})  # nothing left to keep: no session
    assert await sessions.load("s1") is None and not await container.redis.exists("sess:s1")
    await sessions.save("s1", {"uid": "u1"})
    await sessions.delete("s1")
    assert await sessions.who("s1") is None
    assert await sessions.who("never-was") is None


async def test_sessions_written_by_a_crowd_at_once_are_each_their_own(container):
    sessions = container.sessions
    written = {f"crowd{i}": {"csrf": f"t{i}", "cart": [{"id": f"line{i}", "qty": i}]} for i in range(200)}
    await asyncio.gather(*(sessions.save(session_id, data) for session_id, data in written.items()))
    found = await asyncio.gather(*(sessions.load(session_id) for session_id in written))
    assert found == list(written.values())


async def test_a_session_kept_before_sessions_were_hashes_still_reads(container):
    old = {"uid": "u2", "csrf": "d", "lang": "en", "cart": []}
    await container.redis.set("sess:old", json.dumps(old), ex=60)
    assert await container.sessions.load("old") == old
    assert await container.sessions.who("old") == {"uid": "u2", "csrf": "d", "lang": "en"}
    await container.sessions.save("old", {**old, "lang": "zh_Hant"})  # the next save stores it the new way
    assert await container.redis.type("sess:old") == "hash"
    assert (await container.sessions.load("old"))["lang"] == "zh_Hant"
