"""Demo promotions, made through the same services the consoles use; only when there are none yet:
a spend threshold and a limited-time discount in two shops, a platform coupon to claim, a joint campaign
running (products of two shops, approved) and one opening three minutes after start."""

from __future__ import annotations

from datetime import timedelta

from mall.catalog import services as catalog
from mall.promotions import services as promotions
from mall.promotions.models import CouponKind, Scope

TWD = 100


async def seed_promotions(c, shops: list, people: dict) -> int:
    if await c.promotions.campaigns.count_documents({}) or await c.promotions.coupons.count_documents({}):
        return 0
    now = c.clock.now()
    week = now + timedelta(days=7)
    owners = {shop.id: await c.users.get(shop.owner_id) for shop in shops}
    firsts = {}
    for shop in shops:
        listed, _total = await catalog.merchant_products(c.products, c.attribute_sets, shop_id=shop.id, per_page=5)
        firsts[shop.id] = [row.product for row in listed]
    tea, sound, cloth, books = shops[0], shops[1], shops[2], shops[3]
    await promotions.create_threshold(
        c, shop_id=tea.id, actor_id=owners[tea.id].id, name="滿 500 減 50 / 滿 1000 減 120",
        tiers=[{"min_spend": 500 * TWD, "save": 50 * TWD}, {"min_spend": 1000 * TWD, "save": 120 * TWD}],
        free_shipping=True, starts_at=now - timedelta(hours=1), ends_at=week,
    )  # fmt: skip
    await promotions.create_limited_time(
        c, shop_id=sound.id, actor_id=owners[sound.id].id, name="週末限時 85 折",
        product_ids=[firsts[sound.id][0].id], percent_off=15, starts_at=now - timedelta(hours=1), ends_at=week,
    )  # fmt: skip
    marketer = people["marketer@demo.mall"]
    await promotions.create_coupon(
        c, actor_id=marketer.id, scope=Scope.PLATFORM, shop_id=None, name="新會員見面禮 New here", code="WELCOME50",
        kind=CouponKind.FIXED, value=50 * TWD, min_spend=500 * TWD, starts_at=now - timedelta(hours=1), ends_at=week,
        total=1000, per_user=1, claimable=True,
    )  # fmt: skip
    running = await promotions.create_campaign(
        c, actor_id=marketer.id, name="雙12 聯合促銷", theme="全館 9 折，平台出 6 成 — Double 12: 10% off across shops",
        starts_at=now - timedelta(minutes=30), ends_at=week, platform_share_percent=60, percent_off=10,
    )  # fmt: skip
    coming = await promotions.create_campaign(
        c, actor_id=marketer.id, name="年終滿額送", theme="滿 800 減 100 — year-end spend and save",
        starts_at=now + timedelta(minutes=3), ends_at=week, platform_share_percent=50,
        tiers=[{"min_spend": 800 * TWD, "save": 100 * TWD}],
    )  # fmt: skip
    operator = people["operator@demo.mall"]
    for campaign, entrants in ((running, (cloth, books)), (coming, (tea, books))):
        for shop in entrants:
            entries = await promotions.enter_products(
                c, shop_id=shop.id, campaign_id=campaign.id, product_ids=[p.id for p in firsts[shop.id][:3]]
            )
            for entry in entries:
                await promotions.decide_entry(c, operator_id=operator.id, entry_id=entry.id, approve=True)
        await promotions.schedule(c, campaign.id)
    return 5
