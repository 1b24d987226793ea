"""The pricing engine's working state: each line with what it still costs, and what applied so far."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mall.promotions.models import Tier
from mall.promotions.pricing.allocate import allocate, percent_half_up, percent_of
from mall.promotions.pricing.explained import Applied, Detail
from mall.promotions.pricing.priced import Allocation, LinePrice, PriceLine


@dataclass
class OpenLine:
    """A line being priced. `in_campaign`: a campaign applied to it, so no later campaign may."""

    line: PriceLine
    unit_price_after_limited: int
    allocations: list[Allocation] = field(default_factory=list)
    in_campaign: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.line.shop_id, self.line.line_id)

    @property
    def remaining(self) -> int:
        """What the line costs after the stages so far: the base of the next stage."""
        return self.line.unit_price * self.line.qty - sum(allocation.amount for allocation in self.allocations)

    def priced(self) -> LinePrice:
        return LinePrice(self.line, self.unit_price_after_limited, tuple(self.allocations))


class Ledger:
    """Lines in (shop_id, line_id) order, so nothing here depends on the order of the cart. `step`: the
    smallest payable amount in minor units (100 for TWD): percent savings and their splits keep to it."""

    def __init__(self, lines: Iterable[PriceLine], step: int = 1):
        self.step = step
        self.lines = sorted((OpenLine(line, line.unit_price) for line in lines), key=lambda open_: open_.key)
        if len({open_.line.line_id for open_ in self.lines}) != len(self.lines):
            raise ValueError("line ids are unique")
        self.applied: list[Applied] = []

    def eligible(self, shop_id: str | None = None) -> list[OpenLine]:
        """Lines a discount may touch: not flash-sale lines, not free already, of `shop_id` if given."""
        return [
            open_
            for open_ in self.lines
            if open_.line.flash_sale_id is None and open_.remaining > 0 and shop_id in (None, open_.line.shop_id)
        ]

    def record(self, applied: Applied, parts: list[tuple[OpenLine, int]], platform_percent: int = 0) -> None:
        """Book `applied` and its share of each line, (line, amount). The platform funds `platform_percent`
        of applied.amount (rounded half up), allocated over the parts: platform + merchant == amount."""
        amounts, keys = [amount for _, amount in parts], [open_.key for open_, _ in parts]
        platform = allocate(percent_half_up(applied.amount, platform_percent, self.step), amounts, keys, self.step)
        for (open_, amount), funded in zip(parts, platform, strict=True):
            if amount:
                open_.allocations.append(
                    Allocation(applied.promotion_id, applied.kind, amount, funded, amount - funded)
                )
        self.applied.append(applied)

    def grant(self, applied: Applied, lines: list[OpenLine], platform_percent: int = 0) -> None:
        """applied.amount over `lines` in proportion to what each still costs (largest remainder)."""
        weights, keys = [open_.remaining for open_ in lines], [open_.key for open_ in lines]
        shares = allocate(applied.amount, weights, keys, self.step)
        self.record(applied, list(zip(lines, shares, strict=True)), platform_percent)


def base_of(lines: list[OpenLine]) -> int:
    return sum(open_.remaining for open_ in lines)


def best_tier(tiers: Iterable[Tier], base: int, step: int = 1) -> tuple[Tier, int] | None:
    """The reached tier (min_spend <= base) that saves the most, with its saving (never above base)."""
    reached = [(tier, tier_saving(tier, base, step)) for tier in tiers if tier.min_spend <= base]
    return max(reached, key=lambda pair: (pair[1], pair[0].min_spend), default=None)


def tier_saving(tier: Tier, base: int, step: int = 1) -> int:
    return min(tier.save, base) if tier.save is not None else percent_of(base, tier.percent or 0, step)


def tier_detail(name: str, tier: Tier, free_shipping: bool = False) -> Detail:
    return Detail(name=name, min_spend=tier.min_spend, save=tier.save, percent=tier.percent,
                  free_shipping=free_shipping)  # fmt: skip
