"""Splitting an amount over weights in whole minor units (largest remainder)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def allocate(amount: int, weights: Sequence[int], keys: Sequence[Any]) -> list[int]:
    """Shares of `amount` proportional to `weights`, in the weights' order.

    Guaranteed: the shares sum to `amount` exactly; each share is floor or ceil of its exact
    proportional value, so 0 <= share <= weight; the units left after flooring go to the largest
    remainders, ties to the smallest key. Keys are unique and sortable (e.g. (shop_id, line_id)),
    so the result does not depend on the order the weights come in."""
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


def percent_of(amount: int, percent: int) -> int:
    """`percent` % of `amount`, rounded down: a saving never exceeds what its percent says."""
    return amount * percent // 100


def percent_half_up(amount: int, percent: int) -> int:
    """`percent` % of `amount`, rounded half up: a funding split favours neither side."""
    return (amount * percent * 2 + 100) // 200
