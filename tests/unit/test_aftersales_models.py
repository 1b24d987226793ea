"""The after-sales state table: every transition lands where the table says, every actor it does not list is
refused, kind-only actions refuse the other kind, and every state's deadline says what the system does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mall.aftersales.models import (
    DEADLINES,
    KIND_ACTIONS,
    OPEN,
    TRANSITIONS,
    Action,
    Actor,
    IllegalTransition,
    Kind,
    Reason,
    Status,
    allowed_actions,
    allowed_reasons,
    deadline_action,
    deadline_of,
    max_refund,
    next_status,
    no_reason_allowed,
)
from mall.config import Settings

CASES = sorted(TRANSITIONS.items(), key=lambda item: (item[0][0].value, item[0][1].value))


def _kind_for(action: Action) -> Kind:
    return KIND_ACTIONS.get(action, Kind.RETURN_AND_REFUND)


@pytest.mark.parametrize(("key", "rule"), CASES, ids=[f"{s.value}-{a.value}" for (s, a), _r in CASES])
def test_each_transition_goes_where_the_table_says_for_each_allowed_actor(key, rule):
    (origin, action), (target, actors) = key, rule
    for actor in actors:
        assert next_status(origin, action, actor, _kind_for(action)) is target
        assert action in allowed_actions(origin, actor, _kind_for(action))


@pytest.mark.parametrize(("key", "rule"), CASES, ids=[f"{s.value}-{a.value}" for (s, a), _r in CASES])
def test_each_transition_refuses_every_actor_it_does_not_list(key, rule):
    (origin, action), (_target, actors) = key, rule
    for actor in set(Actor) - actors:
        with pytest.raises(IllegalTransition):
            next_status(origin, action, actor, _kind_for(action))
        assert action not in allowed_actions(origin, actor, _kind_for(action))


@pytest.mark.parametrize("action", sorted(KIND_ACTIONS, key=str))
def test_kind_only_actions_refuse_the_other_kind(action):
    other = Kind.REFUND_ONLY if KIND_ACTIONS[action] is Kind.RETURN_AND_REFUND else Kind.RETURN_AND_REFUND
    for (origin, act), (_target, actors) in TRANSITIONS.items():
        if act is action:
            for actor in actors:
                with pytest.raises(IllegalTransition):
                    next_status(origin, action, actor, other)


def test_nothing_leaves_a_closed_or_refunded_case():
    for status in (Status.REFUNDED, Status.CLOSED):
        assert status not in OPEN
        for actor in Actor:
            assert allowed_actions(status, actor) == set()
        for action in Action:
            with pytest.raises(IllegalTransition):
                next_status(status, action, Actor.SYSTEM)


def test_every_open_state_but_a_dispute_acts_by_itself_at_its_deadline():
    settings = Settings()
    since = datetime(2026, 11, 24, 12, tzinfo=UTC)
    for status in OPEN:
        due = deadline_of(status, Kind.RETURN_AND_REFUND, False, since, settings)
        if status is Status.DISPUTED:
            assert due is None and deadline_action(status, Kind.REFUND_ONLY) is None
            continue
        action = deadline_action(status, Kind.RETURN_AND_REFUND)
        assert action is not None and Actor.SYSTEM in TRANSITIONS[(status, action)][1]
    assert set(DEADLINES) == set(OPEN) - {Status.DISPUTED}


def test_deadlines_come_from_the_settings():
    s = Settings()
    t = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert deadline_of(Status.REQUESTED, Kind.RETURN_AND_REFUND, False, t, s) == t + timedelta(hours=48)
    assert deadline_of(Status.REQUESTED, Kind.REFUND_ONLY, True, t, s) == t + timedelta(hours=24)
    assert deadline_of(Status.REQUESTED, Kind.REFUND_ONLY, False, t, s) == t + timedelta(hours=48)
    assert deadline_of(Status.OFFERED, Kind.REFUND_ONLY, False, t, s) == t + timedelta(hours=48)
    assert deadline_of(Status.REJECTED, Kind.REFUND_ONLY, False, t, s) == t + timedelta(days=7)
    assert deadline_of(Status.AWAITING_RETURN, Kind.RETURN_AND_REFUND, False, t, s) == t + timedelta(days=7)
    assert deadline_of(Status.RETURN_SHIPPED, Kind.RETURN_AND_REFUND, False, t, s) == t + timedelta(days=10)
    assert deadline_of(Status.REFUNDING, Kind.REFUND_ONLY, False, t, s) == t
    assert deadline_action(Status.REQUESTED, Kind.REFUND_ONLY) is Action.ACCEPT
    assert deadline_action(Status.REQUESTED, Kind.RETURN_AND_REFUND) is Action.ACCEPT_RETURN


def test_what_may_be_asked_before_and_after_shipping():
    assert allowed_reasons(Kind.RETURN_AND_REFUND, shipped=False) == ()
    assert Reason.NO_REASON in allowed_reasons(Kind.REFUND_ONLY, shipped=False)
    assert allowed_reasons(Kind.REFUND_ONLY, shipped=True) == (Reason.NOT_RECEIVED, Reason.MISSING_PARTS)
    assert Reason.NOT_RECEIVED not in allowed_reasons(Kind.RETURN_AND_REFUND, shipped=True)
    assert no_reason_allowed("tea", "food") and not no_reason_allowed("food", " food , beauty")


def test_the_share_of_a_line_never_exceeds_what_was_paid_and_the_last_unit_takes_the_rest():
    assert max_refund(3, 1000, 0, 0, 1) == 333
    assert max_refund(3, 1000, 1, 333, 1) == 333
    assert max_refund(3, 1000, 2, 666, 1) == 334
    assert max_refund(3, 1000, 0, 0, 3) == 1000
    assert max_refund(3, 1000, 3, 1000, 1) == 0
    assert max_refund(2, 1000, 1, 900, 0) == 0
    assert max_refund(2, 1000, 0, 900, 1) == 100  # a partial refund of everything took most already
