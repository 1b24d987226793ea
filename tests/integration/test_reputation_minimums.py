"""Campaigns and featured flash sales may ask for a minimum shop health score (issue 12, item 8): an entry from a
shop below it, or too new for a score, is refused with the reason stated; a healthy shop's goes in."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from mall.flash_sales import services as flash
from mall.promotions import services as promotions
from mall.reputation.services import scoring
from tests.integration.orders_helpers import bearer
from tests.integration.test_reputation import shop_with_orders


async def _campaign(c, marketer, minimum):
    now = c.clock.now()
    return await promotions.create_campaign(
        c, actor_id=marketer.id, name="Trusted shops week", theme="", starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(days=3), platform_share_percent=50, percent_off=10, min_health_score=minimum,
    )  # fmt: skip


async def test_a_campaign_with_a_minimum_refuses_a_weak_or_new_shop_and_says_why(factory, container):
    marketer = await factory.marketer()
    healthy, _o = await shop_with_orders(factory, 6)
    weak, _w = await shop_with_orders(factory, 6, late=4, stars=2)
    newcomer = await factory.shop()
    for shop in (healthy, weak, newcomer):
        await scoring.compute(container, shop.id)
    campaign = await _campaign(container, marketer, 70)
    products = {s.id: await factory.stocked_product(shop=s) for s in (healthy, weak, newcomer)}

    entered = await promotions.enter_products(container, shop_id=healthy.id, campaign_id=campaign.id,
                                              product_ids=[products[healthy.id].id])  # fmt: skip
    with pytest.raises(promotions.PromotionError) as low:
        await promotions.enter_products(container, shop_id=weak.id, campaign_id=campaign.id,
                                        product_ids=[products[weak.id].id])  # fmt: skip
    with pytest.raises(promotions.PromotionError) as new:
        await promotions.enter_products(container, shop_id=newcomer.id, campaign_id=campaign.id,
                                        product_ids=[products[newcomer.id].id])  # fmt: skip

    assert len(entered) == 1
    assert low.value.status == 409 and low.value.params["minimum"] == 70 and low.value.params["score"] < 70
    assert "your shop's score is %(score)d" in low.value.message
    assert "no score yet" in new.value.message
    assert len(await promotions.entries(container, campaign_id=campaign.id)) == 1


async def test_the_merchant_page_and_the_api_state_the_reason(api, web, factory, container):
    marketer = await factory.marketer()
    weak, owner = await shop_with_orders(factory, 6, late=4, stars=2)
    health = await scoring.compute(container, weak.id)
    campaign = await _campaign(container, marketer, 80)
    product = await factory.stocked_product(shop=weak)

    answer = await api.post(f"/api/v1/merchant/campaigns/{campaign.id}/entries", json={"product_ids": [product.id]},
                            headers=await bearer(container, owner))  # fmt: skip
    await web.sign_in(owner.email)
    await web.page(f"/merchant/campaigns/{campaign.id}")
    page = await web.form(f"/merchant/campaigns/{campaign.id}/entries", {"product_ids": product.id})

    expected = f"at least 80; your shop's score is {health.score}"
    assert answer.status_code == 409 and expected in answer.json()["error"]["message"]
    assert page.status_code == 409 and expected in html.unescape(page.text)


async def test_the_marketer_sets_the_minimum_on_the_campaign_form(web, factory, container):
    marketer = await factory.marketer()
    await web.sign_in(marketer.email)
    form = await web.page("/marketing/campaigns/new")
    assert 'name="min_health_score"' in form.text
    bad = await web.form("/marketing/campaigns", {"name": "X", "theme": "", "rule": "percent", "percent_off": "10",
                                                  "platform_share_percent": "50", "starts_at": "2026-12-01T10:00",
                                                  "ends_at": "2026-12-03T10:00", "min_health_score": "101"})  # fmt: skip
    good = await web.form("/marketing/campaigns", {"name": "X", "theme": "", "rule": "percent", "percent_off": "10",
                                                   "platform_share_percent": "50", "starts_at": "2026-12-01T10:00",
                                                   "ends_at": "2026-12-03T10:00", "min_health_score": "75"})  # fmt: skip
    assert bad.status_code == 422 and "0 to 100" in bad.text
    assert good.status_code == 303
    assert (await container.promotions.campaigns.find_one({}))["min_health_score"] == 75


async def test_a_featured_flash_sale_with_a_minimum_refuses_a_weak_shop_now_and_at_approval(api, factory, container):
    marketer = await factory.marketer()
    weak, _owner = await shop_with_orders(factory, 6, late=4, stars=2)
    healthy, _o = await shop_with_orders(factory, 6)
    await scoring.compute(container, weak.id)
    await scoring.compute(container, healthy.id)
    weak_product = await factory.stocked_product(shop=weak, stock=50)
    good_product = await factory.stocked_product(shop=healthy, stock=50)
    now = container.clock.now()
    body = {"sku_id": "", "price": 100, "quantity": 5, "per_user_limit": 1,
            "starts_at": (now + timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(hours=3)).isoformat(),
            "min_health_score": 70}  # fmt: skip
    headers = await bearer(container, marketer)

    refused = await api.post(
        "/api/v1/marketing/flash-sales",
        headers=headers,
        json={**body, "product_id": weak_product.id, "sku_id": weak_product.variants[0].id},
    )
    made = await api.post(
        "/api/v1/marketing/flash-sales",
        headers=headers,
        json={**body, "product_id": good_product.id, "sku_id": good_product.variants[0].id},
    )
    merchant_cannot = await api.post(
        "/api/v1/merchant/flash-sales",
        headers=await bearer(container, _o),
        json={**body, "product_id": good_product.id, "sku_id": good_product.variants[0].id},
    )

    assert refused.status_code == 409 and "at least 70" in refused.json()["error"]["message"]
    assert made.status_code == 201 and merchant_cannot.status_code == 422  # a merchant's sale takes no minimum
    await container.db["shop_health"].update_one({"_id": healthy.id}, {"$set": {"score": 40}})
    with pytest.raises(flash.FlashSaleError) as at_approval:
        await flash.approve_sale(container, made.json()["id"], operator_id="op")
    assert at_approval.value.status == 409 and at_approval.value.params["score"] == 40


async def test_the_marketers_flash_sale_form_asks_for_the_minimum_and_the_merchants_does_not(web, factory, container):
    marketer = await factory.marketer()
    merchant = await factory.merchant()
    await web.sign_in(marketer.email)
    assert 'name="min_health_score"' in (await web.page("/marketing/flash-sales/new")).text
    await web.form("/logout")
    await web.sign_in(merchant.email)
    assert 'name="min_health_score"' not in (await web.page("/merchant/flash-sales/new")).text
