"""What a paid line earns: THE one place that says it (README, "Settlement: the formula"). Pure, integer minor units.

    revenue    = net + subsidy          what the shopper paid for the line + the platform-funded part of its discounts
    commission = rate × revenue         basis points, rounded half-even to the minor unit
    merchant   = revenue − commission   what the shop is owed for the line

The order's shipping earns the same way (net = shipping the shopper paid, subsidy = shipping a platform promotion
waived) at rate 0 while shipping is commission-free. A refund of part of a line's net takes back its subsidy and
commission in proportion, each split by largest remainder on the cumulative refunded amount, so however a line is
refunded (in one go or in many parts) the reversals add up exactly to what it earned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

BP = 10_000  # basis points in a whole


def commission_of(revenue: int, rate_bp: int) -> int:
    """rate_bp / 10,000 of `revenue`, rounded half-even to the minor unit."""
    if revenue < 0 or not 0 <= rate_bp <= BP:
        raise ValueError("commission is a rate of 0..10,000 bp of a revenue >= 0")
    whole, rest = divmod(revenue * rate_bp, BP)
    if rest * 2 > BP or (rest * 2 == BP and whole % 2 == 1):
        whole += 1
    return whole


@dataclass(frozen=True)
class Earned:
    """What one paid line (or an order's shipping) earns, or (from `taken_back`) what a refund takes back of it.

    `subsidies`: the platform-funded discount per promotion id; `subsidy` is their sum."""

    net: int
    subsidies: Mapping[str, int] = field(default_factory=dict)
    rate_bp: int = 0
    commission: int = 0

    @property
    def subsidy(self) -> int:
        return sum(self.subsidies.values())

    @property
    def revenue(self) -> int:
        return self.net + self.subsidy

    @property
    def merchant(self) -> int:
        return self.revenue - self.commission


def earn(net: int, subsidies: Mapping[str, int], rate_bp: int) -> Earned:
    """The one function: what a line the shopper paid `net` for, with these platform-funded discounts, earns."""
    if net < 0 or any(amount < 0 for amount in subsidies.values()):
        raise ValueError("a line's net and subsidies are >= 0")
    kept = {promotion: amount for promotion, amount in sorted(subsidies.items()) if amount}
    revenue = net + sum(kept.values())
    return Earned(net, kept, rate_bp, commission_of(revenue, rate_bp))


def line_subsidies(allocations: Iterable[Mapping]) -> dict[str, int]:
    """The platform-funded part of a line's discounts, per promotion (what orders record for each allocation)."""
    found: dict[str, int] = {}
    for allocation in allocations:
        funded = int(allocation.get("platform_funded") or 0)
        if funded:
            found[str(allocation["promotion_id"])] = found.get(str(allocation["promotion_id"]), 0) + funded
    return found


def shipping_subsidies(applied: Iterable[Mapping], waived: int) -> dict[str, int]:
    """Shipping waived by platform promotions (shop_id None), at most what was waived in all. Today only shops'
    spend thresholds waive shipping (merchant-funded), so this is empty; it is here so a platform free-shipping
    promotion is paid to the merchant the day one exists."""
    found: dict[str, int] = {}
    left = waived
    for record in applied:
        saved = min(int(record.get("shipping_saved") or 0), left)
        if record.get("shop_id") is None and saved > 0:
            found[str(record["promotion_id"])] = found.get(str(record["promotion_id"]), 0) + saved
            left -= saved
    return found


def _part(amount: int, refunded: int, base: int) -> int:
    """The refunded share of `amount` when `refunded` of `base` is refunded: `amount` split over (refunded,
    base − refunded) by largest remainder (a tie goes to the refunded part). Grows with `refunded`; whole at base."""
    whole, rest = divmod(amount * refunded, base)
    kept_rest = (amount * (base - refunded)) % base
    if whole + (amount * (base - refunded)) // base < amount and rest >= kept_rest:
        whole += 1
    return whole


def taken_back(earned: Earned, before: int, now: int) -> Earned:
    """What refunding `now` more of a line's net (after `before` was refunded) takes back of `earned`, as positive
    amounts. A line the shopper paid nothing for (net 0) counts as 1 unit: refunding it (now=1) takes back all.

    Exact: the parts of successive refunds add up to `earned` once the whole net is refunded."""
    base = earned.net or 1
    after = before + now
    if before < 0 or now < 0 or after > base:
        raise ValueError(f"cannot refund {now} after {before} of {base}")

    def share(amount: int) -> int:
        return _part(amount, after, base) - _part(amount, before, base)

    subsidies = {promotion: share(amount) for promotion, amount in earned.subsidies.items()}
    net = now if earned.net else 0
    return Earned(net, {k: v for k, v in subsidies.items() if v}, earned.rate_bp, share(earned.commission))
