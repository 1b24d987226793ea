"""The operator's review queue, shop list, suspension (SECURITY rows 2, 8, 9)."""

from __future__ import annotations

import pytest

from tests.integration.shops_helpers import browser

XSS = "<script>alert(1)</script>"


@pytest.fixture
async def ops(app, factory):
    operator = await factory.operator()
    async with browser(app, operator.email) as tab:
        yield tab


async def test_shoppers_and_merchants_get_403_on_operator_pages_and_actions(web, factory, container):
    pending = await factory.shop(status="pending")
    merchant = await factory.merchant()
    for who in (await factory.user(), merchant):
        await web.sign_in(who.email)
        for path in ("/operator", "/operator/applications", "/operator/shops", f"/operator/shops/{pending.id}"):
            assert (await web.get(path)).status_code == 403, path
        assert (await web.form(f"/operator/shops/{pending.id}/approve")).status_code == 403
        await web.form("/logout")
        web.csrf = None
    assert (await container.shops.get(pending.id)).status == "pending"


async def test_a_shop_name_with_markup_is_escaped_in_the_queue_and_detail(ops, factory):
    shop = await factory.shop(status="pending", name=XSS)
    for path in ("/operator/applications", f"/operator/shops/{shop.id}", "/operator/shops"):
        page = await ops.page(path)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, path
        assert XSS not in page.text, path


async def test_queue_lists_pending_applications_oldest_first_in_pages(ops, factory, container):
    await factory.shop(status="approved", name="Already Open")
    for n in range(22):
        container.clock.advance(minutes=1)
        await factory.shop(status="pending", name=f"Applicant {n:02d}")
    first = await ops.page("/operator/applications")
    assert "22 waiting" in first.text and "Already Open" not in first.text
    assert first.text.index("Applicant 00") < first.text.index("Applicant 19")
    assert "Applicant 20" not in first.text
    second = await ops.page("/operator/applications?page=2")
    assert "Applicant 20" in second.text and "Applicant 21" in second.text and "Applicant 00" not in second.text
    assert (await ops.get("/operator/applications?page=abc")).status_code == 422


async def test_rejecting_needs_a_reason(ops, factory, container):
    shop = await factory.shop(status="pending")
    await ops.page(f"/operator/shops/{shop.id}")
    response = await ops.form(f"/operator/shops/{shop.id}/reject", {"reason": "  "})
    assert response.status_code == 422 and "Give a reason" in response.text
    assert (await container.shops.get(shop.id)).status == "pending"


async def test_approving_twice_is_harmless_and_rejecting_an_open_shop_is_refused(ops, factory, container):
    shop = await factory.shop(status="pending")
    await ops.page("/operator/applications")
    assert (await ops.form(f"/operator/shops/{shop.id}/approve")).status_code == 302
    assert (await ops.form(f"/operator/shops/{shop.id}/approve")).status_code == 302
    refused = await ops.form(f"/operator/shops/{shop.id}/reject", {"reason": "Too late"})
    assert refused.headers["location"] == f"/operator/shops/{shop.id}"
    assert "Someone else already changed this shop" in (await ops.page(f"/operator/shops/{shop.id}")).text
    assert (await container.shops.get(shop.id)).status == "approved"


async def test_unknown_actions_and_ids_are_404(ops, factory):
    shop = await factory.shop(status="pending")
    await ops.page("/operator")
    assert (await ops.form(f"/operator/shops/{shop.id}/delete")).status_code == 404
    assert (await ops.form("/operator/shops/not-an-id/approve")).status_code == 404
    assert (await ops.get("/operator/shops/0123456789abcdef01234567")).status_code == 404


async def test_suspend_needs_a_reason_and_confirmation_then_hides_the_shop(ops, app, api, factory, container):
    shop = await factory.shop(slug="night-market")
    detail = await ops.page(f"/operator/shops/{shop.id}")
    assert 'action="/operator/shops/%s/suspend" data-confirm=' % shop.id in detail.text
    missing = await ops.form(f"/operator/shops/{shop.id}/suspend", {"reason": ""})
    assert missing.status_code == 422 and (await container.shops.get(shop.id)).status == "approved"

    assert (await ops.form(f"/operator/shops/{shop.id}/suspend", {"reason": "Counterfeit goods"})).status_code == 302
    assert (await api.get("/api/v1/shops/night-market")).status_code == 404
    assert (await api.get("/api/v1/shops")).json()["total"] == 0
    owner = await factory.owner_of(shop)
    async with browser(app, owner.email) as merchant:
        console = await merchant.page("/merchant")
        assert "Your shop is suspended." in console.text and "Counterfeit goods" in console.text

    assert (await ops.form(f"/operator/shops/{shop.id}/reinstate")).status_code == 302
    assert (await api.get("/api/v1/shops/night-market")).status_code == 200
    assert (await api.get("/api/v1/shops")).json()["total"] == 1


async def test_overview_counts_and_shop_list_filters(ops, factory):
    await factory.shop(status="pending", name="Waiting Tea")
    await factory.shop(status="approved", name="Open Books", slug="open-books")
    await factory.shop(status="suspended", name="Closed Clothes")
    overview = await ops.page("/operator")
    assert 'href="/operator/shops?status=suspended"><b>1</b>' in overview.text
    suspended = await ops.page("/operator/shops?status=suspended")
    assert "Closed Clothes" in suspended.text and "Open Books" not in suspended.text
    by_slug = await ops.page("/operator/shops?q=open-bo")
    assert "Open Books" in by_slug.text and "Waiting Tea" not in by_slug.text
    assert (await ops.get("/operator/shops?q=(.*")).status_code == 200
    assert (await ops.get("/operator/shops?status=deleted")).status_code == 422
    assert (await ops.get("/operator/shops?q[$ne]=x")).status_code == 422


async def test_shop_list_answers_htmx_with_the_table_only(ops, factory):
    await factory.shop(name="Fragment Shop")
    response = await ops.get("/operator/shops?q=fragment", headers={"HX-Request": "true"})
    assert "Fragment Shop" in response.text and "<html" not in response.text
    assert "HX-Request" in response.headers["vary"]


async def test_suspending_without_a_csrf_token_or_from_another_site_is_403(ops, factory, container):
    shop = await factory.shop()
    await ops.page(f"/operator/shops/{shop.id}")
    assert (await ops.post(f"/operator/shops/{shop.id}/suspend", data={"reason": "no token"})).status_code == 403
    foreign = await ops.post(
        f"/operator/shops/{shop.id}/suspend",
        data={"reason": "cross-site", "csrf_token": ops.csrf},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert (await container.shops.get(shop.id)).status == "approved"
