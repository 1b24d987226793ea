"""Demo promotions, made through the same services the consoles use; only when there are none yet:
a spend threshold and a limited-time discount in two shops, a platform coupon to claim, a joint campaign
running (products of two shops, approved) and one opening three minutes after start; and two shoppers' paid
orders of the running campaign's products (one with the platform coupon), so the marketer's dashboard, the
merchants' order lists and the shoppers' order pages have something to show."""

from __future__ import annotations

from datetime import timedelta

from mall.cart import services as cart
from mall.catalog import services as catalog
from mall.infra.ids import new_id
from mall.orders import services as orders
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
    welcome = await promotions.create_coupon(
        c, actor_id=marketer.id, scope=Scope.PLATFORM, shop_id=None, name="新會員見面禮 New here", code="WELCOME50",
        kind=CouponKind.FIXED, value=50 * TWD, min_spend=500 * TWD, starts_at=now - timedelta(hours=1), ends_at=week,
        total=1000, per_user=1, claimable=True,
    )  # fmt: skip
    running = await promotions.create_campaign(
        c, actor_id=marketer.id, name="雙12 聯合促銷",
        theme="參加商品 9 折，平台出 6 成 — Double 12: 10% off what shops entered",
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
    await promotions.claim_coupon(c, welcome.id, people["shopper@demo.mall"].id)  # into her wallet
    await seed_orders(c, people, [firsts[cloth.id], firsts[books.id]])
    return 5


DEMO_ADDRESS = {"name": "林美 Lin Mei", "phone": "0912-345-678", "postal_code": "10048", "region": "TPE",
                "line": "中正區中山南路一段 1 號 No. 1, Sec. 1, Zhongshan S. Rd."}  # fmt: skip


async def seed_orders(c, people: dict, products: list[list]) -> int:
    """Paid checkouts through the real cart, checkout and sandbox payment (its signed webhook), as a shopper's
    Pay button makes them. A checkout the coupon cannot serve is placed without it."""
    plans = [("shopper@demo.mall", [(products[0][0], 2), (products[1][0], 1)], ("WELCOME50",)),
             ("shopper2@demo.mall", [(products[0][1], 1)], ())]  # fmt: skip
    made = 0
    for email, items, codes in plans:
        user = people[email]
        fields = orders.AddressFields(**DEMO_ADDRESS)
        await orders.add_address(c.addresses, c.clock, user.id, fields, make_default=True)
        store = c.carts.for_user(user.id)
        for product, qty in items:
            await cart.add_item(store, c.products, product_id=product.id, variant_id=product.variants[0].id, qty=qty)
        try:
            placed = await orders.place_checkout(c, user_id=user.id, cart=store, key=new_id(), address=fields,
                                                 notes={}, codes=codes)  # fmt: skip
        except orders.CouponNotUsable:
            placed = await orders.place_checkout(c, user_id=user.id, cart=store, key=new_id(), address=fields,
                                                 notes={})  # fmt: skip
        await orders.pay_in_sandbox(c, placed.checkout)
        made += 1
    return made
