"""The fixed stacking order, limited-time prices, flash-sale lines and refunds of one line."""

from __future__ import annotations

from datetime import datetime

import pytest

from mall.promotions.models import Offers, PromotionKind, Tier
from mall.promotions.pricing import Detail, refund_for
from tests.pricing_factory import (
    campaign,
    limited,
    line,
    nets,
    nt,
    platform_coupon,
    price_cart,
    quotes,
    savings,
    shop_coupon,
    threshold,
)

K = PromotionKind


def test_the_five_stages_stack_in_their_fixed_order_each_on_what_the_earlier_left():
    # given two tea sets at NT$200 (限時 NT$180), a NT$140 tea and a NT$500 book
    lines = [
        line("a1", "tea", nt(200), qty=2, product="tea-set"),
        line("a2", "tea", nt(140), product="oolong"),
        line("b1", "books", nt(500), product="atlas"),
    ]
    offers = Offers(
        limited=(limited("lt", "tea", {"v-tea-set"}, fixed_price=nt(180)),),
        thresholds=(threshold("t", "tea", Tier(nt(500), save=nt(60))),),
        coupons=(platform_coupon("NEWYEAR", 10, percent=True, cap=nt(50)), shop_coupon("TEA50", "tea", nt(50), min_spend=nt(400))),
        campaigns=(campaign("cny", {"oolong", "atlas"}, platform_share=60, percent_off=10),),
    )  # fmt: skip
    shipping = {**quotes("tea"), **quotes("books", free_over=nt(500))}
    # when priced
    priced = price_cart(lines, offers, shipping)
    # then, in order: 限時 saves 2 x NT$20; 滿 500 減 60 on NT$500 (a1 43.20, a2 16.80); the tea coupon
    # NT$50 on NT$440 (a1 36, a2 14); 9 折 on the oolong's NT$109.20 and the book's NT$500 (NT$60.92);
    # NEWYEAR 10 % of NT$829.08, capped at NT$50
    assert [(a.kind, a.promotion_id, a.amount) for a in priced.applied] == [
        (K.LIMITED_TIME, "lt", 4000), (K.SPEND_THRESHOLD, "t", 6000), (K.SHOP_COUPON, "c-TEA50", 5000),
        (K.CAMPAIGN, "cny", 6092), (K.PLATFORM_COUPON, "c-NEWYEAR", 5000),
    ]  # fmt: skip
    assert [(a.promotion_id, a.amount) for a in priced.line("a2").allocations] == [
        ("t", 1680), ("c-TEA50", 1400), ("cny", 1092), ("c-NEWYEAR", 593),
    ]  # fmt: skip
    assert nets(priced) == {"a1": 26387, "a2": 9235, "b1": 42286}
    assert [(a.platform_funded, a.merchant_funded) for a in priced.line("b1").allocations] == [(3000, 2000), (2714, 0)]
    # and the book shop ships free (NT$500 of goods reach its free_over), the tea shop pays NT$60
    assert [(s.shop_id, s.subtotal, s.discount, s.shipping, s.total) for s in priced.shops] == [
        ("books", 50000, 7714, 0, 42286), ("tea", 54000, 18378, 6000, 41622),
    ]  # fmt: skip
    assert (priced.subtotal, priced.discount, priced.shipping, priced.total) == (104000, 26092, 6000, 83908)


def test_a_limited_time_percent_floors_the_unit_price():
    # given 15 % off NT$9.99: NT$8.4915 -> NT$8.49 a unit
    offers = Offers(limited=(limited("lt", "tea", {"v-p-a"}, percent_off=15),))
    priced = price_cart([line("a", "tea", 999, qty=3)], offers)
    assert priced.line("a").unit_price_after_limited == 849
    assert savings(priced) == [("lt", 3 * 150)]
    assert priced.applied[0].detail == Detail(name="限時 lt", percent=15)


def test_of_several_limited_time_prices_for_a_sku_the_lowest_applies_and_only_in_its_own_shop():
    offers = Offers(limited=(
        limited("ten", "tea", {"v-p-a"}, percent_off=10),
        limited("fixed", "tea", {"v-p-a"}, fixed_price=nt(85)),
        limited("other-shop", "books", {"v-p-a"}, fixed_price=nt(1)),
        limited("higher", "tea", {"v-p-a"}, fixed_price=nt(120)),
    ))  # fmt: skip
    priced = price_cart([line("a", "tea", nt(100))], offers)
    assert savings(priced) == [("fixed", nt(15))]


def test_a_limited_time_price_outside_its_window_is_ignored():
    offers = Offers(limited=(limited("lt", "tea", {"v-p-a"}, percent_off=50, live=(0, 1)),))
    assert savings(price_cart([line("a", "tea", nt(100))], offers)) == [("lt", nt(50))]  # starts exactly now
    offers = Offers(limited=(limited("lt", "tea", {"v-p-a"}, percent_off=50, live=(-1, 0)),))
    assert savings(price_cart([line("a", "tea", nt(100))], offers)) == []  # ended exactly now


def test_a_flash_sale_line_is_priced_at_its_unit_price_and_takes_no_other_discount():
    offers = Offers(
        limited=(limited("lt", "tea", {"v-p-f"}, percent_off=50),),
        thresholds=(threshold("t", "tea", Tier(0, percent=10)),),
        coupons=(platform_coupon("NEWYEAR", nt(50)),),
    )
    priced = price_cart([line("a", "tea", nt(100)), line("f", "tea", nt(99), qty=2, flash="sale-1")], offers)
    flash = priced.line("f")
    assert (flash.unit_price_after_limited, flash.allocations, flash.net) == (nt(99), (), nt(198))
    assert nets(priced)["a"] == nt(100) - nt(10) - nt(50)


def test_refunding_one_line_returns_exactly_what_was_paid_for_it_and_no_shipping():
    # given NT$300 + NT$200 of tea, 滿 500 減 60 and a NT$60 fee: NT$500 paid
    offers = Offers(thresholds=(threshold("t", "tea", Tier(nt(500), save=nt(60))),))
    priced = price_cart([line("a", "tea", nt(300)), line("b", "tea", nt(200))], offers)
    # then refunding line a returns NT$264 (NT$300 less its NT$36 share of the saving)
    assert refund_for(priced.line("a")) == nt(264) and refund_for(priced.line("b")) == nt(176)
    assert priced.shop("tea").total == nt(264) + nt(176) + nt(60)


def test_pricing_needs_an_aware_now_and_a_quote_for_every_shop():
    with pytest.raises(ValueError, match="aware"):
        price_cart([line("a", "tea", nt(1))], now=datetime(2026, 1, 28))
    with pytest.raises(ValueError, match="shipping"):
        price_cart([line("a", "tea", nt(1))], shipping=quotes("books"))
