"""Delayed work belongs to the container that started it: closing it stops what is pending, so nothing
scheduled in one world fires in the next."""

from __future__ import annotations

import logging

from mall.infra.background import Background


async def test_work_runs_later_and_idle_waits_for_it():
    background, done = Background(), []

    async def work():
        done.append("pushed")

    background.later(0.01, work, what="push")
    assert done == [] and background.pending == 1
    await background.idle()
    assert done == ["pushed"] and background.pending == 0


async def test_close_cancels_what_is_pending_and_refuses_more():
    background, done = Background(), []

    async def work():
        done.append("pushed")

    background.later(60, work, what="push")
    await background.close()
    assert background.pending == 0
    background.later(0, work, what="push after close")
    assert background.pending == 0
    await background.idle()
    assert done == []


async def test_a_failure_is_logged_and_not_raised(caplog):
    background = Background()

    async def work():
        raise RuntimeError("redis went away")

    with caplog.at_level(logging.ERROR, logger="mall.background"):
        background.later(0, work, what="nudge the dashboards")
        await background.idle()
    assert "could not nudge the dashboards" in caplog.text and "redis went away" in caplog.text
