"""The pricing engine in the real checkout: discounts allocated to the placed orders' lines, coupon uses
taken with the orders and given back when they go unpaid, exactly one redemption per allowance under
concurrency (SECURITY row 5), and the funding split kept on each line."""

import asyncio

import pytest

from mall.orders import services as orders
from mall.orders.models import CheckoutStatus, OrderStatus
from mall.promotions.models import CouponKind, Scope
from tests.integration.flash_helpers import pay_late
from tests.integration.promo_helpers import campaign, coupon, limited, threshold


async def two_shops(factory):
    tea = await factory.stocked_product(price=20000, stock=100, name="Tea")  # NT$200
    cups = await factory.stocked_product(price=15000, stock=100, name="Cups")  # NT$150, another shop
    return tea, cups


async def test_every_stage_lands_on_the_order_lines_and_the_totals_add_up(container, factory):
    tea, cups = await two_shops(factory)
    await limited(container, tea, percent_off=10)  # tea 200 -> 180
    await threshold(container, tea.shop_id, [{"min_spend": 30000, "save": 3000}])  # 滿 300 減 30
    await campaign(container, percent_off=10, share=60, products=[cups])
    await coupon(container, code="NEWYEAR", value=5000)  # platform −50
    shopper = await factory.user()

    placed = await factory.checkout(shopper, (tea, 2), (cups, 1), codes=("newyear",))

    by_shop = {o.shop_id: o for o in placed.orders}
    tea_order, cups_order = by_shop[tea.shop_id], by_shop[cups.shop_id]
    assert tea_order.subtotal == 40000 and cups_order.subtotal == 15000
    lines = [line for o in placed.orders for line in o.lines]
    assert sum(line.discount for line in lines) == sum(o.discount for o in placed.orders)
    for line in lines:
        assert sum(a["amount"] for a in line.allocations) == line.discount
        assert all(a["platform_funded"] + a["merchant_funded"] == a["amount"] for a in line.allocations)
        assert 0 <= line.net <= line.total
    kinds = {a["kind"] for o in placed.orders for a in o.applied}
    assert kinds == {"limited_time", "spend_threshold", "campaign", "platform_coupon"}
    campaign_line = cups_order.lines[0]
    (split,) = [a for a in campaign_line.allocations if a["kind"] == "campaign"]
    assert (split["amount"], split["platform_funded"], split["merchant_funded"]) == (1500, 900, 600)
    assert placed.checkout.total == sum(o.total for o in placed.orders)
    assert all(o.total == o.subtotal - o.discount + o.shipping_fee - o.shipping_discount for o in placed.orders)
    paid = await factory.pay(shopper, placed.checkout)
    assert paid.checkout.status is CheckoutStatus.PAID


async def test_a_code_that_does_not_apply_stops_the_checkout_and_says_why(container, factory):
    tea, _cups = await two_shops(factory)
    await coupon(container, code="BIGSPEND", value=1000, min_spend=100000)
    shopper = await factory.user()
    with pytest.raises(orders.CouponNotUsable) as refused:
        await factory.checkout(shopper, (tea, 1), codes=("BIGSPEND", "NOPE"))
    reasons = {p["code"]: (p["reason"], p["short_by"]) for p in refused.value.problems}
    assert reasons == {"NOPE": ("unknown", 0), "BIGSPEND": ("min_spend_not_reached", 80000)}
    assert await container.checkouts.checkouts.count_documents({}) == 0
    assert await factory.variant_stock(tea) == 100


async def test_50_concurrent_checkouts_with_a_single_use_coupon_place_exactly_one(container, factory):
    """SECURITY row 5: one redemption per allowance, however many try at once."""
    tea = await factory.stocked_product(price=20000, stock=500)
    single = await coupon(container, code="ONLYONE", total=1, per_user=1, value=2000)
    shoppers = [await factory.user() for _ in range(50)]
    for shopper in shoppers:
        await factory.cart_with(shopper, (tea, 1))

    results = await asyncio.gather(*(factory.checkout(s, codes=("ONLYONE",)) for s in shoppers), return_exceptions=True)

    placed = [r for r in results if not isinstance(r, Exception)]
    assert len(placed) == 1
    assert {type(r) for r in results if isinstance(r, Exception)} <= {orders.CouponUsedUp, orders.CouponNotUsable}
    assert (await container.promotions.coupon(single.id)).used == 1
    assert await factory.variant_stock(tea) == 499  # the failed ones put their units back


async def test_a_per_user_limit_holds_under_concurrency(container, factory):
    tea = await factory.stocked_product(price=20000, stock=500)
    twice = await coupon(container, code="TWICE", total=1000, per_user=2, value=1000)
    shopper = await factory.user()

    async def one(n):
        await factory.cart_with(shopper, (tea, 1))
        return await factory.checkout(shopper, codes=("TWICE",), key=f"key-twice-{n}")

    results = await asyncio.gather(*(one(n) for n in range(20)), return_exceptions=True)
    placed = [r for r in results if not isinstance(r, Exception)]
    refused = {type(r) for r in results if isinstance(r, Exception)}
    assert refused <= {orders.CouponUsedUp, orders.CouponNotUsable, orders.EmptyCart}, results
    while len(placed) < 3:  # once the burst is over, one at a time until the coupon says no
        try:
            placed.append(await one(len(placed) + 100))
        except (orders.CouponUsedUp, orders.CouponNotUsable):
            break
    assert len(placed) == 2  # the allowance, not one more (and not one less: the coupon did apply)
    for each in placed:
        assert [use.code for use in each.checkout.coupons] == ["TWICE"]
        saved = [a["amount"] for o in each.orders for a in o.applied if a["kind"] == "platform_coupon"]
        assert saved == [1000]
    assert await container.promotions.uses_of(twice.id, shopper.id) == 2


async def test_a_coupon_use_comes_back_when_the_checkout_expires_or_is_cancelled(container, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    single = await coupon(container, code="COMEBACK", total=1, per_user=1, value=2000)
    first, second = await factory.user(), await factory.user()
    placed = await factory.checkout(first, (tea, 1), codes=("COMEBACK",))
    with pytest.raises(orders.CouponNotUsable):  # used up while the first checkout holds it
        await factory.checkout(second, (tea, 1), codes=("COMEBACK",))
    await orders.cancel_checkout(container, user_id=first.id, checkout_id=placed.checkout.id)
    assert (await container.promotions.coupon(single.id)).used == 0
    again = await factory.checkout(second, codes=("COMEBACK",))
    container.clock.advance(minutes=31)
    await orders.expire_checkout(container, again.checkout.id)
    assert (await container.promotions.coupon(single.id)).used == 0


async def test_a_late_payment_whose_coupon_went_to_someone_else_is_refunded(container, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    await coupon(container, code="LATE", total=1, per_user=1, value=2000)
    slow, quick = await factory.user(), await factory.user()
    placed = await factory.checkout(slow, (tea, 1), codes=("LATE",))
    container.clock.advance(minutes=31)
    await orders.expire_checkout(container, placed.checkout.id)
    await factory.paid_checkout(quick, (tea, 1), codes=("LATE",))

    checkout = await pay_late(container, placed.checkout.id)

    assert checkout.status is CheckoutStatus.CANCELLED
    (order,) = await container.orders.of_checkout(checkout.id)
    assert order.status is OrderStatus.CANCELLED and order.refund_id
    assert [e.code for e in order.timeline if e.action == "cancel"] == ["paid_late_coupon_gone"]


async def test_cancelling_one_shops_order_gives_back_its_shop_coupon_not_the_platform_one(container, factory):
    tea, cups = await two_shops(factory)
    shop_coupon = await coupon(container, scope=Scope.SHOP, shop_id=tea.shop_id, code="TEASHOP", value=1000)
    platform = await coupon(container, code="ALLSHOPS", kind=CouponKind.PERCENT, value=10, cap=5000)
    shopper = await factory.user()
    paid = await factory.paid_checkout(shopper, (tea, 1), (cups, 1), codes=("TEASHOP", "ALLSHOPS"))
    tea_order = next(o for o in paid.orders if o.shop_id == tea.shop_id)
    merchant = await factory.owner_of(await container.shops.get(tea.shop_id))

    cancelled = await orders.cancel_by_merchant(
        container, shop_id=tea.shop_id, order_id=tea_order.id, actor_id=merchant.id, reason="Out of tea"
    )

    assert cancelled.refund_due == tea_order.total == sum(line.net for line in tea_order.lines) + tea_order.shipping_fee
    assert (await container.promotions.coupon(shop_coupon.id)).used == 0
    assert (await container.promotions.coupon(platform.id)).used == 1  # the other order still uses it


async def test_a_flash_sale_line_takes_no_other_discount(container, factory):
    from tests.integration.flash_helpers import make_sale, reserve

    sale = await make_sale(container, factory, quantity=5)
    product = await container.products.get(sale.product_id)
    await campaign(container, percent_off=50, products=[product])
    shopper = await factory.user()
    placed = await factory.flash_checkout(shopper, (await reserve(container, sale, shopper.id)).id)
    (line,) = placed.orders[0].lines
    assert (line.unit_price, line.discount, line.allocations) == (9900, 0, [])


async def test_a_campaigns_figures_come_from_its_paid_orders(container, factory):
    tea, cups = await two_shops(factory)
    made = await campaign(container, percent_off=10, share=60, products=[tea, cups])
    shopper = await factory.user()
    await factory.paid_checkout(shopper, (tea, 2), (cups, 1))
    await factory.checkout(await factory.user(), (tea, 1))  # placed, not paid: not counted

    found = await orders.promotion_figures(container, made.id)

    assert (found.orders, found.checkouts, found.units) == (2, 1, 3)
    assert found.discount == 4000 + 1500 and found.platform_funded + found.merchant_funded == found.discount
    assert found.platform_funded == 2400 + 900
    assert [p for p, _name, _units, _d in found.top_products] == [tea.id, cups.id]
    assert {s for s, _n, _g in found.top_shops} == {tea.shop_id, cups.shop_id}
    mine = await orders.promotion_figures(container, made.id, shop_id=cups.shop_id)
    assert (mine.orders, mine.discount, mine.merchant_funded) == (1, 1500, 600)


async def test_each_order_shows_its_own_share_of_a_platform_promotion(container, factory):
    tea, cups = await two_shops(factory)
    await coupon(container, code="SPLIT", value=7000)
    placed = await factory.checkout(await factory.user(), (tea, 1), (cups, 1), codes=("SPLIT",))
    shares = []
    for order in placed.orders:
        (applied,) = [a for a in order.applied if a["kind"] == "platform_coupon"]
        assert applied["amount"] == order.discount == sum(line.discount for line in order.lines)
        shares.append(applied["amount"])
    assert sum(shares) == 7000


async def test_a_stopped_coupon_is_said_to_be_no_longer_offered(container, factory):
    from mall.promotions import services as promotions
    from mall.promotions.records import Control

    made = await coupon(container, code="GONE")
    await promotions.set_coupon_control(container, made.id, Control.STOPPED, scope=Scope.PLATFORM, shop_id=None)
    _usable, refused = await promotions.resolve_codes(container, ["gone"], None)
    assert [(r.code, r.reason) for r in refused] == [("GONE", "stopped")]
