"""Races a real MongoDB produces and mongomock-motor hid (issue 15, item 2): a read, then a write that
assumed nothing happened in between. Each story lets the other request land in between, either by the
interleaving database (a plain `gather`) or by holding one call in flight (db_faults), and checks that what
the people see at the end is consistent."""

from __future__ import annotations

import asyncio

import pytest

from mall.catalog import services as catalog
from mall.catalog.models import SearchQuery
from mall.orders import services as orders
from mall.orders.services.addresses import MAX_ADDRESSES, AddressFields
from mall.promotions import services as promotions
from mall.shops import services as shops
from tests.integration.db_faults import Crash, scripted, sets
from tests.integration.promo_helpers import coupon


async def found(c, q: str) -> set[str]:
    """The ids a shopper's search for `q` finds."""
    page = await catalog.search_products(c.products, c.categories, SearchQuery(q=q))
    return {p.id for p in page.items}


async def edit_name(c, product, name: str):
    draft = catalog.draft_from(product, [])
    draft.name = {"en": name}
    return await catalog.update_product(
        c.products, c.categories, c.attribute_sets, c.clock, shop_id=product.shop_id, product_id=product.id, draft=draft
    )


# --- catalog: renaming a category rebuilds its products' search terms ------------------------------------


async def test_a_category_rename_never_overwrites_a_merchants_edit_with_terms_of_the_old_name(container, factory):
    c = container
    tea = await factory.category(name={"en": "Tea", "zh_Hant": "茶"})
    product = await factory.product(name="Oolong", category=tea)
    with scripted(c.products, "products") as products:
        rebuild = products.hold("bulk_write")  # the rename's rebuild (one bulk write) has read "Oolong"...
        renaming = asyncio.create_task(
            catalog.rename_category(c.categories, c.products, tea.id, name={"en": "Herbal", "zh_Hant": "花草茶"})
        )
        await rebuild.reached.wait()
        await edit_name(c, product, "Jasmine")  # ...and the merchant renames the product meanwhile
        rebuild.release()
        await renaming

    assert await found(c, "jasmine") == {product.id}
    assert await found(c, "oolong") == set()  # not brought back by the rebuild
    assert await found(c, "herbal") == {product.id}


async def test_a_merchants_edit_begun_before_a_category_rename_ends_with_the_new_name(container, factory):
    c = container
    tea = await factory.category(name={"en": "Tea", "zh_Hant": "茶"})
    product = await factory.product(name="Oolong", category=tea)
    with scripted(c.products, "products") as products:
        save = products.hold("update_one", sets("name", "terms"))  # the edit read the category as "Tea"...
        editing = asyncio.create_task(edit_name(c, product, "Jasmine"))
        await save.reached.wait()
        await catalog.rename_category(c.categories, c.products, tea.id, name={"en": "Herbal", "zh_Hant": "花草茶"})
        save.release()  # ...and stores its terms after the rename's rebuild is over
        await editing

    assert await found(c, "herbal") == {product.id}
    assert await found(c, "tea") == set()


async def test_a_rename_whose_rebuild_was_cut_short_is_finished_by_the_minutely_sweep(container, factory):
    from mall.catalog import jobs as catalog_jobs

    c = container
    tea = await factory.category(name={"en": "Tea", "zh_Hant": "茶"})
    first = await factory.product(name="Oolong", category=tea)
    second = await factory.product(name="Jasmine", category=tea)
    with scripted(c.products, "products") as products:
        products.fail("bulk_write", Crash())  # the process dies as the rebuild writes the terms
        with pytest.raises(Crash):
            await catalog.rename_category(c.categories, c.products, tea.id, name={"en": "Herbal", "zh_Hant": "花草茶"})
    assert await found(c, "herbal") != {first.id, second.id}  # not done

    assert await catalog_jobs.catalog_sweep({"c": c}) == 1

    assert await found(c, "herbal") == {first.id, second.id}
    assert await catalog_jobs.catalog_sweep({"c": c}) == 0  # nothing left to finish


# --- shops: suspend / reinstate and their products' visibility -------------------------------------------


async def test_a_suspend_and_a_reinstate_crossing_leave_the_products_as_the_shop_ends(container, factory):
    c = container
    shop = await factory.shop()
    for name in ("Oolong", "Jasmine", "Pu-erh"):
        await factory.product(shop_id=shop.id, name=name)
    with scripted(c.products, "products") as products:
        hiding = products.hold("update_many")  # the suspend's pass over the products is slow...
        suspending = asyncio.create_task(
            shops.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id=None, reason="Checks")
        )
        await hiding.reached.wait()
        await shops.reinstate(c.shops, c.products, c.clock, shop_id=shop.id, operator_id=None)  # ...a reinstate wins
        hiding.release()
        await suspending

    assert (await shops.get_shop(c.shops, shop.id)).is_public
    assert len(await found(c, "")) == 3  # the shop is open: every product shows


async def test_a_product_made_while_its_shop_is_being_suspended_stays_hidden(api, container, factory):
    c = container
    shop = await factory.shop()
    owner = await factory.owner_of(shop)
    token = (await api.post("/api/v1/auth/token", json={"email": owner.email, "password": "password123"})).json()
    body = {"name": {"en": "Oolong"}, "variants": [{"sku": "OOL-1", "price": 20000, "stock": 5}]}
    with scripted(c.products, "products") as products:
        storing = products.hold("insert_one")  # the merchant's new product read the shop as open...
        creating = asyncio.create_task(
            api.post("/api/v1/merchant/products", json=body, headers={"Authorization": f"Bearer {token['token']}"})
        )
        await storing.reached.wait()
        await shops.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id=None, reason="Checks")
        storing.release()  # ...and is stored after the suspend hid the shop's products
        created = await creating

    assert created.status_code == 201, created.text
    assert await found(c, "oolong") == set()
    await shops.reinstate(c.shops, c.products, c.clock, shop_id=shop.id, operator_id=None)
    assert await found(c, "oolong") == {created.json()["id"]}


# --- accounts: joining a shop ------------------------------------------------------------------------------


async def test_approving_an_applicant_who_joined_another_shops_staff_meanwhile_leaves_them_there(container, factory):
    c = container
    applicant = await factory.user()
    applied = await factory.shop(owner=applicant, status="pending")
    other = await factory.shop()
    invite = await shops.invite_staff(
        c.invites, c.users, c.clock, shop_id=other.id, inviter_id=other.owner_id, email=applicant.email
    )
    with scripted(c.shops, "shops") as stored:
        opening = stored.hold("find_one_and_update")  # the approval has read the applicant as free...
        approving = asyncio.create_task(shops.approve(c.shops, c.users, c.clock, shop_id=applied.id, operator_id=None))
        await opening.reached.wait()
        await shops.accept_invite(c.invites, c.shops, c.users, invite_id=invite.id, user=applicant)  # ...who joins
        opening.release()
        with pytest.raises(shops.OwnerInAnotherShop):
            await approving

    member = await c.users.get(applicant.id)
    assert (member.shop_id, member.shop_role) == (other.id, "staff")  # not moved by the approval
    assert [m.id for m in (await shops.team(c.users, c.invites, shop_id=other.id))[0]] == [other.owner_id, member.id]
    assert (await shops.get_shop(c.shops, applied.id)).status.value == "pending"  # back in the queue


# --- orders: the address book ------------------------------------------------------------------------------


def address(n: int) -> AddressFields:
    return AddressFields(name=f"Chen Wei {n}", phone="0912345678", postal_code="100", region="TPE", line=f"{n} Road")


async def test_two_defaults_chosen_at_once_leave_exactly_one(container, factory):
    c = container
    shopper = await factory.user()
    home = await orders.add_address(c.addresses, c.clock, shopper.id, address(1))
    office = await orders.add_address(c.addresses, c.clock, shopper.id, address(2))
    shop = await orders.add_address(c.addresses, c.clock, shopper.id, address(3))

    await asyncio.gather(
        orders.make_default(c.addresses, shopper.id, office.id), orders.make_default(c.addresses, shopper.id, shop.id)
    )

    book = await orders.list_addresses(c.addresses, shopper.id)
    assert [a.id for a in book if a.is_default] in ([office.id], [shop.id])
    assert book[0].is_default and home.id in {a.id for a in book}


async def test_the_default_goes_to_the_oldest_when_it_is_deleted_while_another_is_chosen(container, factory):
    c = container
    shopper = await factory.user()
    home = await orders.add_address(c.addresses, c.clock, shopper.id, address(1))
    office = await orders.add_address(c.addresses, c.clock, shopper.id, address(2), make_default=True)

    await asyncio.gather(  # the choice may come too late to find the address: a 404, and nothing else
        orders.delete_address(c.addresses, shopper.id, office.id),
        orders.make_default(c.addresses, shopper.id, office.id),
        return_exceptions=True,
    )

    assert [(a.id, a.is_default) for a in await orders.list_addresses(c.addresses, shopper.id)] == [(home.id, True)]


async def test_adds_racing_for_the_last_places_never_overflow_the_address_book(container, factory):
    c = container
    shopper = await factory.user()
    for n in range(MAX_ADDRESSES - 2):
        await orders.add_address(c.addresses, c.clock, shopper.id, address(n))

    tries = [orders.add_address(c.addresses, c.clock, shopper.id, address(100 + n)) for n in range(5)]
    results = await asyncio.gather(*tries, return_exceptions=True)

    assert sum(not isinstance(r, Exception) for r in results) == 2
    assert all(isinstance(r, orders.AddressBookFull) for r in results if isinstance(r, Exception))
    assert len(await orders.list_addresses(c.addresses, shopper.id)) == MAX_ADDRESSES
    await orders.delete_address(c.addresses, shopper.id, (await orders.list_addresses(c.addresses, shopper.id))[5].id)
    await orders.add_address(c.addresses, c.clock, shopper.id, address(200))  # a freed place is taken again


# --- promotions: claiming a coupon into the wallet --------------------------------------------------------


async def claimed_count(c, coupon_id: str) -> int:
    return (await promotions.get_coupon(c, coupon_id)).claimed


async def test_a_claim_cut_short_before_it_was_counted_is_counted_by_the_sweep(container, factory):
    c = container
    gift = await coupon(c, code="GIFT", claimable=True)
    shopper = await factory.user()
    with scripted(c.promotions, "coupons") as coupons:
        coupons.fail("update_one", Crash(), lambda query, update: "$inc" in update)
        with pytest.raises(Crash):
            await promotions.claim_coupon(c, gift.id, shopper.id)
    assert [m.coupon.id for m in await promotions.my_coupons(c, shopper.id)] == [gift.id]  # in the wallet
    assert await claimed_count(c, gift.id) == 0  # not counted yet

    await promotions.sweep(c)
    assert await claimed_count(c, gift.id) == 0  # a claim may still be under way for a while
    c.clock.advance(minutes=2)
    await promotions.sweep(c)
    await promotions.sweep(c)

    assert await claimed_count(c, gift.id) == 1


async def test_a_claim_cut_short_after_it_was_counted_is_not_counted_twice(container, factory):
    c = container
    gift = await coupon(c, code="GIFT", claimable=True)
    shopper = await factory.user()
    with scripted(c.promotions, "wallets") as wallets:
        wallets.fail("update_one", Crash())  # the coupon counted it; the wallet never heard
        with pytest.raises(Crash):
            await promotions.claim_coupon(c, gift.id, shopper.id)

    c.clock.advance(minutes=2)
    await promotions.sweep(c)

    assert await claimed_count(c, gift.id) == 1
    stored = await c.promotions.coupons.find_one({"_id": gift.id})
    assert stored.get("claims") == []  # nothing left in flight


async def test_shoppers_claiming_at_once_are_each_counted_once(container, factory):
    c = container
    gift = await coupon(c, code="GIFT", claimable=True)
    shoppers = [await factory.user() for _ in range(12)]

    tries = [promotions.claim_coupon(c, gift.id, s.id) for s in shoppers for _ in range(2)]  # each clicks twice
    results = await asyncio.gather(*tries, return_exceptions=True)

    assert sum(not isinstance(r, Exception) for r in results) == 12
    assert await claimed_count(c, gift.id) == 12
