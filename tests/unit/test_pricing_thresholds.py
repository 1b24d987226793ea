"""滿減 (spend thresholds) and shipping: one best tier per shop, on what the shop's goods cost by then."""

from __future__ import annotations

import pytest

from mall.promotions.models import Offers, PromotionKind, Tier
from mall.promotions.pricing import Detail
from tests.pricing_factory import limited, line, nets, nt, price_cart, quotes, savings, threshold

OVER_300_SAVE_30 = Tier(nt(300), save=nt(30))
OVER_500_SAVE_60 = Tier(nt(500), save=nt(60))


@pytest.mark.parametrize(
    ("spent", "saved"), [(299, 0), (300, 30), (499, 30), (500, 60), (2000, 60)], ids=lambda v: f"NT${v}"
)
def test_the_best_tier_reached_applies_over_300_save_30_over_500_save_60(spent, saved):
    # given a shop with 滿 300 減 30 / 滿 500 減 60
    offers = Offers(thresholds=(threshold("t", "tea", OVER_300_SAVE_30, OVER_500_SAVE_60),))
    # when the cart holds NT$<spent> of the shop's goods
    priced = price_cart([line("a", "tea", nt(spent))], offers)
    # then the shop's order saves NT$<saved>
    assert priced.shop("tea").discount == nt(saved)
    assert savings(priced) == ([("t", nt(saved))] if saved else [])


def test_the_applied_threshold_tells_the_page_which_tier_was_reached():
    offers = Offers(thresholds=(threshold("t", "tea", OVER_300_SAVE_30, OVER_500_SAVE_60),))
    [applied] = price_cart([line("a", "tea", nt(350))], offers).applied
    assert (applied.kind, applied.shop_id, applied.amount) == (PromotionKind.SPEND_THRESHOLD, "tea", nt(30))
    assert applied.detail == Detail(name="滿減 t", min_spend=nt(300), save=nt(30))  # "滿 300 減 30"


def test_a_percent_threshold_takes_its_percent_of_the_shops_goods():
    # given 滿 1000 打 9 折 (10 % off over NT$1,000), when the shop's goods come to NT$1,234.56
    offers = Offers(thresholds=(threshold("t", "tea", Tier(nt(1000), percent=10)),))
    priced = price_cart([line("a", "tea", 123456)], offers)
    # then 10 % rounded down comes off
    assert savings(priced) == [("t", 12345)]


def test_of_two_thresholds_in_one_shop_only_the_larger_saving_applies():
    offers = Offers(thresholds=(
        threshold("small", "tea", Tier(nt(300), save=nt(30))),
        threshold("big", "tea", Tier(nt(300), percent=20)),
    ))  # fmt: skip
    assert savings(price_cart([line("a", "tea", nt(400))], offers)) == [("big", nt(80))]


def test_thresholds_are_compared_by_all_they_save_shipping_included_ties_to_the_smallest_id():
    # given NT$30 off, or free NT$60 shipping, on NT$400 of tea
    save_30 = threshold("b-save", "tea", Tier(nt(300), save=nt(30)))
    free_shipping = threshold("c-ship", "tea", Tier(nt(300), save=0), free_shipping=True)
    priced = price_cart([line("a", "tea", nt(400))], Offers(thresholds=(save_30, free_shipping)))
    assert [(a.promotion_id, a.amount, a.shipping_saved) for a in priced.applied] == [("c-ship", 0, nt(60))]
    # and when both are worth NT$30 (shipping NT$30), the smallest id applies
    priced = price_cart(
        [line("a", "tea", nt(400))], Offers(thresholds=(free_shipping, save_30)), quotes("tea", fee=nt(30))
    )
    assert [a.promotion_id for a in priced.applied] == ["b-save"]


def test_a_shops_threshold_counts_only_that_shops_goods():
    offers = Offers(thresholds=(threshold("t", "tea", OVER_300_SAVE_30),))
    priced = price_cart([line("a", "tea", nt(200)), line("b", "books", nt(200))], offers)
    assert savings(priced) == []


def test_the_threshold_base_is_the_goods_after_limited_time_prices():
    # given NT$320 of tea at 10 % off for a limited time (NT$288), and 滿 300 減 30
    offers = Offers(limited=(limited("lt", "tea", {"v-p-a"}, percent_off=10),),
                    thresholds=(threshold("t", "tea", OVER_300_SAVE_30),))  # fmt: skip
    # then the threshold is not reached
    assert savings(price_cart([line("a", "tea", nt(320))], offers)) == [("lt", nt(32))]


def test_flash_sale_lines_are_not_part_of_a_thresholds_base():
    offers = Offers(thresholds=(threshold("t", "tea", OVER_300_SAVE_30),))
    lines = [line("a", "tea", nt(200)), line("f", "tea", nt(200), flash="sale-1")]
    priced = price_cart(lines, offers)
    assert savings(priced) == [] and priced.shop("tea").total == nt(400 + 60)


def test_a_threshold_saving_is_split_over_the_lines_the_odd_unit_to_the_smallest_line_id():
    # given 滿 300 減 10 and three lines of NT$100.01 (1000 minor units over 30003: 333.33 each)
    offers = Offers(thresholds=(threshold("t", "tea", Tier(nt(300), save=1000)),))
    lines = [line(name, "tea", 10001) for name in ("c", "a", "b")]
    # then line a takes the odd unit, whatever the cart's order
    assert nets(price_cart(lines, offers)) == {"a": 10001 - 334, "b": 10001 - 333, "c": 10001 - 333}
    assert nets(price_cart(lines[::-1], offers)) == {"a": 10001 - 334, "b": 10001 - 333, "c": 10001 - 333}


def test_a_free_shipping_threshold_waives_the_shops_shipping_not_its_lines():
    # given 滿 499 免運 and a NT$60 fee
    offers = Offers(thresholds=(threshold("t", "tea", Tier(nt(499), save=0), free_shipping=True),))
    priced = price_cart([line("a", "tea", nt(500))], offers)
    tea = priced.shop("tea")
    assert (tea.shipping_fee, tea.shipping_discount, tea.total) == (nt(60), nt(60), nt(500))
    assert tea.lines[0].allocations == ()
    assert [(a.promotion_id, a.amount, a.shipping_saved, a.detail.free_shipping) for a in priced.applied] == [
        ("t", 0, nt(60), True)
    ]
    assert priced.shipping == 0 and priced.discount == 0


def test_the_shops_own_free_over_counts_goods_after_limited_time_prices_flash_lines_included():
    # given shipping free over NT$1,000 and NT$1,050 of goods, 10 % off for a limited time
    shipping = quotes("tea", fee=nt(60), free_over=nt(1000))
    offers = Offers(limited=(limited("lt", "tea", {"v-p-a"}, percent_off=10),))
    # then NT$945 pays shipping
    assert price_cart([line("a", "tea", nt(1050))], offers, shipping).shop("tea").shipping == nt(60)
    # and with a NT$100 flash-sale line too (NT$1,045), shipping is free
    lines = [line("a", "tea", nt(1050)), line("f", "tea", nt(100), flash="sale-1")]
    assert price_cart(lines, offers, shipping).shop("tea").shipping == 0
