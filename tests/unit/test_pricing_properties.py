"""What holds for every cart and every mix of promotions (Hypothesis draws both)."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from mall.promotions.models import Offers, PromotionKind, Scope, Tier
from mall.promotions.pricing import ShippingQuote, price, refund_for
from tests.pricing_factory import NOW, campaign, limited, line, platform_coupon, shop_coupon, threshold

SHOPS = ["s1", "s2", "s3"]
PRODUCTS = [f"p{n}" for n in range(6)]
WINDOWS = [(-2, -1), (-1, 1), (0, 1), (1, 2)]  # over, live, live from exactly now, not yet
SHOP_KINDS = {PromotionKind.LIMITED_TIME, PromotionKind.SPEND_THRESHOLD, PromotionKind.SHOP_COUPON}
money = st.integers(min_value=0, max_value=60_000)
percent = st.integers(min_value=1, max_value=100)
windows = st.sampled_from(WINDOWS)
shops = st.sampled_from(SHOPS)
pricing_examples = settings(max_examples=60)  # seven properties in about two seconds


@st.composite
def tiers(draw, money=money):
    """One to three tiers, each saving an amount or a percent."""
    return tuple(
        Tier(draw(money), save=draw(money)) if draw(st.booleans()) else Tier(draw(money), percent=draw(percent))
        for _ in range(draw(st.integers(1, 3)))
    )


@st.composite
def carts(draw, money=money):
    """One to eight lines over three shops and six products; about one in four a flash-sale line."""
    return [
        line(f"l{n}", draw(shops), draw(money), draw(st.integers(1, 4)), product=draw(st.sampled_from(PRODUCTS)),
             flash="flash-1" if draw(st.integers(0, 3)) == 0 else None)
        for n in range(draw(st.integers(1, 8)))
    ]  # fmt: skip


@st.composite
def offers(draw, money=money):
    """Up to three of each kind of promotion, each over, live or not yet, and up to four coupons."""

    ids = itertools.count()

    def some(make, most=3):
        return tuple(make() for _ in range(draw(st.integers(0, most))))

    def subset(names):
        return frozenset(name for name in names if draw(st.booleans())) or frozenset({names[0]})

    def limited_():
        terms = {"percent_off": draw(percent)} if draw(st.booleans()) else {"fixed_price": draw(money)}
        variants = subset([f"v-{p}" for p in PRODUCTS])
        return limited(f"lt{next(ids)}", draw(shops), variants, live=draw(windows), **terms)

    def coupon():
        is_percent = draw(st.booleans())
        value = draw(percent) if is_percent else draw(money.filter(bool))
        terms = {"percent": is_percent, "cap": draw(st.none() | money), "min_spend": draw(money), "live": draw(windows)}
        if draw(st.booleans()):
            return platform_coupon(f"P{next(ids)}", value, **terms)
        return shop_coupon(f"S{next(ids)}", draw(shops), value, **terms)

    def campaign_():
        terms = {"percent_off": draw(percent)} if draw(st.booleans()) else {"tiers": draw(tiers(money))}
        share = draw(st.integers(0, 100))
        return campaign(f"cp{next(ids)}", subset(PRODUCTS), platform_share=share, live=draw(windows), **terms)

    def threshold_():
        return threshold(f"th{next(ids)}", draw(shops), *draw(tiers(money)), free_shipping=draw(st.booleans()),
                         live=draw(windows))  # fmt: skip

    return Offers(some(limited_), some(threshold_), some(coupon, most=4), some(campaign_))


def quotes_in(money):
    return st.fixed_dictionaries({s: st.builds(ShippingQuote, st.just(s), money, st.none() | money) for s in SHOPS})


shipping = quotes_in(money)
dollars = st.integers(min_value=0, max_value=600).map(lambda n: n * 100)  # whole NT$, as TWD is paid


@pricing_examples
@given(carts(), offers(), shipping)
def test_no_line_shop_or_cart_ever_costs_less_than_nothing(lines, chosen, quotes):
    priced = price(lines, chosen, quotes, NOW)
    assert all(0 <= lp.net <= lp.list_total for shop in priced.shops for lp in shop.lines)
    assert all(0 <= shop.shipping_discount <= shop.shipping_fee and shop.total >= 0 for shop in priced.shops)
    assert priced.total >= 0 and priced.total == sum(shop.total for shop in priced.shops)


@pricing_examples
@given(carts(), offers(), shipping)
def test_each_promotions_allocations_sum_exactly_to_what_it_says_it_saved(lines, chosen, quotes):
    priced = price(lines, chosen, quotes, NOW)
    allocated = Counter()
    for shop in priced.shops:
        for lp in shop.lines:
            for allocation in lp.allocations:
                allocated[allocation.promotion_id] += allocation.amount
    applied = Counter({applied.promotion_id: applied.amount for applied in priced.applied})
    assert len(applied) == len(priced.applied)  # one Applied per promotion
    assert +allocated == +applied
    assert priced.discount == sum(a.amount for a in priced.applied)


@pricing_examples
@given(st.data(), carts(), offers(), shipping)
def test_pricing_does_not_depend_on_the_order_of_the_cart_lines(data, lines, chosen, quotes):
    shuffled = data.draw(st.permutations(lines))
    assert price(shuffled, chosen, quotes, NOW) == price(lines, chosen, quotes, NOW)


@pricing_examples
@given(carts(), offers(), shipping)
def test_refunding_every_line_returns_what_was_paid_for_goods(lines, chosen, quotes):
    priced = price(lines, chosen, quotes, NOW)
    for shop in priced.shops:
        refunds = [refund_for(lp) for lp in shop.lines]
        assert all(0 <= refund <= lp.list_total for refund, lp in zip(refunds, shop.lines, strict=True))
        assert sum(refunds) + shop.shipping == shop.total  # shipping is the shop's, not a line's


@pricing_examples
@given(carts(), offers(), shipping)
def test_every_allocation_is_funded_exactly_by_the_platform_and_the_merchant(lines, chosen, quotes):
    priced = price(lines, chosen, quotes, NOW)
    for allocation in (a for shop in priced.shops for lp in shop.lines for a in lp.allocations):
        assert allocation.amount > 0 and allocation.platform_funded >= 0 and allocation.merchant_funded >= 0
        assert allocation.platform_funded + allocation.merchant_funded == allocation.amount
        if allocation.kind in SHOP_KINDS:
            assert allocation.platform_funded == 0
        if allocation.kind is PromotionKind.PLATFORM_COUPON:
            assert allocation.merchant_funded == 0


@pricing_examples
@given(carts(), offers(), shipping)
def test_flash_sale_lines_keep_their_price_and_take_no_discount(lines, chosen, quotes):
    priced = price(lines, chosen, quotes, NOW)
    for lp in (lp for shop in priced.shops for lp in shop.lines if lp.line.flash_sale_id):
        assert lp.allocations == () and lp.unit_price_after_limited == lp.line.unit_price
        assert lp.net == lp.list_total


@pricing_examples
@given(carts(), offers(), shipping)
def test_every_chosen_coupon_applies_or_is_rejected_and_one_applies_per_scope(lines, chosen, quotes):
    priced = price(lines, chosen, quotes, NOW)
    coupon_kinds = (PromotionKind.SHOP_COUPON, PromotionKind.PLATFORM_COUPON)
    used = [a for a in priced.applied if a.kind in coupon_kinds]
    assert sorted([a.promotion_id for a in used] + [r.coupon_id for r in priced.rejected]) == sorted(
        c.id for c in chosen.coupons
    )
    assert len({a.shop_id for a in used}) == len(used)
    assert all(a.shop_id is None for a in used if a.kind is PromotionKind.PLATFORM_COUPON)
    assert all(c.scope is Scope.PLATFORM or c.shop_id for c in chosen.coupons)


@pricing_examples
@given(carts(dollars), offers(dollars), quotes_in(dollars))
def test_with_whole_dollar_prices_every_amount_to_pay_refund_or_fund_is_whole_dollars(lines, chosen, quotes):
    """TWD is paid in whole dollars (cash step 100): percent prices and savings round to it and every
    split keeps to it, so no line, order, total or funding share ever has cents."""
    priced = price(lines, chosen, quotes, NOW, step=100)
    lines_ = [lp for shop in priced.shops for lp in shop.lines]
    assert all(lp.unit_price_after_limited % 100 == 0 and refund_for(lp) % 100 == 0 for lp in lines_)
    assert all(a.platform_funded % 100 == 0 and a.amount % 100 == 0 for lp in lines_ for a in lp.allocations)
    assert all(shop.total % 100 == 0 and shop.shipping % 100 == 0 for shop in priced.shops)
    assert all(applied.amount % 100 == 0 for applied in priced.applied) and priced.total % 100 == 0
    # and what held in minor units still holds in whole dollars
    assert all(0 <= lp.net <= lp.list_total for lp in lines_) and priced.total >= 0
    assert priced.discount == sum(a.amount for a in priced.applied)
