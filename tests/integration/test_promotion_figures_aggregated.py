"""A promotion's figures are added up by the database and say exactly what adding up its paid orders one by one
says: orders, redemptions, GMV, discount and its funding, units, the top products and shops, GMV per hour."""

from __future__ import annotations

from collections import Counter, defaultdict

from mall.orders import services as orders
from mall.orders.services.promotion_figures import COUNTED
from tests.integration.promo_helpers import campaign, coupon


async def figures_one_by_one(c, promotion_id: str, *, shop_id: str | None = None, top: int = 5) -> dict:
    """The figures from every counted order, as the dashboard used to add them up in Python."""
    query = {"lines.allocations.promotion_id": promotion_id, "status": {"$in": [s.value for s in COUNTED]}}
    if shop_id:
        query["shop_id"] = shop_id
    found = {"orders": 0, "gmv": 0, "discount": 0, "platform": 0, "merchant": 0, "units": 0}
    checkouts, products, saved = set(), Counter(), Counter()
    shops, hours = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    async for order in c.orders.orders.find(query):
        found["orders"] += 1
        found["gmv"] += order["total"]
        checkouts.add(order["checkout_id"])
        shops[order["shop_id"]][0] += 1
        shops[order["shop_id"]][1] += order["total"]
        hour = (order.get("paid_at") or order["created_at"]).replace(minute=0, second=0, microsecond=0)
        hours[hour][0] += 1
        hours[hour][1] += order["total"]
        for line in order["lines"]:
            mine = [a for a in line["allocations"] if a["promotion_id"] == promotion_id]
            if mine:
                found["units"] += line["qty"]
                products[line["product_id"]] += line["qty"]
                for allocation in mine:
                    found["discount"] += allocation["amount"]
                    found["platform"] += allocation["platform_funded"]
                    found["merchant"] += allocation["merchant_funded"]
                    saved[line["product_id"]] += allocation["amount"]
    found["checkouts"] = len(checkouts)
    found["top_products"] = [(p, n, saved[p]) for p, n in sorted(products.items(), key=lambda i: (-i[1], i[0]))][:top]
    found["top_shops"] = sorted(((s, n, g) for s, (n, g) in shops.items()), key=lambda i: (-i[2], i[0]))[:top]
    found["by_hour"] = sorted((h, n, g) for h, (n, g) in hours.items())
    return found


def as_dict(figures: orders.PromotionFigures) -> dict:
    return {
        "orders": figures.orders, "gmv": figures.gmv, "discount": figures.discount,
        "platform": figures.platform_funded, "merchant": figures.merchant_funded, "units": figures.units,
        "checkouts": figures.checkouts, "top_products": [(p, u, d) for p, _name, u, d in figures.top_products],
        "top_shops": list(figures.top_shops), "by_hour": list(figures.by_hour),
    }  # fmt: skip


async def test_the_database_adds_up_what_the_orders_say(container, factory):
    tea_shop, cup_shop = await factory.shop(), await factory.shop()
    teas = [await factory.stocked_product(shop=tea_shop, price=20000 + 1000 * n, stock=100) for n in range(3)]
    cups = [await factory.stocked_product(shop=cup_shop, price=15000 + 500 * n, stock=100) for n in range(3)]
    made = await campaign(container, percent_off=10, share=60, products=[*teas, *cups], lasts=86400)
    await coupon(container, code="BOTH", value=3000, total=100, per_user=100, lasts=86400)
    shoppers = [await factory.user() for _ in range(4)]
    for n in range(14):
        buys = [(teas[n % 3], 1 + n % 2), (cups[(n + 1) % 3], 1 + n % 3)] if n % 4 else [(teas[n % 3], 1 + n)]
        codes = ("BOTH",) if n % 3 == 0 else ()
        if n % 5 == 4:
            await factory.checkout(shoppers[n % 4], *buys, codes=codes)  # never paid: not counted
        else:
            placed = await factory.paid_checkout(shoppers[n % 4], *buys, codes=codes)
            if n == 6:  # paid, then cancelled: not counted either
                order = placed.orders[0]
                await orders.cancel_by_shopper(container, user_id=order.user_id, order_id=order.id)
        container.clock.advance(minutes=25)
    coupon_id = (await container.promotions.coupons_by_code(["BOTH"]))["BOTH"].id

    for promotion_id in (made.id, coupon_id):
        expected = await figures_one_by_one(container, promotion_id)
        assert expected["orders"] > 3 and len(expected["by_hour"]) > 2
        assert as_dict(await orders.promotion_figures(container, promotion_id)) == expected
        for shop in (tea_shop, cup_shop):
            mine = await orders.promotion_figures(container, promotion_id, shop_id=shop.id, top=2)
            assert as_dict(mine) == await figures_one_by_one(container, promotion_id, shop_id=shop.id, top=2)
