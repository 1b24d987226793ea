"""The merchant's side of the platform's campaigns: the ones open for entries with their funding split stated
plainly, entering the shop's products and withdrawing them, the operator's decisions, and who paid for the
discounts the shop gave (from paid orders)."""

from __future__ import annotations

from mall.promotions import services as promotions
from mall.promotions.models import Scope
from tests.integration.promo_helpers import campaign, coupon, limited, window
from tests.integration.promo_merchant_helpers import counts, signed_in_merchant


async def draft(c, *, name="Mid-autumn", share=60, percent_off=10, tiers=(), starts_in=0, lasts=7 * 86400):
    starts_at, ends_at = window(c, starts_in=starts_in, lasts=lasts)
    return await promotions.create_campaign(
        c, actor_id="marketer", name=name, theme="Mooncakes and tea", starts_at=starts_at, ends_at=ends_at,
        platform_share_percent=share, tiers=list(tiers), percent_off=None if tiers else percent_off,
    )  # fmt: skip


async def test_the_campaigns_open_for_entries_say_their_rule_and_who_pays(web, factory, container):
    await signed_in_merchant(web, factory)
    empty = await web.page("/merchant/campaigns")
    assert empty.status_code == 200 and "No campaigns open for entries right now." in empty.text
    planned = await draft(container, name="Planned", share=60)
    tiered = await promotions.schedule(container, (await draft(container, name="Tiered", share=100, starts_in=86400,
                                       tiers=[{"min_spend": 100000, "save": 10000}])).id)  # fmt: skip
    paused = await promotions.pause(container, (await campaign(container, share=0)).id)
    over = await campaign(container, lasts=600)
    stopped = await promotions.stop(container, (await campaign(container)).id)
    container.clock.advance(minutes=20)

    page = await web.page("/merchant/campaigns")

    for shown, state in ((planned, "draft"), (tiered, "scheduled"), (paused, "paused")):
        assert f'id="campaign-{shown.id}" data-state="{state}"' in page.text
    assert f"campaign-{over.id}" not in page.text and f"campaign-{stopped.id}" not in page.text
    card = page.text.split(f'id="campaign-{planned.id}"')[1].split('class="card pm-item pm-campaign"')[0]
    assert "10% off every product entered, in every shop" in card
    assert "The platform pays 60% of each discount, your shop 40%." in card and "Mooncakes and tea" in card
    assert "Platform 60%" in card and "Your shop 40%" in card
    assert "Spend NT$1,000, save NT$100" in page.text
    assert "The platform pays the whole of each discount; your shop pays nothing." in page.text
    assert "Your shop pays the whole of each discount; the platform pays nothing." in page.text
    assert f'href="/merchant/campaigns/{planned.id}"' in page.text


async def test_entering_products_waiting_for_a_decision_and_withdrawing(web, factory, container):
    shop, oolong = await signed_in_merchant(web, factory)
    jasmine = await factory.stocked_product(shop=shop, name="Jasmine pearls")
    joint = await draft(container)
    page = await web.page(f"/merchant/campaigns/{joint.id}")
    assert page.status_code == 200 and "None of your products is in it yet." in page.text
    assert f'value="{oolong.id}">' in page.text and f'value="{jasmine.id}">' in page.text

    entered = await web.form(f"/merchant/campaigns/{joint.id}/entries", {"product_ids": [oolong.id, jasmine.id]})

    assert entered.status_code == 303 and entered.headers["location"] == f"/merchant/campaigns/{joint.id}"
    stored = {e.product_id: e for e in await promotions.entries(container, campaign_id=joint.id)}
    assert {p: (e.status, e.shop_id) for p, e in stored.items()} == {
        oolong.id: ("pending", shop.id),
        jasmine.id: ("pending", shop.id),
    }
    page = await web.page(f"/merchant/campaigns/{joint.id}")
    assert "2 products entered. An operator reviews each before it joins the campaign." in page.text
    assert page.text.count('data-entry="pending">Waiting for approval') == 4  # the entries, and the picker
    assert f'value="{oolong.id}" checked disabled' in page.text

    again = await web.form(f"/merchant/campaigns/{joint.id}/entries", {"product_ids": [oolong.id]})
    assert again.status_code == 303
    assert "Products already waiting or approved stay as they were." in (await web.page("/")).text
    await promotions.decide_entry(container, operator_id="op", entry_id=stored[oolong.id].id, approve=True)
    await promotions.decide_entry(container, operator_id="op", entry_id=stored[jasmine.id].id, approve=False,
                                  reason="Not a tea for mooncakes.")  # fmt: skip
    listed = await web.page("/merchant/campaigns")
    assert 'data-entry="approved">Approved' in listed.text and 'data-entry="rejected">Rejected' in listed.text
    assert "Reason: Not a tea for mooncakes." in listed.text

    withdrawn = await web.form(f"/merchant/campaigns/{joint.id}/entries/{oolong.id}/withdraw")
    assert withdrawn.status_code == 303
    assert (await container.promotions.entry(stored[oolong.id].id)).status == "withdrawn"
    page = await web.page(f"/merchant/campaigns/{joint.id}")
    assert "Withdrawn: the product leaves the campaign and its discount." in page.text
    assert f"/entries/{oolong.id}/withdraw" not in page.text and f"/entries/{jasmine.id}/withdraw" not in page.text
    twice = await web.form(f"/merchant/campaigns/{joint.id}/entries/{jasmine.id}/withdraw")
    assert twice.status_code == 303 and (await container.promotions.entry(stored[jasmine.id].id)).status == "rejected"
    back = await web.form(f"/merchant/campaigns/{joint.id}/entries", {"product_ids": [jasmine.id]})
    assert back.status_code == 303 and (await container.promotions.entry(stored[jasmine.id].id)).status == "pending"


async def test_an_entry_needs_a_product_and_a_campaign_that_is_not_over(web, factory, container):
    _shop, oolong = await signed_in_merchant(web, factory)
    joint = await draft(container, lasts=600)
    ended = await campaign(container, lasts=1800)
    nothing = await web.form(f"/merchant/campaigns/{joint.id}/entries", {})
    assert nothing.status_code == 422 and 'id="e-product_ids">Choose at least one product of your shop.' in nothing.text
    junk = await web.form(f"/merchant/campaigns/{joint.id}/entries", {"product_ids": ["$ne"]})
    assert junk.status_code == 422
    container.clock.advance(hours=1)
    page = await web.page(f"/merchant/campaigns/{joint.id}")
    assert "This campaign is over: it takes no more entries." in page.text and 'name="product_ids"' not in page.text
    late = await web.form(f"/merchant/campaigns/{joint.id}/entries", {"product_ids": [oolong.id]})
    assert late.status_code == 409 and "This campaign is over." in late.text
    after = await web.form(f"/merchant/campaigns/{ended.id}/entries", {"product_ids": [oolong.id]})
    assert after.status_code == 409 and "This campaign is over." in after.text
    assert await counts(container) == (0, 0, 0)


async def test_who_paid_for_the_discounts_on_the_shops_paid_orders(web, factory, container):
    shop, oolong = await signed_in_merchant(web, factory, variants=[("LS-1", 20000, 50, {})])  # NT$200
    cups = await factory.stocked_product(shop=shop, name="Celadon cups", price=15000, stock=50)  # NT$150
    empty = await web.page("/merchant/promotions/funding")
    assert "No paid order of yours had a campaign discount yet." in empty.text
    assert "No paid order of yours used one of your own promotions yet." in empty.text
    joint = await campaign(container, percent_off=10, share=60, products=[cups])
    cheaper = await limited(container, oolong, percent_off=10)
    code = await coupon(container, scope=Scope.SHOP, shop_id=shop.id, code="SHOP20", value=2000, min_spend=10000)
    other = await factory.stocked_product(name="Their cups", price=15000, stock=50)  # another shop, same campaign
    (entry,) = await promotions.enter_products(container, shop_id=other.shop_id, campaign_id=joint.id,
                                               product_ids=[other.id])  # fmt: skip
    await promotions.decide_entry(container, operator_id="op", entry_id=entry.id, approve=True)
    await factory.paid_checkout(await factory.user(), (cups, 2), (oolong, 1))  # campaign 30, limited 20
    await factory.paid_checkout(await factory.user(), (oolong, 1), codes=("SHOP20",))  # limited 20, coupon 20
    await factory.paid_checkout(await factory.user(), (other, 4))
    await factory.checkout(await factory.user(), (cups, 5))  # placed, never paid: it does not count

    page = await web.page("/merchant/promotions/funding")

    row = page.text.split('data-kind="campaign"')[1].split("</tr>")[0]
    assert "雙12" in row and "The platform pays 60% of each discount, your shop 40%." in row
    assert 'data-figure="platform">NT$18' in row and 'data-figure="shop">NT$12' in row  # 10% of 300 = 30
    mine = page.text.split('data-kind="limited"')[1].split("</tr>")[0]
    assert "限時折扣" in mine and 'data-figure="platform">NT$0' in mine and 'data-figure="shop">NT$40' in mine
    assert '<td data-label="Paid orders" class="right">2</td>' in mine
    coupon_row = page.text.split('data-kind="coupon"')[1].split("</tr>")[0]
    assert "SHOP20" in coupon_row and 'data-figure="shop">NT$20' in coupon_row
    assert '<b data-total="platform">NT$18</b>' in page.text
    assert '<b data-total="shop">NT$72</b>' in page.text and '<b data-total="discount">NT$90</b>' in page.text
    assert code.id not in page.text and cheaper.id not in page.text  # names, not ids


async def test_a_percent_off_campaign_does_not_contradict_itself_in_chinese(web, factory, container):
    # given a 10 % campaign open for entries, read by a merchant in Chinese
    await signed_in_merchant(web, factory)
    planned = await draft(container, name="Planned", share=60)
    await web.page("/merchant/campaigns")
    await web.form("/lang", {"lang": "zh_Hant", "next": "/merchant/campaigns"})

    card = (await web.page("/merchant/campaigns")).text.split(f'id="campaign-{planned.id}"')[1]

    # then it says what it is: 9 折 on the products entered, in every shop, not "全館 9 折（限參加商品）"
    assert "各店參加商品一律 9 折" in card and "全館" not in card
