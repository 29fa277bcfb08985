"""Retraining schedule: every decision while fits are cheap, spread out when they are not."""

from __future__ import annotations

import pytest

from screening.ranking.schedule import SERVED_SCHEDULE, RetrainSchedule


@pytest.mark.parametrize("fit_seconds", [0.0, 0.03, 0.16, 1.0])
def test_a_cheap_fit_is_redone_after_every_decision(fit_seconds: float) -> None:
    assert not SERVED_SCHEDULE.due(0, fit_seconds)
    assert SERVED_SCHEDULE.due(1, fit_seconds)


def test_a_slow_fit_waits_for_as_many_decisions_as_it_took_seconds() -> None:
    schedule = RetrainSchedule(cheap_fit_seconds=1.0)
    assert [schedule.due(n, 2.5) for n in range(5)] == [False, False, False, True, True]
    assert schedule.decisions_between_fits(2.5) == 3


def test_slower_fits_never_retrain_sooner() -> None:
    steps = [SERVED_SCHEDULE.decisions_between_fits(seconds / 10) for seconds in range(100)]
    assert steps == sorted(steps)
    assert steps[0] == 1


def test_a_clock_going_backwards_does_not_stop_retraining() -> None:
    assert SERVED_SCHEDULE.due(1, -0.5)


@pytest.mark.parametrize("budget", [0.0, -1.0])
def test_the_budget_must_be_positive(budget: float) -> None:
    with pytest.raises(ValueError, match="cheap_fit_seconds"):
        RetrainSchedule(cheap_fit_seconds=budget)
