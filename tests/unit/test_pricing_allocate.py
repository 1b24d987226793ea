"""Largest-remainder allocation: exact sums in whole minor units, independent of input order."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mall.promotions.pricing import allocate

weights = st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=12)


@st.composite
def amount_over_weights(draw):
    given_weights = draw(weights)
    amount = draw(st.integers(min_value=0, max_value=sum(given_weights)))
    return amount, given_weights, [f"line-{n:02}" for n in range(len(given_weights))]


@given(amount_over_weights())
def test_the_shares_sum_to_the_amount_and_none_exceeds_its_weight(case):
    amount, given_weights, keys = case
    shares = allocate(amount, given_weights, keys)
    assert sum(shares) == amount
    assert all(0 <= share <= weight for share, weight in zip(shares, given_weights, strict=True))


@given(amount_over_weights())
def test_each_share_is_its_exact_proportion_rounded_down_or_up(case):
    amount, given_weights, keys = case
    total = sum(given_weights)
    for share, weight in zip(allocate(amount, given_weights, keys), given_weights, strict=True):
        exact = Fraction(amount * weight, total) if total else Fraction(0)
        assert exact - 1 < share < exact + 1


@given(amount_over_weights(), st.randoms(use_true_random=False))
def test_the_shares_do_not_depend_on_the_order_of_the_weights(case, random):
    amount, given_weights, keys = case
    by_key = dict(zip(keys, allocate(amount, given_weights, keys), strict=True))
    pairs = list(zip(keys, given_weights, strict=True))
    random.shuffle(pairs)
    shuffled = allocate(amount, [weight for _, weight in pairs], [key for key, _ in pairs])
    assert dict(zip([key for key, _ in pairs], shuffled, strict=True)) == by_key


def test_a_tie_goes_to_the_smallest_key_whatever_the_order():
    # given NT$1 over three equal lines, when allocated in either order, then line a gets the odd cent
    assert allocate(100, [500, 500, 500], ["a", "b", "c"]) == [34, 33, 33]
    assert allocate(100, [500, 500, 500], ["c", "b", "a"]) == [33, 33, 34]


def test_the_largest_remainder_gets_the_leftover_unit():
    # given 10 over 10 : 20 : 40, exactly 1.43 / 2.86 / 5.71: floors 1 / 2 / 5 leave 2 units,
    # then they go to the remainders .86 and .71, not to the smallest key
    assert allocate(10, [10, 20, 40], ["a", "b", "c"]) == [1, 3, 6]


@pytest.mark.parametrize(
    ("amount", "given_weights", "keys"),
    [(11, [5, 5], ["a", "b"]), (-1, [5], ["a"]), (1, [-1, 2], ["a", "b"]), (1, [1, 1], ["a", "a"]), (1, [1], [])],
)
def test_what_cannot_be_allocated_is_refused(amount, given_weights, keys):
    with pytest.raises(ValueError):
        allocate(amount, given_weights, keys)
