"""Splitting an amount over weights in whole minor units (largest remainder)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def allocate(amount: int, weights: Sequence[int], keys: Sequence[Any], step: int = 1) -> list[int]:
    """Shares of `amount` proportional to `weights`, in the weights' order.

    Guaranteed: the shares sum to `amount` exactly; each share is floor or ceil of its exact
    proportional value, so 0 <= share <= weight; the units left after flooring go to the largest
    remainders, ties to the smallest key. Keys are unique and sortable (e.g. (shop_id, line_id)),
    so the result does not depend on the order the weights come in. When `amount` and every weight
    are multiples of `step` (whole NT$ for step 100), so is every share: it splits in steps."""
    if step > 1 and amount % step == 0 and all(weight % step == 0 for weight in weights):
        return [share * step for share in allocate(amount // step, [weight // step for weight in weights], keys)]
    if len(weights) != len(keys) or len(set(keys)) != len(keys):
        raise ValueError("one unique key per weight")
    total = sum(weights)
    if any(weight < 0 for weight in weights) or not 0 <= amount <= total:
        raise ValueError(f"cannot allocate {amount} over weights summing to {total}")
    if amount == 0:
        return [0] * len(weights)
    shares = [amount * weight // total for weight in weights]
    remainders = [amount * weight % total for weight in weights]
    left = amount - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda n: (-remainders[n], keys[n]))
    for n in by_remainder[:left]:
        shares[n] += 1
    return shares


def percent_of(amount: int, percent: int, step: int = 1) -> int:
    """`percent` % of `amount`, rounded down so that what is left to pay (amount - saving) is a
    multiple of `step` where it can be (whole NT$ for step 100): a saving never exceeds what its
    percent says, and never leaves a price nobody can pay."""
    exact = amount * percent // 100
    left = -(-(amount - exact) // step) * step  # rounded up to the step
    return max(amount - left, 0)


def percent_half_up(amount: int, percent: int, step: int = 1) -> int:
    """`percent` % of `amount`, rounded half up (in steps when `amount` is whole in them): a funding
    split favours neither side."""
    if step > 1 and amount % step == 0:
        return percent_half_up(amount // step, percent) * step
    return (amount * percent * 2 + 100) // 200
