"""The marketers' console for promotions: campaigns made, changed, scheduled, launched, paused and stopped with the
console's forms; the preview of products and prices before launch; the live dashboard from paid orders; platform
coupons; the operators' queue of campaign entries. SECURITY rows 2 (roles), 3 (closed forms), 8 (escaping),
9 (CSRF) and 11 (banner uploads) as they touch these pages. The clock stands at 2026-11-24 12:00 UTC (20:00 in
Taipei, the configured zone)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from mall.promotions import services as promotions
from mall.promotions.models import Scope
from mall.promotions.records import CampaignStatus, Control, EntryStatus
from tests.integration.promo_helpers import campaign, coupon

SOON = ("2026-11-24T21:00", "2026-11-27T21:00")  # starts in an hour (13:00 UTC), runs three days
EARLIER = ("2026-11-24T19:00", "2026-11-27T21:00")  # started an hour ago


def campaign_form(*, name="Double 12 Tea Festival", theme="Mountain teas from every shop", rule="percent",
                  percent="10", share="60", window=SOON, tiers=(), **extra) -> dict:  # fmt: skip
    data = {"name": name, "theme": theme, "rule": rule, "percent_off": percent, "platform_share_percent": share,
            "starts_at": window[0], "ends_at": window[1], **extra}  # fmt: skip
    for n, (min_spend, kind, off) in enumerate(tiers, start=1):
        data |= {f"min_spend_{n}": min_spend, f"off_kind_{n}": kind, f"off_{n}": off}
    return data


def coupon_form(**extra) -> dict:
    return {"name": "New shopper gift", "code": "HELLO100", "mode": "fixed", "amount": "100", "percent": "",
            "cap": "", "min_spend": "500", "total": "1000", "per_user": "1", "delivery": "wallet",
            "starts_at": SOON[0], "ends_at": SOON[1], **extra}  # fmt: skip


def png(width=900, height=300) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#8f1846").save(out, "PNG")
    return out.getvalue()


async def signed_in_marketer(web, factory):
    marketer = await factory.marketer()
    await web.sign_in(marketer.email)
    return marketer


async def the_campaign(container):
    (made,) = await promotions.campaigns(container)
    return made


async def test_the_console_lists_campaigns_and_coupons_and_says_what_to_do_when_empty(web, factory):
    await signed_in_marketer(web, factory)
    page = await web.page("/marketing/campaigns")
    assert page.status_code == 200
    assert '<a href="/marketing/campaigns" aria-current="page">Campaigns</a>' in page.text
    assert "No campaigns yet" in page.text and 'href="/marketing/campaigns/new"' in page.text
    coupons = await web.page("/marketing/coupons")
    assert "No platform coupons yet" in coupons.text and 'href="/marketing/coupons/new"' in coupons.text
    overview = await web.page("/marketing/campaigns/summary")
    assert "No campaign is running right now." in overview.text and "Nothing is scheduled." in overview.text


async def test_a_draft_with_a_banner_then_scheduled_goes_live_by_itself(web, factory, container):
    await signed_in_marketer(web, factory)
    blank = await web.page("/marketing/campaigns/new")
    assert 'name="rule" value="percent" checked' in blank.text and 'enctype="multipart/form-data"' in blank.text
    made = await web.form("/marketing/campaigns", campaign_form(next="draft"),
                          files={"banner": ("b.png", png(), "image/png")})  # fmt: skip
    assert made.status_code == 303, made.text[:800]
    stored = await the_campaign(container)
    assert made.headers["location"] == f"/marketing/campaigns/{stored.id}"
    assert (stored.status, stored.percent_off, stored.tiers, stored.platform_share_percent) == ("draft", 10, [], 60)
    assert (stored.starts_at, stored.ends_at) == (datetime(2026, 11, 24, 13, tzinfo=UTC),
                                                  datetime(2026, 11, 27, 13, tzinfo=UTC))  # fmt: skip
    assert stored.banner and (container.settings.var_path / "media" / stored.banner).exists()
    page = await web.page(made.headers["location"])
    assert "is saved as a draft" in page.text and 'data-state="draft">Draft' in page.text
    assert f'src="/media/{stored.banner}"' in page.text and "Preview before launch" in page.text
    assert 'data-action="schedule"' in page.text and 'data-action="launch"' in page.text

    scheduled = await web.form(f"/marketing/campaigns/{stored.id}/schedule")
    assert scheduled.status_code == 303
    assert (await the_campaign(container)).status == CampaignStatus.SCHEDULED
    page = await web.page(scheduled.headers["location"])
    assert "Scheduled: it goes live by itself in 1 hour." in page.text
    assert 'data-action="schedule"' not in page.text and 'data-action="launch"' in page.text

    container.clock.advance(seconds=3600)
    await promotions.sweep(container)
    page = await web.page(f"/marketing/campaigns/{stored.id}")
    assert 'data-state="live">Live' in page.text and "Live dashboard" in page.text
    assert 'data-action="pause"' in page.text and 'data-action="stop"' in page.text


async def test_save_and_schedule_with_spend_tiers_at_once(web, factory, container):
    await signed_in_marketer(web, factory)
    data = campaign_form(rule="tiers", percent="", tiers=[("1000", "amount", "100"), ("2000", "percent", "15")],
                         next="schedule")  # fmt: skip
    made = await web.form("/marketing/campaigns", data)
    assert made.status_code == 303, made.text[:800]
    stored = await the_campaign(container)
    assert stored.status == CampaignStatus.SCHEDULED and stored.percent_off is None
    assert stored.tiers == [{"min_spend": 100000, "save": 10000, "percent": None},
                            {"min_spend": 200000, "save": None, "percent": 15}]  # fmt: skip
    page = await web.page(made.headers["location"])
    assert "What each tier saves" in page.text
    tiers = page.text.split('mk-tiers"')[1].split("</table>")[0]
    # 15% of NT$2,000 = NT$300, the platform paying 60% of it
    assert "NT$1,000" in tiers and "NT$100" in tiers and "NT$300" in tiers and "NT$180" in tiers


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Give it a name of up to 60 characters."),
        ({"theme": "x" * 301}, "theme", "Keep the theme under 300 characters."),
        ({"rule": "free"}, "rule", "Choose a percentage off or spend tiers."),
        ({"percent": "100"}, "percent_off", "Enter a whole percentage from 1 to 99."),
        ({"percent": "-5"}, "percent_off", "Enter a whole percentage from 1 to 99."),
        ({"share": "101"}, "platform_share_percent", "Enter a whole percentage from 0 to 100."),
        ({"share": "1e2"}, "platform_share_percent", "Enter a whole percentage from 0 to 100."),
        ({"window": ("2026-11-24T21:00", "2026-11-24T20:00")}, "ends_at", "It must end after it starts."),
        ({"window": ("2026-11-20T21:00", "2026-11-21T21:00")}, "ends_at", "It must end in the future."),
        ({"window": ("tomorrow", SOON[1])}, "starts_at", "Enter the date and time it starts."),
        ({"rule": "tiers", "tiers": [("300", "amount", "300")]}, "tiers", "A tier must save less than its minimum"),
        ({"rule": "tiers", "tiers": [("300", "amount", "")]}, "tier_1", "Give the row a minimum spend above zero"),
        ({"rule": "tiers"}, "tiers", "Give at least one tier."),
    ],
)
async def test_bad_input_is_refused_next_to_its_field_keeps_what_was_typed_and_saves_nothing(
    web, factory, container, change, field, message
):
    await signed_in_marketer(web, factory)
    response = await web.form("/marketing/campaigns", campaign_form(**change))
    assert response.status_code == 422
    assert f'id="e-{field}">{message}' in response.text
    assert 'value="Double 12 Tea Festival"' in response.text or change.get("name") == ""
    assert await promotions.campaigns(container) == []


async def test_the_form_is_closed_a_status_or_an_id_sent_with_it_refuses_it_whole(web, factory, container):
    await signed_in_marketer(web, factory)
    for extra in ({"status": "live"}, {"created_by": "someone"}, {"id": "0" * 24}):
        response = await web.form("/marketing/campaigns", campaign_form(**extra))
        assert response.status_code == 422 and "This form does not accept the field" in response.text
    twice = await web.post("/marketing/campaigns", data={"csrf_token": web.csrf, **campaign_form(),
                                                         "percent_off": ["10", "90"]})  # fmt: skip
    assert twice.status_code == 422 and "was sent more than once" in twice.text
    assert await promotions.campaigns(container) == []


async def test_a_banner_that_is_not_an_image_is_refused_and_nothing_is_saved(web, factory, container):
    await signed_in_marketer(web, factory)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = await web.form("/marketing/campaigns", campaign_form(),
                              files={"banner": ("b.svg", svg, "image/svg+xml")})  # fmt: skip
    assert response.status_code == 422 and 'id="e-banner"' in response.text
    assert await promotions.campaigns(container) == []


async def test_an_upcoming_campaign_is_changed_but_a_live_one_is_not(web, factory, container):
    await signed_in_marketer(web, factory)
    await web.form("/marketing/campaigns", campaign_form(next="schedule"))
    stored = await the_campaign(container)
    form = await web.page(f"/marketing/campaigns/{stored.id}/edit")
    assert 'value="Double 12 Tea Festival"' in form.text and 'value="2026-11-24T21:00"' in form.text
    saved = await web.form(f"/marketing/campaigns/{stored.id}/edit", campaign_form(name="Double 12", percent="15"))
    assert saved.status_code == 303
    changed = await the_campaign(container)
    assert (changed.name, changed.percent_off, changed.status) == ("Double 12", 15, CampaignStatus.SCHEDULED)

    await web.form(f"/marketing/campaigns/{stored.id}/launch")
    assert (await the_campaign(container)).status == CampaignStatus.LIVE
    refused = await web.form(f"/marketing/campaigns/{stored.id}/edit", campaign_form(name="Sneaky", percent="90"))
    assert refused.status_code == 409 and "Only a campaign that has not started can be changed." in refused.text
    assert (await the_campaign(container)).percent_off == 15
    assert (await web.page(f"/marketing/campaigns/{stored.id}/edit")).status_code == 303


async def test_pause_resume_stop_and_what_cannot_be_done_any_more(web, factory, container):
    await signed_in_marketer(web, factory)
    await web.form("/marketing/campaigns", campaign_form(window=EARLIER, next="schedule"))
    stored = await the_campaign(container)
    assert stored.status == CampaignStatus.LIVE
    url = f"/marketing/campaigns/{stored.id}"
    await web.form(f"{url}/pause")
    assert (await the_campaign(container)).status == CampaignStatus.PAUSED
    assert 'data-action="resume"' in (await web.page(url)).text
    await web.form(f"{url}/resume")
    assert (await the_campaign(container)).status == CampaignStatus.LIVE
    page = await web.page(url)
    assert 'data-confirm="Stop “Double 12 Tea Festival” for good?' in page.text
    await web.form(f"{url}/stop")
    assert (await the_campaign(container)).status == CampaignStatus.STOPPED
    again = await web.form(f"{url}/resume")
    assert again.status_code == 303
    page = await web.page(url)
    assert "Only a paused campaign can be resumed." in page.text and "data-action=" not in page.text
    assert (await web.form(f"{url}/explode")).status_code == 404
    assert (await web.form(f"{url}/pause", {"status": "live"})).status_code == 422


async def test_the_preview_prices_each_entered_product_as_the_cart_will(web, factory, container):
    await signed_in_marketer(web, factory)
    tea = await factory.stocked_product(price=20000, name="Alishan oolong")
    cups = await factory.stocked_product(price=15000, name="Celadon cups")
    await web.form("/marketing/campaigns", campaign_form(percent="10", share="60"))
    stored = await the_campaign(container)
    (approved,) = await promotions.enter_products(container, shop_id=tea.shop_id, campaign_id=stored.id,
                                                  product_ids=[tea.id])  # fmt: skip
    await promotions.enter_products(container, shop_id=cups.shop_id, campaign_id=stored.id, product_ids=[cups.id])
    await promotions.decide_entry(container, operator_id="op", entry_id=approved.id, approve=True)

    page = await web.page(f"/marketing/campaigns/{stored.id}")
    assert 'data-figure="approved">1<' in page.text and 'data-figure="pending">1<' in page.text
    assert 'data-figure="shops">2<' in page.text
    row = page.text.split(f'data-product="{tea.id}"')[1].split("</tr>")[0]
    # NT$200 -> NT$180; of the NT$20 saved the platform pays 60%
    assert "NT$200" in row and "<b data-price-then>NT$180</b>" in row and "NT$12 / NT$8" in row
    waiting = page.text.split(f'data-product="{cups.id}"')[1].split("</tr>")[0]
    assert 'data-entry="pending"' in page.text and "Waiting for approval" in waiting
    assert 'data-figure="per-unit">NT$20' in page.text


async def test_the_dashboard_counts_paid_orders_and_draws_them(web, factory, container):
    await signed_in_marketer(web, factory)
    tea = await factory.stocked_product(price=20000, stock=50, name="Alishan oolong")
    made = await campaign(container, percent_off=10, share=60, products=[tea])
    await factory.paid_checkout(await factory.user(), (tea, 2))
    await factory.checkout(await factory.user(), (tea, 1))  # not paid: not counted

    page = await web.page(f"/marketing/campaigns/{made.id}/figures")
    assert 'data-figure="orders">1<' in page.text and 'data-figure="redemptions">1<' in page.text
    assert 'data-figure="discount">NT$40' in page.text and "platform NT$24 · shops NT$16" in page.text
    assert 'data-figure="units">2<' in page.text and page.text.count('class="mk-bar"') == 1
    assert "Alishan oolong" in page.text.split("Top products")[1]
    numbers = page.text.split('class="mk-numbers small"')[1].split("</details>")[0]  # the chart as a table
    assert "<td>11-24 20:00</td><td>1</td><td>NT$420</td>" in numbers  # 2 x NT$180 + NT$60 shipping


async def test_platform_coupons_are_made_paused_and_stopped_in_the_console(web, factory, container):
    await signed_in_marketer(web, factory)
    made = await web.form("/marketing/coupons", coupon_form())
    assert made.status_code == 303, made.text[:800]
    (stored,) = await promotions.coupons_of(container, scope=Scope.PLATFORM)
    assert (stored.code, stored.value, stored.min_spend, stored.claimable, stored.shop_id) == (
        "HELLO100", 10000, 50000, True, None)  # fmt: skip
    page = await web.page(made.headers["location"])
    assert "Coupon HELLO100 is saved." in page.text and "Live dashboard" in page.text
    await web.form(f"/marketing/coupons/{stored.id}/pause")
    assert (await promotions.get_coupon(container, stored.id)).control is Control.PAUSED
    await web.form(f"/marketing/coupons/{stored.id}/stop")
    assert (await promotions.get_coupon(container, stored.id)).control is Control.STOPPED
    await web.form(f"/marketing/coupons/{stored.id}/resume")
    assert (await promotions.get_coupon(container, stored.id)).control is Control.STOPPED
    taken = await web.form("/marketing/coupons", coupon_form())
    assert taken.status_code == 409 and 'id="e-code">That code is taken. Choose another.' in taken.text
    shop_coupon = await coupon(container, scope=Scope.SHOP, shop_id=(await factory.shop()).id, code="SHOPONLY")
    assert (await web.page(f"/marketing/coupons/{shop_coupon.id}")).status_code == 404
    assert (await web.form(f"/marketing/coupons/{shop_coupon.id}/stop")).status_code == 404
    assert (await promotions.get_coupon(container, shop_coupon.id)).control is Control.ACTIVE


async def test_operators_approve_and_refuse_entries_with_a_reason(web, factory, container):
    tea = await factory.stocked_product(price=20000, name="Alishan oolong")
    cups = await factory.stocked_product(price=15000, name="Celadon <b>cups</b>")
    made = await campaign(container, products=[])
    first, = await promotions.enter_products(container, shop_id=tea.shop_id, campaign_id=made.id,
                                             product_ids=[tea.id])  # fmt: skip
    second, = await promotions.enter_products(container, shop_id=cups.shop_id, campaign_id=made.id,
                                              product_ids=[cups.id])  # fmt: skip
    await web.sign_in((await factory.operator()).email)
    queue = await web.page("/operator/campaign-entries")
    assert "2 entries are waiting." in queue.text and "Celadon &lt;b&gt;cups&lt;/b&gt;" in queue.text
    approved = await web.form(f"/operator/campaign-entries/{first.id}/approve")
    assert approved.status_code == 303
    short = await web.form(f"/operator/campaign-entries/{second.id}/reject", {"reason": "no"})
    assert short.status_code == 422 and "Tell the shop why, in 3 to 500 characters." in short.text
    refused = await web.form(f"/operator/campaign-entries/{second.id}/reject", {"reason": "Not a tea product"})
    assert refused.status_code == 303
    entries = {e.id: e for e in await promotions.entries(container, campaign_id=made.id)}
    assert entries[first.id].status == EntryStatus.APPROVED
    assert (entries[second.id].status, entries[second.id].reason) == (EntryStatus.REJECTED, "Not a tea product")
    page = await web.page("/operator/campaign-entries")
    assert "Nothing is waiting" in page.text
    twice = await web.form(f"/operator/campaign-entries/{first.id}/approve")
    assert twice.status_code == 303
    assert "This entry is not waiting for a decision." in (await web.page("/operator/campaign-entries")).text


async def test_an_entry_of_a_campaign_that_is_over_cannot_be_decided(container, factory):
    tea = await factory.stocked_product(price=20000)
    made = await campaign(container, products=[])
    (entry,) = await promotions.enter_products(container, shop_id=tea.shop_id, campaign_id=made.id,
                                               product_ids=[tea.id])  # fmt: skip
    await promotions.stop(container, made.id)
    with pytest.raises(promotions.PromotionError, match="This campaign is over"):
        await promotions.decide_entry(container, operator_id="op", entry_id=entry.id, approve=True)


@pytest.mark.parametrize("who", ["guest", "shopper", "merchant", "operator"])
async def test_only_marketers_reach_the_console(web, factory, container, who):
    made = await campaign(container, products=[])
    if who != "guest":
        person = {"shopper": factory.user, "operator": factory.operator}.get(who)
        user = await person() if person else await factory.owner_of(await factory.shop())
        await web.sign_in(user.email)
    for path in ("/marketing/campaigns", "/marketing/campaigns/new", f"/marketing/campaigns/{made.id}",
                 f"/marketing/campaigns/{made.id}/figures", "/marketing/coupons"):  # fmt: skip
        assert (await web.page(path)).status_code == (302 if who == "guest" else 403), path
    await web.page("/login")
    refused = 303 if who == "guest" else 403  # a guest is sent to sign in; the others are forbidden
    assert (await web.form(f"/marketing/campaigns/{made.id}/stop")).status_code == refused
    assert (await web.form("/marketing/campaigns", campaign_form())).status_code == refused
    assert (await the_campaign(container)).status == CampaignStatus.LIVE
    assert len(await promotions.campaigns(container)) == 1


async def test_only_operators_decide_entries(web, factory, container):
    tea = await factory.stocked_product(price=20000)
    made = await campaign(container, products=[])
    (entry,) = await promotions.enter_products(container, shop_id=tea.shop_id, campaign_id=made.id,
                                               product_ids=[tea.id])  # fmt: skip
    await signed_in_marketer(web, factory)
    assert (await web.page("/operator/campaign-entries")).status_code == 403
    assert (await web.form(f"/operator/campaign-entries/{entry.id}/approve")).status_code == 403
    assert (await promotions.entries(container, campaign_id=made.id))[0].status == EntryStatus.PENDING


async def test_no_change_without_the_csrf_token(web, factory, container):
    await signed_in_marketer(web, factory)
    made = await campaign(container, products=[])
    no_token = await web.post(f"/marketing/campaigns/{made.id}/stop", data={})
    assert no_token.status_code == 403
    forged = await web.post("/marketing/campaigns", data=campaign_form())
    assert forged.status_code == 403
    assert (await the_campaign(container)).status == CampaignStatus.LIVE


async def test_names_typed_by_people_are_shown_escaped(web, factory, container):
    await signed_in_marketer(web, factory)
    evil = '<img src=x onerror="alert(1)">'
    await web.form("/marketing/campaigns", campaign_form(name="Sale <script>", theme=evil))
    await web.form("/marketing/coupons", coupon_form(name=evil))
    stored = await the_campaign(container)
    for path in ("/marketing/campaigns", f"/marketing/campaigns/{stored.id}", "/marketing/coupons",
                 "/marketing/campaigns/summary"):  # fmt: skip
        text = (await web.page(path)).text
        assert evil not in text and "Sale <script>" not in text, path
        assert "Sale &lt;script&gt;" in text or "&lt;img src=x" in text, path


async def test_the_dashboard_is_nudged_live_when_orders_are_paid(container, factory, monkeypatch):
    """Orders paid: one transient `marketing` message asks open dashboards to reload their figures, however
    many orders came in that second."""
    from mall.realtime import live

    products = [await factory.stocked_product(price=20000, stock=10) for _ in range(3)]  # three shops
    seen = []
    original = live.services.publish

    async def publish(channels, channel, kind, *, html="", data=None, transient=False):
        seen.append((channel, kind, tuple((data or {}).get("refresh", ())), transient))
        return await original(channels, channel, kind, html=html, data=data, transient=transient)

    monkeypatch.setattr(live.services, "publish", publish)
    await factory.paid_checkout(await factory.user(), *[(p, 1) for p in products])
    assert len([s for s in seen if s[1] == "order.paid" and s[0].startswith("shop:")]) == 3
    assert [s for s in seen if s[1] == "promo.figures"] == []  # not yet: gathered for FIGURES_EVERY
    await container.background.idle()  # every delayed push of this world has gone out
    assert [s for s in seen if s[1] == "promo.figures"] == [("marketing", "promo.figures", ("#promo-figures",), True)]


async def test_operators_hear_of_new_entries_in_their_feed_with_a_toast(web, factory, container):
    from mall.realtime import services as realtime

    shop = await factory.shop(name="山茶行 Hill Tea")
    tea = await factory.stocked_product(shop=shop, price=20000)
    cups = await factory.stocked_product(shop=shop, price=9000)
    made = await campaign(container, products=[])
    await promotions.enter_products(container, shop_id=shop.id, campaign_id=made.id, product_ids=[tea.id, cups.id])

    (kept,) = [e for e in await realtime.ops_feed(container.channels) if e["kind"] == "promo.entered"]
    assert kept["data"] | {"refresh": None} == {"campaign_id": made.id, "shop_id": shop.id, "count": 2,
                                                 "refresh": None}  # fmt: skip
    assert f"/live/alerts/campaign-entries/{made.id}" in kept["html"]
    await web.sign_in((await factory.operator()).email)
    feed = await web.page("/operator/feed")
    assert "2 products entered into a campaign" in feed.text and "山茶行 Hill Tea" in feed.text
    alert = await web.page(f"/live/alerts/campaign-entries/{made.id}")
    assert "Products entered into a campaign" in alert.text and "雙12 · 2 waiting for you" in alert.text
    assert f'href="/operator/campaign-entries?campaign={made.id}"' in alert.text
    await signed_in_marketer(web, factory)
    assert (await web.page(f"/live/alerts/campaign-entries/{made.id}")).status_code == 403


async def test_a_coupon_whose_window_is_over_cannot_be_paused_or_resumed(container):
    made = await coupon(container, code="OVER", lasts=60)
    container.clock.advance(seconds=61)
    for control in (Control.PAUSED, Control.ACTIVE):
        with pytest.raises(promotions.PromotionError, match="This coupon has ended"):
            await promotions.set_coupon_control(container, made.id, control, scope=Scope.PLATFORM, shop_id=None)
    assert (await promotions.get_coupon(container, made.id)).control is Control.ACTIVE
    stopped = await promotions.set_coupon_control(container, made.id, Control.STOPPED, scope=Scope.PLATFORM,
                                                  shop_id=None)  # fmt: skip
    assert stopped.control is Control.STOPPED


async def test_the_list_puts_running_campaigns_first_then_coming_then_those_that_are_over(web, factory, container):
    await signed_in_marketer(web, factory)
    ended = await campaign(container, products=[], lasts=60)
    stopped = await campaign(container, products=[], lasts=7200)
    await promotions.stop(container, stopped.id)
    container.clock.advance(seconds=120)  # `ended` is over by its window, `stopped` by hand
    coming = await campaign(container, products=[], starts_in=3600)
    running = await campaign(container, products=[])
    page = await web.page("/marketing/campaigns")
    assert page.status_code == 200
    order = [page.text.index(f'data-campaign="{cp.id}"') for cp in (running, coming, stopped, ended)]
    assert order == sorted(order)
    over = await web.page("/marketing/campaigns?state=over")
    assert f'data-campaign="{ended.id}"' in over.text and f'data-campaign="{stopped.id}"' in over.text
    assert f'data-campaign="{running.id}"' not in over.text
