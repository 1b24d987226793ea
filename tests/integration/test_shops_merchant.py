"""The owner's shop settings and staff; invitations (SECURITY rows 1, 2, 3, 9, 11)."""

from __future__ import annotations

from tests.integration.shops_helpers import SVG, browser, media_files, png


def profile(**overrides) -> dict:
    return {
        "description": "Oolong from Nantou.",
        "contact_email": "hello@example.test",
        "contact_phone": "02 1234 5678",
        "theme_color": "#2F7D4A",
        "announcement": "Spring harvest is in!",
        "about": "Three generations of tea farmers.\n三代茶農。",
        **overrides,
    }


async def test_owner_changes_branding_and_uploads_a_banner(web, factory, container):
    owner = await factory.merchant()
    await web.sign_in(owner.email)
    page = await web.page("/merchant/shop")
    assert page.status_code == 200 and f"/shops/{(await container.shops.get(owner.shop_id)).slug}" in page.text
    banner = ("banner.png", png((900, 300)), "image/png")
    response = await web.form("/merchant/shop", profile(), files={"banner": banner})
    assert response.status_code == 302
    shop = await container.shops.get(owner.shop_id)
    assert (shop.theme_color, shop.announcement) == ("#2f7d4a", "Spring harvest is in!")
    assert shop.about.endswith("三代茶農。") and shop.banner in media_files(container)

    removed = await web.form("/merchant/shop", profile(remove_banner="true"))
    assert removed.status_code == 302 and (await container.shops.get(owner.shop_id)).banner is None


async def test_settings_form_only_ever_changes_the_merchants_own_shop(web, factory, container):
    mine = await factory.shop(slug="my-shop", name="Mine")
    theirs = await factory.shop(slug="their-shop", name="Theirs")
    owner = await factory.owner_of(mine)
    await web.sign_in(owner.email)
    await web.page("/merchant/shop")
    for extra in ({"shop_id": theirs.id}, {"slug": "their-shop"}, {"status": "approved"}, {"owner_id": owner.id}):
        response = await web.form("/merchant/shop", profile(announcement="hacked", **extra))
        assert response.status_code == 422, extra
        assert "does not accept the field" in response.text
    assert (await container.shops.get(theirs.id)).announcement == ""
    assert (await container.shops.get(mine.id)).announcement == ""

    await web.form("/merchant/shop", profile(announcement="mine only"))
    assert (await container.shops.get(mine.id)).announcement == "mine only"
    assert (await container.shops.get(theirs.id)).announcement == ""


async def test_invalid_settings_show_field_errors(web, factory, container):
    owner = await factory.merchant()
    await web.sign_in(owner.email)
    await web.page("/merchant/shop")
    response = await web.form("/merchant/shop", profile(theme_color="red", contact_email="nope"))
    assert response.status_code == 422
    assert "Pick a colour such as #c2410c." in response.text and "Enter a valid email address." in response.text
    assert (await container.shops.get(owner.shop_id)).theme_color == "#c2410c"


async def test_svg_banner_is_refused_and_nothing_is_stored(web, factory, container):
    owner = await factory.merchant()
    await web.sign_in(owner.email)
    await web.page("/merchant/shop")
    before = media_files(container)
    response = await web.form("/merchant/shop", profile(), files={"banner": ("b.svg", SVG, "image/svg+xml")})
    assert response.status_code == 422 and 'id="e-banner"' in response.text
    assert media_files(container) == before
    assert (await container.shops.get(owner.shop_id)).announcement == ""


async def test_staff_cannot_open_shop_settings_or_invite(web, factory, container):
    shop = await factory.shop()
    staff = await factory.merchant(shop=shop, role="staff")
    await web.sign_in(staff.email)
    assert (await web.page("/merchant")).status_code == 200
    assert (await web.get("/merchant/shop")).status_code == 403
    assert (await web.get("/merchant/staff")).status_code == 403
    assert (await web.form("/merchant/shop", profile(announcement="staff was here"))).status_code == 403
    assert (await web.form("/merchant/staff/invite", {"email": "friend@example.test"})).status_code == 403
    assert (await container.shops.get(shop.id)).announcement == ""
    assert await container.invites.pending_for_shop(shop.id) == []


async def test_invited_user_accepts_and_becomes_staff(web, app, factory, container):
    owner = await factory.merchant()
    invitee = await factory.user(email="helper@example.test")
    async with browser(app, owner.email) as tab:
        await tab.page("/merchant/staff")
        sent = await tab.form("/merchant/staff/invite", {"email": "Helper@Example.test"})
        assert sent.status_code == 302
        assert "helper@example.test" in (await tab.page("/merchant/staff")).text

    await web.sign_in(invitee.email)
    assert "invited you" in (await web.page("/apply")).text
    invites = await web.page("/invites")
    shop = await container.shops.get(owner.shop_id)
    assert shop.name in invites.text
    [invite] = await container.invites.pending_for_email(invitee.email)
    accepted = await web.form(f"/invites/{invite.id}/accept")
    assert accepted.status_code == 302 and accepted.headers["location"] == "/merchant"
    member = await container.users.get(invitee.id)
    assert (member.shop_id, member.shop_role) == (shop.id, "staff")
    assert (await web.get("/merchant/shop")).status_code == 403


async def test_someone_already_in_a_shop_cannot_accept(web, factory, container):
    inviting = await factory.merchant()
    busy = await factory.merchant(role="staff")
    invite = await _invite(factory, container, inviting, busy.email)
    await web.sign_in(busy.email)
    await web.page("/invites")
    refused = await web.form(f"/invites/{invite.id}/accept")
    assert refused.status_code == 302 and refused.headers["location"] == "/invites"
    assert (await container.users.get(busy.id)).shop_id == busy.shop_id
    assert (await container.invites.get(invite.id)).status == "pending"


async def test_invites_are_only_for_their_email_and_can_be_declined(web, factory, container):
    owner = await factory.merchant()
    invite = await _invite(factory, container, owner, "someone@example.test")
    stranger = await factory.user()
    await web.sign_in(stranger.email)
    await web.page("/invites")
    assert (await web.form(f"/invites/{invite.id}/accept")).status_code == 404
    assert (await container.users.get(stranger.id)).shop_id is None

    await web.form("/logout")
    someone = await factory.user(email="someone@example.test")
    await web.sign_in(someone.email)
    assert (await web.form(f"/invites/{invite.id}/decline")).status_code == 302
    assert (await container.invites.get(invite.id)).status == "declined"
    assert "No invitations" in (await web.page("/invites")).text


async def test_owner_revokes_an_invite_but_not_another_shops(web, app, factory, container):
    owner = await factory.merchant()
    other_owner = await factory.merchant()
    invite = await _invite(factory, container, owner, "maybe@example.test")
    async with browser(app, other_owner.email) as other:
        await other.page("/merchant/staff")
        assert (await other.form(f"/merchant/staff/invites/{invite.id}/revoke")).status_code == 404
    assert (await container.invites.get(invite.id)).status == "pending"

    await web.sign_in(owner.email)
    await web.page("/merchant/staff")
    assert (await web.form(f"/merchant/staff/invites/{invite.id}/revoke")).status_code == 302
    assert (await container.invites.get(invite.id)).status == "revoked"


async def test_inviting_a_member_or_twice_is_a_field_error(web, factory, container):
    owner = await factory.merchant()
    staff = await factory.merchant(shop=await container.shops.get(owner.shop_id), role="staff")
    await web.sign_in(owner.email)
    await web.page("/merchant/staff")
    member = await web.form("/merchant/staff/invite", {"email": staff.email})
    assert member.status_code == 422 and "already in your shop" in member.text
    assert (await web.form("/merchant/staff/invite", {"email": "new@example.test"})).status_code == 302
    again = await web.form("/merchant/staff/invite", {"email": "new@example.test"})
    assert again.status_code == 422 and "already has an invitation" in again.text
    bad = await web.form("/merchant/staff/invite", {"email[$ne]": ""})
    assert bad.status_code == 422


async def test_owner_removes_staff_but_not_themselves_or_other_shops_people(web, factory, container):
    owner = await factory.merchant()
    shop = await container.shops.get(owner.shop_id)
    staff = await factory.merchant(shop=shop, role="staff")
    outsider = await factory.merchant(role="staff")
    await web.sign_in(owner.email)
    page = await web.page("/merchant/staff")
    assert staff.email in page.text and "data-confirm" in page.text

    assert (await web.form(f"/merchant/staff/members/{outsider.id}/remove")).status_code == 404
    assert (await container.users.get(outsider.id)).shop_id == outsider.shop_id
    refused = await web.form(f"/merchant/staff/members/{owner.id}/remove")
    assert refused.status_code == 302 and (await container.users.get(owner.id)).shop_role == "owner"
    assert (await web.form(f"/merchant/staff/members/{staff.id}/remove")).status_code == 302
    assert (await container.users.get(staff.id)).shop_id is None


async def test_merchant_overview_is_for_members_only(web, factory):
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    assert (await web.get("/merchant")).status_code == 403
    assert (await web.get("/merchant/staff")).status_code == 403


async def _invite(factory, container, owner, email):
    from mall.shops import services

    return await services.invite_staff(
        container.invites, container.users, container.clock, shop_id=owner.shop_id, inviter_id=owner.id, email=email
    )
