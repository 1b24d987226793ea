"""What shoppers see of promotions outside the cart: the product page's price now, shop deals, campaign banners and
coupons to claim; claiming (sign-in and CSRF); the wallet; a campaign's landing page; the home page's strip; and
every new page escaping people's text (SECURITY row 8)."""

from __future__ import annotations

import re
from datetime import timedelta

from mall.promotions import services as promotions
from mall.promotions.models import CouponKind, Scope
from mall.promotions.records import Control
from tests.integration.promo_helpers import campaign, coupon, limited, threshold

XSS = "<script>alert(1)</script>"


def region(html: str, element_id: str) -> str:
    """The markup from the element with this id to the end of the page (enough to look inside it)."""
    start = html.index(f'id="{element_id}"')
    return html[start:]


async def test_the_product_page_shows_the_price_now_shop_deals_the_campaign_and_coupons(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=10, name="Oolong")
    await limited(container, tea, percent_off=10)  # 200 -> 180
    await threshold(container, tea.shop_id, [{"min_spend": 30000, "save": 3000}])
    double12 = await campaign(container, percent_off=10, products=[tea])  # 180 -> 162, live now
    teacup = await coupon(
        container, scope=Scope.SHOP, shop_id=tea.shop_id, code="TEA50", value=5000, min_spend=30000, claimable=True
    )

    page = await web.page(f"/p/{tea.id}")

    box = region(page.text, "buy-box")
    assert re.search(r'promo-price-now">NT\$162</b> <s class="promo-price-was">.*NT\$200</s>', box)
    assert "Limited-time deal" in box and "Ends in" in box and "01:00:00" in box
    assert "Spend NT$300, save NT$30" in box  # the shop's threshold as a badge
    assert f'id="claim-{teacup.id}"' in box and "NT$50 off" in box and "on NT$300 or more" in box
    assert "Sign in to claim" in box and f"/login?next=/p/{tea.id}" in box  # a guest
    banner = region(page.text, "promo-banner").split('id="buy-box"')[0]
    assert f'href="/campaigns/{double12.id}"' in banner and "雙12" in banner and "Save 10%" in banner
    assert 'ws-connect="/ws"' in page.text  # the page follows the `deals` channel, guests too
    swapped = await web.page(f"/p/{tea.id}/campaigns", headers={"HX-Request": "true"})
    assert swapped.text.lstrip().startswith('<div id="promo-banner"') and "雙12" in swapped.text


async def test_an_upcoming_limited_time_deal_counts_down_to_its_start_with_its_price(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    await limited(container, tea, fixed_price=14900, starts_in=2 * 3600)

    box = region((await web.page(f"/p/{tea.id}")).text, "buy-box")

    assert '<p class="price price-big">NT$200</p>' in box  # not yet
    assert "NT$149 from" in box and "Starts in" in box and "02:00:00" in box


async def test_claiming_a_coupon_needs_a_sign_in_and_the_csrf_token(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    free_tea = await coupon(container, code="CLAIMME", value=2000, claimable=True)
    await web.page(f"/p/{tea.id}")

    as_guest = await web.form(f"/coupons/{free_tea.id}/claim", {"next": f"/p/{tea.id}"})
    assert as_guest.status_code == 303 and as_guest.headers["location"].startswith("/login?next=")  # sent to sign in

    shopper = await factory.user()
    await web.sign_in(shopper.email)
    forged = await web.post(f"/coupons/{free_tea.id}/claim", data={"next": f"/p/{tea.id}"})
    assert forged.status_code == 403
    assert await promotions.my_coupons(container, shopper.id) == []

    claimed = await web.form(f"/coupons/{free_tea.id}/claim", {"next": f"/p/{tea.id}"}, headers={"HX-Request": "true"})
    assert claimed.status_code == 200 and claimed.text.lstrip().startswith(f'<li id="claim-{free_tea.id}"')
    assert "Claimed" in claimed.text and "My coupons" in claimed.text
    again = await web.form(f"/coupons/{free_tea.id}/claim", {"next": f"/p/{tea.id}"}, headers={"HX-Request": "true"})
    assert again.status_code == 409 and "You already have this coupon." in again.text
    assert [m.coupon.code for m in await promotions.my_coupons(container, shopper.id)] == ["CLAIMME"]
    page = await web.page(f"/p/{tea.id}")
    assert "✓ Claimed" in region(page.text, f"claim-{free_tea.id}")


async def test_claiming_without_javascript_comes_back_with_a_message(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    free_tea = await coupon(container, code="NOJS", value=2000, claimable=True)
    shopper = await factory.user()
    await web.sign_in(shopper.email)

    answer = await web.form(f"/coupons/{free_tea.id}/claim", {"next": f"/p/{tea.id}"})

    assert answer.status_code == 303 and answer.headers["location"] == f"/p/{tea.id}"
    assert "Claimed!" in (await web.page(f"/p/{tea.id}")).text


async def test_a_paused_coupon_says_it_cannot_be_claimed_in_place(web, container, factory):
    paused = await coupon(container, code="PAUSED", value=2000, claimable=True)
    await promotions.set_coupon_control(container, paused.id, Control.PAUSED, scope=Scope.PLATFORM, shop_id=None)
    shopper = await factory.user()
    await web.sign_in(shopper.email)

    answer = await web.form(f"/coupons/{paused.id}/claim", {"next": "/"}, headers={"HX-Request": "true"})

    assert answer.status_code == 409 and "This coupon cannot be claimed." in answer.text
    assert await promotions.my_coupons(container, shopper.id) == []


async def test_the_wallet_lists_claimed_coupons_with_what_they_do_and_their_state(web, container, factory):
    shop = await factory.shop(name="Hill Tea")
    shopper = await factory.user()
    await web.sign_in(shopper.email)
    empty = await web.page("/account/coupons")
    assert empty.status_code == 200 and "No coupons yet" in empty.text and 'href="/account/coupons"' in empty.text

    mine = await coupon(container, scope=Scope.SHOP, shop_id=shop.id, code="HILL10", kind=CouponKind.PERCENT,
                        value=10, cap=5000, min_spend=20000, per_user=2, claimable=True)  # fmt: skip
    later = await coupon(container, code="SOON", value=1000, claimable=True, starts_in=86400)
    for c in (mine, later):
        await promotions.claim_coupon(container, c.id, shopper.id)

    page = await web.page("/account/coupons")

    usable = region(page.text, "main").split('data-code="HILL10"')[1].split("</li>")[0]
    assert "Save 10%" in usable and "up to NT$50" in usable and "on NT$200 or more" in usable
    assert "For Hill Tea" in usable and "2 uses left" in usable and "Use in my cart" in usable
    upcoming = page.text.split('data-code="SOON"')[1].split("</li>")[0]
    assert "Not started yet" in upcoming and "Use in my cart" not in upcoming
    assert page.text.index('data-code="HILL10"') < page.text.index('data-code="SOON"')  # usable ones first


async def test_a_campaign_page_shows_its_rule_countdown_and_products_at_campaign_prices(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=10, name="Oolong")
    cups = await factory.stocked_product(price=15000, stock=10, name="Cups")
    await limited(container, tea, percent_off=10)
    live = await campaign(container, percent_off=10, products=[tea, cups])

    page = await web.page(f"/campaigns/{live.id}")

    body = region(page.text, "campaign-page")
    assert page.status_code == 200 and "雙12" in body and "全館聯合促銷" in body
    assert "Save 10% on every product in it" in body and "Ends in" in body and "Live now" in body
    assert "Oolong" in body and "NT$162" in body and "Cups" in body and "NT$135" in body
    assert 'ws-connect="/ws"' in page.text and "promo.js" in page.text
    swapped = await web.page(f"/campaigns/{live.id}", headers={"HX-Request": "true"})
    assert swapped.text.lstrip().startswith('<div id="campaign-page"')


async def test_drafts_and_stopped_campaigns_have_no_page_but_scheduled_and_ended_ones_do(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    starts_at, ends_at = container.clock.now() + timedelta(hours=1), container.clock.now() + timedelta(hours=2)
    draft = await promotions.create_campaign(
        container, actor_id="m", name="Draft", theme="", starts_at=starts_at, ends_at=ends_at,
        platform_share_percent=50, percent_off=20,
    )  # fmt: skip
    stopped = await campaign(container, products=[tea], starts_in=60)
    await promotions.stop(container, stopped.id)
    coming = await campaign(container, tiers=[{"min_spend": 50000, "save": 5000}], products=[tea], starts_in=3600)

    assert (await web.page(f"/campaigns/{draft.id}")).status_code == 404
    assert (await web.page(f"/campaigns/{stopped.id}")).status_code == 404
    assert (await web.page("/campaigns/not-an-id")).status_code == 404
    upcoming = await web.page(f"/campaigns/{coming.id}")
    assert upcoming.status_code == 200 and "Coming soon" in upcoming.text and "Starts in" in upcoming.text
    assert "Spend across the shops below: Spend NT$500, save NT$50" in upcoming.text

    container.clock.advance(hours=3)
    await promotions.step_campaign(container, coming.id)
    ended = await web.page(f"/campaigns/{coming.id}")
    assert ended.status_code == 200 and "This campaign has ended." in ended.text


async def test_the_home_page_has_a_strip_of_campaigns_that_reloads_itself(web, container, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    live = await campaign(container, percent_off=15, products=[tea])

    home = await web.page("/")

    strip = region(home.text, "home-campaigns")
    assert f'href="/campaigns/{live.id}"' in strip and "Save 15%" in strip and 'hx-trigger="live-refresh"' in strip
    assert 'ws-connect="/ws"' in home.text
    alone = await web.page("/campaigns/strip")
    assert alone.text.lstrip().startswith('<section id="home-campaigns"')


async def test_listings_show_a_limited_time_price(web, container, factory):
    shop = await factory.shop()
    tea = await factory.stocked_product(shop=shop, price=20000, stock=10, name="Oolong")
    await limited(container, tea, fixed_price=14900)

    listing = await web.page(f"/shops/{shop.slug}")

    card = listing.text.split(f'href="/p/{tea.id}"')[1].split("</a>")[0]
    assert "NT$149" in card and "NT$200" in card and "Limited-time deal" in card


async def test_people_s_text_is_escaped_on_every_new_page(web, container, factory):
    """SECURITY row 8: campaign names and themes, coupon names, shop and product names."""
    shop = await factory.shop(name=f"Shop {XSS}")
    tea = await factory.stocked_product(shop=shop, price=20000, stock=10, name=f"Tea {XSS}")
    starts_at, ends_at = container.clock.now(), container.clock.now() + timedelta(hours=1)
    await promotions.create_threshold(
        container, shop_id=shop.id, actor_id="m", name=f"T {XSS}", tiers=[{"min_spend": 10000, "save": 1000}],
        starts_at=starts_at, ends_at=ends_at,
    )  # fmt: skip
    await promotions.create_limited_time(
        container, shop_id=shop.id, actor_id="m", name=f"L {XSS}", product_ids=[tea.id], percent_off=5,
        starts_at=starts_at, ends_at=ends_at,
    )  # fmt: skip
    bad = await promotions.create_campaign(
        container, actor_id="m", name=f"C {XSS}"[:60], theme=f"Theme {XSS}", platform_share_percent=50,
        percent_off=10, starts_at=container.clock.now(), ends_at=container.clock.now() + timedelta(hours=1),
    )  # fmt: skip
    (entry,) = await promotions.enter_products(container, shop_id=shop.id, campaign_id=bad.id, product_ids=[tea.id])
    await promotions.decide_entry(container, operator_id="op", entry_id=entry.id, approve=True)
    await promotions.schedule(container, bad.id)
    named = await coupon(container, code="XSSCODE", value=1000, claimable=True)
    await container.promotions.coupons.update_one({"_id": named.id}, {"$set": {"name": f"Coupon {XSS}"}})
    shopper = await factory.user(name=f"Lin {XSS}")
    await promotions.claim_coupon(container, named.id, shopper.id)
    await factory.address(shopper)
    await factory.cart_with(shopper, (tea, 1))
    await web.sign_in(shopper.email)
    await web.form("/cart/coupons", {"code": "XSSCODE"})

    for path in (f"/p/{tea.id}", f"/p/{tea.id}/campaigns", "/cart", "/checkout", f"/campaigns/{bad.id}",
                 "/account/coupons", "/", "/campaigns/strip"):  # fmt: skip
        page = await web.page(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text, path
        assert "&lt;script&gt;" in page.text, path
    placed = await factory.checkout(shopper, codes=("XSSCODE",))
    (order,) = placed.orders
    assert {a["kind"] for a in order.applied} >= {"limited_time", "spend_threshold", "campaign", "platform_coupon"}
    for path in (f"/orders/{order.id}", f"/checkouts/{placed.checkout.id}"):
        page = await web.page(path)
        assert page.status_code == 200 and "<script>alert" not in page.text and "&lt;script&gt;" in page.text, path
    await web.sign_in((await factory.owner_of(shop)).email)
    page = await web.page(f"/merchant/orders/{order.id}")
    assert "T &lt;script&gt;" in page.text and "<script>alert" not in page.text
