"""The one function that says what a line earns, and how refunds take it back: hand-computed figures and properties."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mall.settlement.earnings import Earned, commission_of, earn, line_subsidies, taken_back


def test_commission_is_rounded_half_even_to_the_cent():
    assert commission_of(100_000, 500) == 5_000  # 5% of NT$1,000
    assert commission_of(10, 500) == 0  # 0.5 cent -> 0 (even)
    assert commission_of(30, 500) == 2  # 1.5 cents -> 2 (even)
    assert commission_of(50, 500) == 2  # 2.5 cents -> 2 (even)
    assert commission_of(51, 500) == 3  # 2.55 cents -> 3
    assert commission_of(12_345, 0) == 0 and commission_of(12_345, 10_000) == 12_345
    with pytest.raises(ValueError):
        commission_of(-1, 500)
    with pytest.raises(ValueError):
        commission_of(100, 10_001)


def test_a_line_earns_what_the_shopper_paid_plus_the_platforms_share_of_its_discounts():
    # NT$1,000 list, a campaign takes NT$100 (platform 60 / shop 40), a platform coupon NT$50: the shopper pays NT$850.
    allocations = [
        {"promotion_id": "camp", "amount": 10_000, "platform_funded": 6_000, "merchant_funded": 4_000},
        {"promotion_id": "coupon", "amount": 5_000, "platform_funded": 5_000, "merchant_funded": 0},
    ]
    earned = earn(85_000, line_subsidies(allocations), 500)
    assert earned.subsidies == {"camp": 6_000, "coupon": 5_000}
    assert (earned.revenue, earned.commission, earned.merchant) == (96_000, 4_800, 91_200)


def test_a_shops_own_discount_is_the_shops_own_cost():
    allocations = [{"promotion_id": "threshold", "amount": 5_000, "platform_funded": 0, "merchant_funded": 5_000}]
    earned = earn(45_000, line_subsidies(allocations), 500)
    assert (earned.subsidy, earned.revenue, earned.commission, earned.merchant) == (0, 45_000, 2_250, 42_750)


def test_refunding_a_third_three_times_takes_back_exactly_what_was_earned():
    earned = earn(100, {"camp": 7}, 1_000)  # revenue 107, commission 10.7 -> 11
    parts = [taken_back(earned, before, 33 if n < 2 else 34) for n, before in enumerate((0, 33, 66))]
    assert [p.net for p in parts] == [33, 33, 34]
    assert sum(p.subsidy for p in parts) == 7 and sum(p.commission for p in parts) == earned.commission == 11
    assert [p.commission for p in parts] == [4, 3, 4]


def test_a_line_the_shopper_paid_nothing_for_is_taken_back_whole():
    earned = earn(0, {"coupon": 5_000}, 500)  # a platform coupon paid all of it
    back = taken_back(earned, 0, 1)
    assert (back.net, back.subsidy, back.commission) == (0, 5_000, 250)
    with pytest.raises(ValueError):
        taken_back(earned, 1, 1)


@given(
    net=st.integers(0, 10**7),
    subsidies=st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(0, 10**6), max_size=3),
    rate=st.integers(0, 10_000),
    cuts=st.lists(st.integers(0, 10**7), max_size=6),
)
def test_any_sequence_of_partial_refunds_reverses_exactly_and_never_more(net, subsidies, rate, cuts):
    earned = earn(net, subsidies, rate)
    base = net or 1
    points = sorted({min(cut, base) for cut in cuts} | {0, base})
    parts = [taken_back(earned, a, b - a) for a, b in itertools.pairwise(points)]
    assert sum(p.net for p in parts) == net
    assert sum(p.commission for p in parts) == earned.commission
    for promotion, amount in earned.subsidies.items():
        assert sum(p.subsidies.get(promotion, 0) for p in parts) == amount
    assert all(p.commission >= 0 and p.subsidy >= 0 for p in parts)
    assert all(isinstance(p, Earned) for p in parts)
