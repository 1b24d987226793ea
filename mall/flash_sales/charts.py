"""Geometry of the figures charts, drawn as inline SVG by the templates: no chart library, no script,
nothing the Content-Security-Policy has to allow. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass

# A donut ring of radius 100 / 2π has a circumference of 100, so dash lengths are percentages.
RING_RADIUS = 15.91549


@dataclass(frozen=True)
class Arc:
    key: str
    value: int
    share: float  # percent of the whole
    dash: str  # stroke-dasharray
    offset: float  # stroke-dashoffset: each arc starts where the previous one ended, from 12 o'clock


def donut(parts: list[tuple[str, int]]) -> list[Arc]:
    """Arcs for (key, value) parts, clockwise from the top; all shares 0 when everything is 0."""
    total = sum(max(0, value) for _key, value in parts)
    arcs, start = [], 0.0
    for key, value in parts:
        share = 100 * max(0, value) / total if total else 0.0
        arcs.append(Arc(key, value, share, f"{share:.3f} {100 - share:.3f}", round((25 - start) % 100, 3)))
        start += share
    return arcs


@dataclass(frozen=True)
class Spark:
    line: str  # polyline points
    area: str  # polygon points (the line closed down to the baseline)
    end: tuple[float, float]  # the latest point
    width: int
    height: int


def sparkline(points: list[tuple[float, float]], *, x_max: float, y_max: float, width=320, height=96, pad=4):
    """A line of (x, y) points scaled into width x height (y grows upwards); None for fewer than 2 points."""
    if len(points) < 2 or x_max <= 0:
        return None
    inner_w, inner_h, y_top = width - 2 * pad, height - 2 * pad, max(y_max, 1)

    def at(x: float, y: float) -> tuple[float, float]:
        return round(pad + inner_w * min(x, x_max) / x_max, 1), round(height - pad - inner_h * min(y, y_top) / y_top, 1)

    coords = [at(x, y) for x, y in points]
    line = " ".join(f"{x},{y}" for x, y in coords)
    base = height - pad
    return Spark(line, f"{coords[0][0]},{base} {line} {coords[-1][0]},{base}", coords[-1], width, height)
