"""The health score: pure data and arithmetic, no I/O.

Each component measures one thing over the window (`Measure`), and earns 0-100 points: full points at or
better than `good`, none at or worse than `bad`, in proportion between. The score is the weighted mean of
the points of the components that could be measured (one with no data is left out and says so); a shop
with fewer paid orders than `health_min_orders` in the window is a "new shop" and gets no number."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Unit(StrEnum):
    STARS = "stars"  # an average on the 1-5 scale
    PERCENT = "percent"  # a share, 0-100


@dataclass(frozen=True)
class Measure:
    """What a component found: `value` in its unit (None: nothing to measure yet), out of what."""

    value: float | None
    numerator: int = 0
    denominator: int = 0


@dataclass(frozen=True)
class Component:
    key: str
    label: str  # N_(...): translated where shown
    explain: str  # N_(...): what it measures, in a sentence
    weight: int
    good: float
    bad: float
    unit: Unit
    measure: Callable[..., Awaitable[Measure]]  # async (sources) -> Measure

    def points(self, value: float) -> float:
        """0-100: linear from `bad` (0) to `good` (100), whichever way is better."""
        if self.good == self.bad:
            return 100.0 if value == self.good else 0.0
        share = (value - self.bad) / (self.good - self.bad)
        return round(100 * min(1.0, max(0.0, share)), 1)


@dataclass
class ComponentScore:
    """One component as measured and scored (stored, so a page explains the score as it was computed)."""

    key: str
    weight: int
    good: float
    bad: float
    unit: str
    value: float | None
    numerator: int
    denominator: int
    points: float | None  # None when it could not be measured

    @property
    def counted(self) -> bool:
        return self.points is not None

    @property
    def lost(self) -> float:
        """Weighted points this component cost the shop (what pulled the score down the most)."""
        return self.weight * (100 - self.points) if self.points is not None else 0.0


class HealthStatus(StrEnum):
    NEW = "new"  # too few orders for a fair number
    RATED = "rated"


@dataclass
class Health:
    shop_id: str
    status: HealthStatus
    score: int | None
    components: list[ComponentScore]
    computed_at: datetime
    window_days: int
    orders: int  # paid orders in the window
    min_orders: int
    warning_below: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def weakest(self) -> ComponentScore | None:
        scored = [c for c in self.components if c.counted and c.points < 100]
        return max(scored, key=lambda c: (c.lost, c.key)) if scored else None

    @property
    def warned(self) -> bool:
        return self.score is not None and self.score < self.warning_below

    def share(self, component: ComponentScore) -> int:
        """The component's effective weight in percent (the weights of those measured add up to 100)."""
        total = sum(c.weight for c in self.components if c.counted)
        return round(100 * component.weight / total) if component.counted and total else 0


def scored(component: Component, measure: Measure) -> ComponentScore:
    points = None if measure.value is None else component.points(measure.value)
    return ComponentScore(
        key=component.key, weight=component.weight, good=component.good, bad=component.bad,
        unit=str(component.unit), value=measure.value, numerator=measure.numerator,
        denominator=measure.denominator, points=points,
    )  # fmt: skip


def overall(components: list[ComponentScore]) -> int | None:
    """The weighted mean of the measured components' points, 0-100 (None when none could be measured)."""
    counted = [c for c in components if c.counted]
    weights = sum(c.weight for c in counted)
    if not weights:
        return None
    return round(sum(c.weight * c.points for c in counted) / weights)


def would_enter(health: Health | None, minimum: int | None) -> str | None:
    """Why a shop may not enter something that asks for `minimum` (None: it may). Keys, worded by the caller:
    "new_shop" (no number yet), "below" (under the minimum)."""
    if not minimum:
        return None
    if health is None or health.score is None:
        return "new_shop"
    return "below" if health.score < minimum else None
