"""Each shopper's coupon uses live in a small document of their own (`coupon_uses`), not in the coupon: a coupon
used by 600,000 shoppers stays a few hundred bytes and a checkout with it writes only small documents; the two
steps of a take are repaired after a crash like the stock ledger; maps older versions kept are folded once."""

from __future__ import annotations

import bson
import pytest

from mall.orders import services as orders
from mall.orders.models import StockState
from tests.integration.promo_helpers import coupon

SYNTHETIC_SHOPPERS = 600_000


class WorkerDied(Exception):
    """Stands for the process being killed: nothing after this point runs."""


class Recorded:
    """A collection that notes the `_id` of every document a write addresses, and passes everything through."""

    WRITES = ("update_one", "update_many", "find_one_and_update", "replace_one", "insert_one", "insert_many")

    def __init__(self, real, name: str, log: list):
        self._real, self._name, self._log = real, name, log

    def __getattr__(self, attr):
        value = getattr(self._real, attr)
        if attr not in self.WRITES:
            return value

        async def write(first, *args, **kwargs):
            self._log.append((self._name, attr, first.get("_id") if isinstance(first, dict) else first))
            return await value(first, *args, **kwargs)

        return write


def bson_size(doc: dict) -> int:
    return len(bson.encode(doc))


async def test_a_coupon_used_by_600000_shoppers_still_takes_small_writes(container, factory, monkeypatch):
    tea = await factory.stocked_product(price=20000, stock=10)
    big = await coupon(container, code="MILLION", total=1_000_000, per_user=1, value=1000)
    used_it, newcomer = await factory.user(), await factory.user()
    shoppers = [f"synthetic-{n:06d}" for n in range(SYNTHETIC_SHOPPERS - 1)] + [used_it.id]
    await container.promotions.uses.insert_many(
        [{"_id": f"{big.id}:{user_id}", "coupon_id": big.id, "user_id": user_id, "n": 1} for user_id in shoppers]
    )
    await container.promotions.coupons.update_one({"_id": big.id}, {"$set": {"used": SYNTHETIC_SHOPPERS}})

    with pytest.raises(orders.CouponNotUsable) as refused:  # the counts collection is what the checkout asks
        await factory.checkout(used_it, (tea, 1), codes=("MILLION",))
    assert [p["reason"] for p in refused.value.problems] == ["limit_reached"]

    writes: list = []
    promotions = container.promotions
    monkeypatch.setattr(promotions, "uses", Recorded(promotions.uses, "coupon_uses", writes))
    monkeypatch.setattr(promotions, "coupons", Recorded(promotions.coupons, "coupons", writes))
    placed = await factory.checkout(newcomer, (tea, 1), codes=("MILLION",))
    monkeypatch.undo()

    assert [use.state for use in placed.checkout.coupons] == [StockState.TAKEN]
    mine = f"{big.id}:{newcomer.id}"
    assert {(name, doc_id) for name, _op, doc_id in writes} == {("coupon_uses", mine), ("coupons", big.id)}
    assert [op for name, op, _ in writes if name == "coupon_uses"] == ["update_one", "update_one"]  # take, tidy
    count = await promotions.uses.find_one({"_id": mine})
    the_coupon = await promotions.coupons.find_one({"_id": big.id})
    assert count["n"] == 1 and count["moves"] == [] and bson_size(count) < 200
    assert the_coupon["used"] == SYNTHETIC_SHOPPERS + 1 and "by_user" not in the_coupon
    assert bson_size(the_coupon) < 1024  # with 600,000 shoppers counted: the map would have been ~23 MB
    assert await promotions.uses.count_documents({"coupon_id": big.id}) == SYNTHETIC_SHOPPERS + 1


async def test_a_shoppers_uses_are_counted_apart_and_given_back(container, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    twice = await coupon(container, code="TWICE", total=10, per_user=2, value=1000)
    shopper = await factory.user()

    first = await factory.checkout(shopper, (tea, 1), codes=("TWICE",))
    await factory.checkout(shopper, (tea, 1), codes=("TWICE",))
    assert await container.promotions.uses_of(twice.id, shopper.id) == 2
    await orders.cancel_checkout(container, user_id=shopper.id, checkout_id=first.checkout.id)

    count = await container.promotions.uses.find_one({"_id": f"{twice.id}:{shopper.id}"})
    stored = await container.promotions.coupons.find_one({"_id": twice.id})
    assert (count["n"], count["moves"], count["user_id"], count["coupon_id"]) == (1, [], shopper.id, twice.id)
    assert (stored["used"], stored["moves"]) == (1, []) and "by_user" not in stored
    again = await factory.checkout(shopper, (tea, 1), codes=("TWICE",))  # the allowance came back
    assert [use.state for use in again.checkout.coupons] == [StockState.TAKEN]


@pytest.mark.parametrize("reached_the_coupon", [True, False], ids=["died-after-both-steps", "died-between-steps"])
async def test_a_worker_that_dies_during_a_take_leaves_no_use_behind(
    container, factory, monkeypatch, reached_the_coupon
):
    """The shopper's count is taken first, then the coupon's: whatever a dead worker left, the expiry job settles
    both (the stock ledger's repair, for coupons)."""
    tea = await factory.stocked_product(price=20000, stock=10)
    single = await coupon(container, code="ONCE", total=5, per_user=1, value=1000)
    shopper = await factory.user()
    repo = container.promotions
    take_both = repo.take_use

    async def take_then_die(found, user_id, move):
        if reached_the_coupon:
            await take_both(found, user_id, move)
        else:
            await repo._take_users_use(found, user_id, move)
        raise WorkerDied()

    async def never_released(*args, **kwargs):
        return None

    monkeypatch.setattr(repo, "take_use", take_then_die)
    monkeypatch.setattr(container.checkouts, "unlock", never_released)
    with pytest.raises(WorkerDied):
        await factory.checkout(shopper, (tea, 1), codes=("ONCE",))
    monkeypatch.undo()
    (stuck,) = [doc async for doc in container.checkouts.checkouts.find({})]
    assert await repo.uses_of(single.id, shopper.id) == 1  # taken for the shopper, then the worker died

    container.clock.advance(minutes=31)
    assert await orders.expire_checkout(container, stuck["_id"]) is True

    count = await repo.uses.find_one({"_id": f"{single.id}:{shopper.id}"})
    stored = await repo.coupons.find_one({"_id": single.id})
    assert (count["n"], count["moves"]) == (0, [])
    assert (stored["used"], stored["moves"]) == (0, [])
    placed = await factory.checkout(shopper, (tea, 1), codes=("ONCE",))  # the shopper may use it after all
    assert [use.state for use in placed.checkout.coupons] == [StockState.TAKEN]


async def test_a_per_user_map_kept_in_a_coupon_by_an_older_version_is_folded_once(container, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    legacy = await coupon(container, code="OLDMAP", total=100, per_user=2, value=1000)
    heavy, light, newcomer = await factory.user(), await factory.user(), await factory.user()
    await container.promotions.coupons.update_one(
        {"_id": legacy.id}, {"$set": {"by_user": {heavy.id: 2, light.id: 1}, "used": 3}}
    )
    await factory.checkout(light, (tea, 1), codes=("OLDMAP",))  # before the fold it sees only the new count

    assert await container.promotions.fold_legacy_uses() == 2
    assert await container.promotions.fold_legacy_uses() == 0  # done: a second start changes nothing
    await container.ensure_indexes()  # which is where a start runs it

    assert "by_user" not in await container.promotions.coupons.find_one({"_id": legacy.id})
    uses = await container.promotions.uses_of_many(heavy.id, [legacy.id])
    assert uses == {legacy.id: 2}
    assert await container.promotions.uses_of(legacy.id, light.id) == 2  # one folded, one taken since
    assert await container.promotions.uses_of(legacy.id, newcomer.id) == 0
    with pytest.raises(orders.CouponNotUsable) as refused:
        await factory.checkout(heavy, (tea, 1), codes=("OLDMAP",))
    assert [p["reason"] for p in refused.value.problems] == ["limit_reached"]
