"""Every background job the worker runs, gathered in one list."""

from __future__ import annotations

JOBS: list = []


def functions() -> list:
    return list(JOBS)
