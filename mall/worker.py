"""Every background job the worker runs, gathered in one list."""

from __future__ import annotations

from mall.orders.jobs import JOBS as ORDER_JOBS

JOBS: list = [*ORDER_JOBS]


def functions() -> list:
    return list(JOBS)
