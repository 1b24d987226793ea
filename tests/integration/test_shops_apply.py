"""Applying to open a shop, and the applicant's view of the review (SECURITY rows 3, 8, 9, 11)."""

from __future__ import annotations

from tests.integration.shops_helpers import SVG, application, browser, media_files, no_file, png


async def test_apply_then_operator_approves_and_owner_reaches_the_merchant_console(web, app, factory, container):
    applicant = await factory.user(name="Amy")
    operator = await factory.operator()
    await web.sign_in(applicant.email)
    assert (await web.page("/apply")).status_code == 200

    response = await web.form("/apply", application(), files={"logo": ("logo.png", png(), "image/png")})
    assert response.status_code == 302
    shop = await container.shops.by_owner(applicant.id)
    assert shop.status == "pending" and shop.logo and shop.logo in media_files(container)
    waiting = await web.page("/apply")
    assert "being reviewed" in waiting.text
    assert (await web.get("/merchant")).status_code == 403

    async with browser(app, operator.email) as ops:
        queue = await ops.page("/operator/applications")
        assert "Mountain Tea 山茶" in queue.text
        approved = await ops.form(f"/operator/shops/{shop.id}/approve", {"next": "/operator/applications"})
        assert approved.status_code == 302 and approved.headers["location"] == "/operator/applications"

    owner = await container.users.get(applicant.id)
    assert (owner.shop_id, owner.shop_role) == (shop.id, "owner")
    assert (await web.get("/apply")).headers["location"] == "/merchant"
    console = await web.page("/merchant")
    assert console.status_code == 200 and "Mountain Tea 山茶" in console.text


async def test_rejected_applicant_sees_the_reason_and_can_apply_again(web, app, factory, container):
    shop = await factory.shop(status="pending", slug="first-try")
    owner = await factory.owner_of(shop)
    operator = await factory.operator()
    async with browser(app, operator.email) as ops:
        await ops.page(f"/operator/shops/{shop.id}")
        rejected = await ops.form(f"/operator/shops/{shop.id}/reject", {"reason": "Photos are blurry <b>fix</b>"})
        assert rejected.status_code == 302

    await web.sign_in(owner.email)
    page = await web.page("/apply")
    assert "Photos are blurry &lt;b&gt;fix&lt;/b&gt;" in page.text
    assert "Send my application again" in page.text

    again = await web.form("/apply", application(name="Better Photos", slug="first-try"), files=no_file())
    assert again.status_code == 302
    resubmitted = await container.shops.get(shop.id)
    assert (resubmitted.status, resubmitted.name, resubmitted.reject_reason) == ("pending", "Better Photos", None)
    assert "being reviewed" in (await web.page("/apply")).text


async def test_one_open_application_per_person(web, factory, container):
    shop = await factory.shop(status="pending")
    owner = await factory.owner_of(shop)
    await web.sign_in(owner.email)
    response = await web.form("/apply", application(slug="second-shop"), files=no_file())
    assert response.status_code == 302
    assert await container.shops.by_slug("second-shop") is None
    assert sum((await container.shops.count_by_status()).values()) == 1


async def test_a_taken_slug_is_a_field_error(web, factory, container):
    await factory.shop(slug="mountain-tea")
    user = await factory.user()
    await web.sign_in(user.email)
    response = await web.form("/apply", application(slug="Mountain-Tea"), files=no_file())
    assert response.status_code == 422
    assert "This address is already taken." in response.text
    assert await container.shops.by_owner(user.id) is None


async def test_reserved_and_malformed_slugs_are_refused(web, factory, container):
    user = await factory.user()
    await web.sign_in(user.email)
    reserved = await web.form("/apply", application(slug="operator"), files=no_file())
    assert reserved.status_code == 422 and "This address is reserved." in reserved.text
    for slug in ("-edge", "ab", "has space", "x" * 41, "中文"):
        bad = await web.form("/apply", application(slug=slug), files=no_file())
        assert bad.status_code == 422, slug
        assert "lowercase letters, digits and hyphens" in bad.text
    assert await container.shops.by_owner(user.id) is None


async def test_mass_assignment_at_apply_is_422_and_creates_nothing(web, factory, container):
    user = await factory.user()
    victim = await factory.user()
    await web.sign_in(user.email)
    for extra in ({"status": "approved"}, {"owner_id": victim.id}, {"reviewed_by": user.id}):
        response = await web.form("/apply", application(**extra), files=no_file())
        assert response.status_code == 422
        assert "does not accept the field" in response.text
    assert await container.shops.by_slug("mountain-tea") is None
    assert (await container.users.get(user.id)).shop_id is None


async def test_svg_logo_is_a_clear_field_error_and_nothing_is_stored(web, factory, container):
    user = await factory.user()
    await web.sign_in(user.email)
    before = media_files(container)
    response = await web.form("/apply", application(), files={"logo": ("logo.svg", SVG, "image/svg+xml")})
    assert response.status_code == 422
    assert "SVG" in response.text and 'id="e-logo"' in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert media_files(container) == before
    assert await container.shops.by_owner(user.id) is None


async def test_apply_without_csrf_token_is_403(web, factory, container):
    user = await factory.user()
    await web.sign_in(user.email)
    response = await web.post("/apply", data=application())
    assert response.status_code == 403
    assert await container.shops.by_owner(user.id) is None


async def test_signed_out_visitors_are_sent_to_sign_in(web):
    response = await web.get("/apply")
    assert response.status_code == 302 and response.headers["location"] == "/login?next=/apply"


async def test_a_merchant_cannot_apply_for_a_second_shop(web, factory, container):
    staff = await factory.merchant(role="staff")
    await web.sign_in(staff.email)
    assert (await web.get("/apply")).headers["location"] == "/merchant"
    response = await web.form("/apply", application(slug="side-project"), files=no_file())
    assert response.status_code == 302 and response.headers["location"] == "/merchant"
    assert await container.shops.by_slug("side-project") is None
