"""優惠券: one per shop and one for the platform; those that cannot apply say why."""

from __future__ import annotations

import pytest

from mall.promotions.models import Offers, PromotionKind, Tier
from mall.promotions.pricing import Detail, Rejected, RejectReason
from tests.pricing_factory import line, nt, platform_coupon, price_cart, savings, shop_coupon, threshold

TEA = [line("a", "tea", nt(600)), line("b", "tea", nt(400))]


def test_a_fixed_coupon_saves_its_value_and_is_explained_by_its_code():
    priced = price_cart(TEA, Offers(coupons=(platform_coupon("NEWYEAR", nt(50)),)))
    [applied] = priced.applied
    assert (applied.kind, applied.shop_id, applied.amount) == (PromotionKind.PLATFORM_COUPON, None, nt(50))
    assert applied.detail == Detail(code="NEWYEAR", save=nt(50))  # "coupon NEWYEAR −50"


def test_a_percent_coupon_saves_at_most_its_cap():
    # given 20 % off capped at NT$150 on NT$1,000 of tea (20 % would be NT$200)
    coupon = shop_coupon("TEA20", "tea", 20, percent=True, cap=nt(150))
    priced = price_cart(TEA, Offers(coupons=(coupon,)))
    assert savings(priced) == [("c-TEA20", nt(150))]
    # and under the cap it saves its percent
    assert savings(price_cart(TEA[1:], Offers(coupons=(coupon,)))) == [("c-TEA20", nt(80))]


def test_a_fixed_coupon_never_saves_more_than_the_goods_cost():
    priced = price_cart([line("a", "tea", nt(30))], Offers(coupons=(shop_coupon("BIG", "tea", nt(50)),)))
    assert savings(priced) == [("c-BIG", nt(30))] and priced.total == nt(60)  # shipping only


def test_min_spend_not_reached_is_rejected_with_how_much_more_to_spend():
    # given a coupon for orders over NT$1,200 and NT$1,000 of tea
    priced = price_cart(TEA, Offers(coupons=(shop_coupon("OVER1200", "tea", nt(100), min_spend=nt(1200)),)))
    # then it is rejected: NT$200 short
    assert priced.rejected == (
        Rejected("c-OVER1200", "OVER1200", RejectReason.MIN_SPEND_NOT_REACHED, short_by=nt(200)),
    )
    assert priced.applied == ()


def test_a_coupon_applies_from_exactly_its_min_spend():
    priced = price_cart(TEA, Offers(coupons=(shop_coupon("OVER1000", "tea", nt(100), min_spend=nt(1000)),)))
    assert savings(priced) == [("c-OVER1000", nt(100))] and priced.rejected == ()


def test_a_percent_coupon_rounds_its_saving_down():
    # given 10 % off NT$123.45: NT$12.345 -> NT$12.34
    priced = price_cart([line("a", "tea", 12345)], Offers(coupons=(platform_coupon("TEN", 10, percent=True),)))
    assert savings(priced) == [("c-TEN", 1234)]


def test_min_spend_is_compared_with_what_the_goods_cost_after_the_earlier_stages():
    # given 滿 1000 減 100 and a NT$50 coupon over NT$1,000: after the threshold, NT$900 is left
    offers = Offers(thresholds=(threshold("t", "tea", Tier(nt(1000), save=nt(100))),),
                    coupons=(shop_coupon("OVER1000", "tea", nt(50), min_spend=nt(1000)),))  # fmt: skip
    priced = price_cart(TEA, offers)
    assert [(r.reason, r.short_by) for r in priced.rejected] == [(RejectReason.MIN_SPEND_NOT_REACHED, nt(100))]


def test_a_second_coupon_for_the_same_shop_is_rejected_one_per_scope():
    first, second = shop_coupon("TEA50", "tea", nt(50)), shop_coupon("TEA80", "tea", nt(80))
    priced = price_cart(TEA, Offers(coupons=(first, second)))
    assert savings(priced) == [("c-TEA50", nt(50))]
    assert priced.rejected == (Rejected("c-TEA80", "TEA80", RejectReason.ONE_PER_SCOPE, in_favour_of="c-TEA50"),)


def test_a_second_platform_coupon_is_rejected_one_per_scope_but_a_shop_coupon_stacks():
    chosen = (platform_coupon("NEWYEAR", nt(50)), shop_coupon("TEA50", "tea", nt(50)), platform_coupon("VIP", nt(99)))
    priced = price_cart(TEA, Offers(coupons=chosen))
    assert savings(priced) == [("c-TEA50", nt(50)), ("c-NEWYEAR", nt(50))]
    assert [(r.code, r.reason) for r in priced.rejected] == [("VIP", RejectReason.ONE_PER_SCOPE)]


def test_a_coupon_that_cannot_apply_leaves_its_scope_to_the_next_one_chosen():
    chosen = (shop_coupon("OVER5000", "tea", nt(500), min_spend=nt(5000)), shop_coupon("TEA50", "tea", nt(50)))
    priced = price_cart(TEA, Offers(coupons=chosen))
    assert savings(priced) == [("c-TEA50", nt(50))]
    assert [r.reason for r in priced.rejected] == [RejectReason.MIN_SPEND_NOT_REACHED]


@pytest.mark.parametrize(
    ("live", "reason"), [((1, 2), RejectReason.NOT_STARTED), ((-2, 0), RejectReason.EXPIRED)], ids=str
)
def test_a_coupon_outside_its_window_is_rejected(live, reason):
    # (-2, 0): it ended exactly now, and a window is [starts_at, ends_at)
    priced = price_cart(TEA, Offers(coupons=(platform_coupon("WHEN", nt(50), live=live),)))
    assert [r.reason for r in priced.rejected] == [reason] and priced.discount == 0


def test_a_coupon_of_a_shop_with_nothing_discountable_in_the_cart_has_no_eligible_items():
    chosen = (shop_coupon("BOOKS50", "books", nt(50)), shop_coupon("TOYS50", "toys", nt(50)))
    lines = [*TEA, line("f", "toys", nt(100), flash="sale-1")]
    priced = price_cart(lines, Offers(coupons=chosen))
    assert [(r.code, r.reason) for r in priced.rejected] == [
        ("BOOKS50", RejectReason.NO_ELIGIBLE_ITEMS), ("TOYS50", RejectReason.NO_ELIGIBLE_ITEMS),
    ]  # fmt: skip


def test_a_shop_coupon_is_merchant_funded_and_a_platform_coupon_platform_funded():
    chosen = (shop_coupon("TEA50", "tea", nt(50)), platform_coupon("NEWYEAR", nt(50)))
    line_a = price_cart(TEA, Offers(coupons=chosen)).line("a")
    assert [(a.kind, a.amount, a.platform_funded, a.merchant_funded) for a in line_a.allocations] == [
        (PromotionKind.SHOP_COUPON, 3000, 0, 3000), (PromotionKind.PLATFORM_COUPON, 3000, 3000, 0),
    ]  # fmt: skip
