"""Shop services without the web: transitions, races, invitations, public reads."""

from __future__ import annotations

import asyncio

import pytest

from mall.shops import services
from mall.shops.models import Application, ShopStatus


def _application(**overrides) -> Application:
    data = {
        "name": "Tea", "slug": "tea-house", "category": "tea", "description": "",
        "contact_email": "t@example.test", "contact_phone": "",
    }  # fmt: skip
    return Application(**{**data, **overrides})


async def test_concurrent_approvals_open_the_shop_once(container, factory):
    shop = await factory.shop(status="pending")
    results = await asyncio.gather(
        *[
            services.approve(container.shops, container.users, container.clock, shop_id=shop.id, operator_id="op")
            for _ in range(10)
        ]
    )
    assert {r.status for r in results} == {ShopStatus.APPROVED}
    owner = await factory.owner_of(shop)
    assert (owner.shop_id, owner.shop_role) == (shop.id, "owner")


async def test_reject_after_approval_is_wrong_status(container, factory):
    shop = await factory.shop()
    with pytest.raises(services.WrongStatus):
        await services.reject(container.shops, container.clock, shop_id=shop.id, operator_id="op", reason="late")


async def test_approval_is_refused_when_the_applicant_joined_another_shop(container, factory):
    pending = await factory.shop(status="pending")
    other = await factory.shop()
    await factory.c.users.set_shop(pending.owner_id, other.id, "staff")
    with pytest.raises(services.OwnerInAnotherShop):
        await services.approve(container.shops, container.users, container.clock, shop_id=pending.id, operator_id="o")
    assert (await container.shops.get(pending.id)).status == ShopStatus.PENDING


async def test_members_cannot_apply_and_slugs_stay_unique(container, factory):
    staff = await factory.merchant(role="staff")
    with pytest.raises(services.AlreadyInShop):
        await services.apply(container.shops, container.clock, applicant=staff, application=_application())
    await factory.shop(slug="tea-house")
    newcomer = await factory.user()
    with pytest.raises(services.SlugTaken):
        await services.apply(container.shops, container.clock, applicant=newcomer, application=_application())
    with pytest.raises(services.InvalidShop):
        await services.apply(
            container.shops, container.clock, applicant=newcomer, application=_application(slug="login")
        )


async def test_two_simultaneous_applications_make_one_shop(container, factory):
    user = await factory.user()
    results = await asyncio.gather(
        *[
            services.apply(container.shops, container.clock, applicant=user, application=_application(slug=f"try-{n}"))
            for n in range(5)
        ],
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, services.ApplicationOpen) for r in results if isinstance(r, Exception))


async def test_racing_invitations_put_a_person_in_exactly_one_shop(container, factory):
    person = await factory.user()
    invites = []
    for _ in range(3):
        owner = await factory.merchant()
        invites.append(
            await services.invite_staff(
                container.invites, container.users, container.clock,
                shop_id=owner.shop_id, inviter_id=owner.id, email=person.email,
            )
        )  # fmt: skip
    results = await asyncio.gather(
        *[
            services.accept_invite(container.invites, container.shops, container.users, invite_id=i.id, user=person)
            for i in invites
        ],
        return_exceptions=True,
    )
    accepted = [r for r in results if not isinstance(r, Exception)]
    assert len(accepted) == 1
    joined = await container.users.get(person.id)
    assert joined.shop_id == accepted[0].shop_id and joined.shop_role == "staff"
    statuses = sorted([(await container.invites.get(i.id)).status.value for i in invites])
    assert statuses == ["accepted", "pending", "pending"]


async def test_suspended_shops_offer_no_invitations(container, factory):
    shop = await factory.shop(status="suspended")
    person = await factory.user()
    invite = await services.invite_staff(
        container.invites,
        container.users,
        container.clock,
        shop_id=shop.id,
        inviter_id=shop.owner_id,
        email=person.email,
    )
    assert await services.invitations_for(container.invites, container.shops, person) == []
    with pytest.raises(services.NotFound):
        await services.accept_invite(
            container.invites, container.shops, container.users, invite_id=invite.id, user=person
        )


async def test_public_reads_hide_everything_but_approved_shops(container, factory):
    open_shop = await factory.shop(slug="open-shop", name="Open")
    pending = await factory.shop(status="pending", slug="pending-shop")
    suspended = await factory.shop(status="suspended", slug="suspended-shop")
    assert (await services.get_public_shop(container.shops, "open-shop")).id == open_shop.id
    assert await services.get_public_shop(container.shops, "pending-shop") is None
    assert await services.get_public_shop(container.shops, "suspended-shop") is None
    assert await services.get_public_shop(container.shops, {"$ne": ""}) is None
    shops, total = await services.list_public_shops(container.shops, q="OPE")
    assert total == 1 and shops[0].id == open_shop.id
    assert await services.list_public_shops(container.shops, category="nope") == ([], 0)
    by_id = await services.shops_by_ids(container.shops, [open_shop.id, pending.id, suspended.id, "bad", None])
    assert set(by_id) == {open_shop.id, pending.id, suspended.id}
    assert await services.get_shop(container.shops, "not-an-id") is None


async def test_create_approved_shop_applies_approves_and_is_idempotent(container, factory):
    owner = await factory.user()
    kwargs = {"owner": owner, "name": "Demo Tea", "slug": "demo-tea", "category": "tea", "theme_color": "#2f7d4a"}
    shop = await services.create_approved_shop(container, announcement="Hello", **kwargs)
    again = await services.create_approved_shop(container, **kwargs)
    assert again.id == shop.id
    assert (shop.status, shop.theme_color, shop.announcement, shop.contact_email) == (
        ShopStatus.APPROVED, "#2f7d4a", "Hello", owner.email,
    )  # fmt: skip
    assert (await factory.owner_of(shop)).shop_role == "owner"


async def test_suspension_hides_the_shops_products_and_reinstating_shows_them(container, factory):
    from mall.catalog import services as catalog
    from mall.catalog.models import ProductDraft, VariantDraft

    shop = await factory.shop()
    draft = ProductDraft(
        name={"en": "Oolong"}, category_id=None, description="", attributes={},
        variants=[VariantDraft(sku="OOL-1", price=45000, stock=5)],
    )  # fmt: skip
    c = container
    product = await catalog.create_product(
        c.products, c.categories, c.attribute_sets, c.clock, shop_id=shop.id, draft=draft
    )
    assert await catalog.get_public_product(c.products, product.id) is not None
    await services.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id="op", reason="checks")
    assert await catalog.get_public_product(c.products, product.id) is None
    await services.reinstate(c.shops, c.products, c.clock, shop_id=shop.id, operator_id="op")
    assert await catalog.get_public_product(c.products, product.id) is not None
    assert await services.product_count(c.products, shop.id) == 1


async def test_each_transition_is_announced_once_after_the_write(container, factory):
    from mall.infra.events import EventBus

    seen: list[tuple[str, dict]] = []
    bus = EventBus()
    bus.subscribe("*", lambda name, payload: _record(seen, name, payload))
    c = container
    owner = await factory.user()
    shop = await services.apply(c.shops, c.clock, applicant=owner, application=_application(), events=bus)
    for _ in range(2):
        await services.approve(c.shops, c.users, c.clock, shop_id=shop.id, operator_id="op", events=bus)
    await services.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id="op", reason="why", events=bus)
    await services.reinstate(c.shops, c.products, c.clock, shop_id=shop.id, operator_id="op", events=bus)
    assert [name for name, _ in seen] == ["shop.applied", "shop.approved", "shop.suspended", "shop.reinstated"]
    assert seen[2][1] == {"shop_id": shop.id, "shop_name": "Tea", "owner_id": owner.id, "reason": "why"}


async def _record(seen, name, payload):
    seen.append((name, payload))
