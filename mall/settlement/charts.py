"""The chart of payouts over time, drawn as inline SVG by the template (no script, nothing for the CSP to allow):
one bar per payout, in the order they settled, as tall as its amount. Pure geometry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: str
    amount: int
    failed: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    top: int  # the amount the chart's top line stands for
    width: int
    height: int
    base: float  # y of the baseline


def payout_bars(points, *, width: int = 640, height: int = 160, pad: int = 8, label_room: int = 0) -> BarChart | None:
    """Bars for payout points (day, amount, failed), oldest left; None when there are none. Bars keep a visible
    minimum height, and at most 60 of the latest are drawn."""
    points = list(points)[-60:]
    if not points:
        return None
    top = max(p.amount for p in points) or 1
    inner_w, base = width - 2 * pad, height - pad - label_room
    inner_h = base - pad
    slot = inner_w / len(points)
    bar_w = max(min(slot * 0.7, 48.0), 2.0)
    bars = []
    for n, p in enumerate(points):
        h = max(inner_h * p.amount / top, 2.0)
        x = pad + slot * n + (slot - bar_w) / 2
        bars.append(Bar(round(x, 1), round(base - h, 1), round(bar_w, 1), round(h, 1), p.day, p.amount, p.failed))
    return BarChart(bars, top, width, height, base)
