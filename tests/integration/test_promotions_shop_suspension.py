"""A suspended shop's promotions stop at once (limited-time prices, spend thresholds, its coupons, its campaign
entries) and come back on reinstatement while their window lasts; nothing about them is changed meanwhile."""

from mall.promotions import services as promotions
from mall.promotions.models import Scope
from mall.promotions.pricing import PriceLine, ShippingQuote
from mall.shops import services as shops
from tests.integration.orders_helpers import bearer
from tests.integration.promo_helpers import campaign, coupon, limited, threshold


async def _suspend(c, shop_id):
    await shops.suspend(
        c.shops, c.products, c.clock, shop_id=shop_id, operator_id="op", reason="checks", events=c.events
    )


async def _reinstate(c, shop_id):
    await shops.reinstate(c.shops, c.products, c.clock, shop_id=shop_id, operator_id="op", events=c.events)


async def _priced(c, shopper, product, other, codes=()):
    """Two units of each product (each shop's own line) priced as the cart and the checkout price them."""
    lines = [
        PriceLine(f"l-{p.id}", p.shop_id, p.id, p.variants[0].id, p.variants[0].price, 2) for p in (product, other)
    ]
    shipping = {p.shop_id: ShippingQuote(p.shop_id, 0) for p in (product, other)}
    found = await promotions.quote(c, lines, shipping, user_id=shopper.id, codes=codes)
    kinds = {(str(a.kind), a.shop_id or "") for a in found.priced.applied}
    return kinds, {r.code: r.reason for r in found.refused}, found.priced.line(f"l-{product.id}").discount


async def test_suspension_stops_a_shops_promotions_everywhere_and_reinstatement_restores_them(api, container, factory):
    c = container
    shop, neighbour = await factory.shop(), await factory.shop()
    product = await factory.product(shop_id=shop.id, variants=[{"price": 40000}])
    other = await factory.product(shop_id=neighbour.id, variants=[{"price": 40000}])
    await limited(c, product, percent_off=10)
    await limited(c, product, percent_off=20, lasts=120)  # ends while the shop is suspended
    await threshold(c, shop.id)
    await threshold(c, neighbour.id)
    await campaign(c, percent_off=5, products=[product, other])
    mine = await coupon(c, scope=Scope.SHOP, shop_id=shop.id, code="SHOP50", claimable=True)
    shopper = await factory.user()
    await promotions.claim_coupon(c, mine.id, shopper.id)
    everything = {
        ("limited_time", shop.id), ("spend_threshold", shop.id), ("spend_threshold", neighbour.id),
        ("campaign", ""), ("shop_coupon", shop.id),
    }  # fmt: skip
    assert (await _priced(c, shopper, product, other, ["SHOP50"]))[0] == everything

    await _suspend(c, shop.id)

    kinds, refused, discount = await _priced(c, shopper, product, other, ["SHOP50"])
    assert kinds == {("spend_threshold", neighbour.id), ("campaign", "")}  # the neighbour's, untouched
    assert refused == {"SHOP50": "paused"} and discount == 0
    listed = (await api.get("/api/v1/promotions")).json()["items"]
    assert mine.id not in [item["id"] for item in listed]
    late = await factory.user()
    claim = await api.post(f"/api/v1/coupons/{mine.id}/claim", headers=await bearer(c, late))
    assert claim.status_code == 409
    wallet = (await api.get("/api/v1/me/coupons", headers=await bearer(c, shopper))).json()["items"]
    assert [(w["code"], w["state"]) for w in wallet] == [("SHOP50", "paused")]

    c.clock.advance(seconds=300)  # the 20 % one is over by now
    await _reinstate(c, shop.id)

    assert (await _priced(c, shopper, product, other, ["SHOP50"]))[0] == everything
    lines = [PriceLine("l", product.shop_id, product.id, product.variants[0].id, 40000, 1)]
    one = await promotions.quote(c, lines, {shop.id: ShippingQuote(shop.id, 0)}, user_id=None)
    assert one.priced.line("l").unit_price_after_limited == 36000  # 10 % (the 20 % one ended meanwhile)
    assert mine.id in [item["id"] for item in (await api.get("/api/v1/promotions")).json()["items"]]
    assert (await api.post(f"/api/v1/coupons/{mine.id}/claim", headers=await bearer(c, late))).status_code == 201


async def test_open_pages_reload_their_prices_when_a_shop_is_suspended_or_reinstated(container, factory):
    c = container
    shop = await factory.shop()
    heard: list[dict] = []

    async def record(_name, payload):
        heard.append(payload)

    c.events.subscribe("promo.changed", record)
    await _suspend(c, shop.id)
    await _reinstate(c, shop.id)
    assert [(p["scope"], p["reason"], p["shop_id"]) for p in heard] == [
        ("shop", "paused", shop.id),
        ("shop", "resumed", shop.id),
    ]
