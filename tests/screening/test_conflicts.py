"""Conflict rules under the three maybe policies (DOMAIN.md §3.2, §3.5 example 2)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from screening.conflicts import (
    Outcome,
    classify_votes,
    latest_resolutions,
)
from screening.model import DecisionEvent, MaybePolicy, Resolution, Stage, Vote
from tests.screening.log_builders import EXAMPLE_2, Log, table_pairs


def _vote_sets(table: dict[tuple[str, str], int]) -> list[list[DecisionEvent]]:
    log = Log()
    log.pairs(table_pairs(table))
    by_record: dict[int, list[DecisionEvent]] = {}
    for event in log.events:
        by_record.setdefault(event.record_id, []).append(event)
    return list(by_record.values())


@pytest.mark.parametrize(
    ("policy", "conflicts"),
    [(MaybePolicy.INCLUDE, 12), (MaybePolicy.NEUTRAL, 3), (MaybePolicy.CONFLICT, 25)],
)
def test_example_2_conflict_counts_per_policy(policy, conflicts):
    verdicts = [classify_votes(votes, policy) for votes in _vote_sets(EXAMPLE_2)]
    assert sum(verdict.outcome is Outcome.CONFLICT for verdict in verdicts) == conflicts


def test_example_2_neutral_policy_maybe_list_has_22_records():
    verdicts = [classify_votes(v, MaybePolicy.NEUTRAL).outcome for v in _vote_sets(EXAMPLE_2)]
    maybe_list = sum(1 for votes in _vote_sets(EXAMPLE_2) if any(e.vote == "maybe" for e in votes))
    assert maybe_list == 22
    # Of those, the ones not also a conflict stay undecided ("maybe").
    assert verdicts.count(Outcome.MAYBE) == 22


def _votes(*kinds: str, reasons: list[int | None] | None = None) -> list[DecisionEvent]:
    log = Log()
    reasons = reasons or [None] * len(kinds)
    return [
        log.vote(1, i + 1, k, reason_id=r)
        for i, (k, r) in enumerate(zip(kinds, reasons, strict=True))
    ]


TABLE = [
    # votes, include-policy, neutral-policy, conflict-policy
    (("include", "include"), "include", "include", "include"),
    (("exclude", "exclude"), "exclude", "exclude", "exclude"),
    (("include", "exclude"), "conflict", "conflict", "conflict"),
    (("include", "maybe"), "include", "maybe", "conflict"),
    (("maybe", "exclude"), "conflict", "maybe", "conflict"),
    (("maybe", "maybe"), "include", "maybe", "conflict"),
    (("include", "exclude", "maybe"), "conflict", "conflict", "conflict"),
    (("maybe",), "include", "maybe", "maybe"),  # a single maybe is never a conflict
    (("exclude",), "exclude", "exclude", "exclude"),
]


@pytest.mark.parametrize(("votes", "as_include", "neutral", "as_conflict"), TABLE)
def test_vote_combinations_table(votes, as_include, neutral, as_conflict):
    for policy, expected in zip(MaybePolicy, (as_include, neutral, as_conflict), strict=True):
        assert classify_votes(_votes(*votes), policy).outcome == expected, policy


def test_exclusions_with_different_reasons():
    votes = _votes("exclude", "exclude", reasons=[4, 7])
    strict = classify_votes(votes, MaybePolicy.INCLUDE, reason_mismatch_is_conflict=True)
    assert strict.outcome is Outcome.CONFLICT
    lenient = classify_votes(votes, MaybePolicy.INCLUDE)
    assert (lenient.outcome, lenient.reason_id) == (Outcome.EXCLUDE, 4)
    same = classify_votes(
        _votes("exclude", "exclude", reasons=[7, 7]),
        MaybePolicy.INCLUDE,
        reason_mismatch_is_conflict=True,
    )
    assert (same.outcome, same.reason_id) == (Outcome.EXCLUDE, 7)


def test_classify_needs_votes():
    with pytest.raises(ValueError, match="at least one vote"):
        classify_votes([], MaybePolicy.INCLUDE)


def test_latest_resolution_wins_and_is_per_stage():
    log = Log()
    first = log.resolution(5, "exclude")
    second = log.resolution(5, "include")
    other_stage = log.resolution(5, "exclude", stage=Stage.FULL_TEXT)
    resolutions = [second, first, other_stage]
    assert latest_resolutions(resolutions, Stage.TITLE_ABSTRACT).get(5) == second
    assert latest_resolutions(resolutions, Stage.FULL_TEXT).get(5) == other_stage
    assert latest_resolutions(resolutions, Stage.TITLE_ABSTRACT).get(6) is None


def test_latest_resolutions_indexes_the_newest_per_record():
    log = Log()
    made = [
        log.resolution(1, "exclude"),
        log.resolution(2, "include"),
        log.resolution(1, "include"),
        log.resolution(1, "exclude", stage=Stage.FULL_TEXT),
    ]
    index = latest_resolutions(list(reversed(made)), Stage.TITLE_ABSTRACT)
    assert index == {1: made[2], 2: made[1]}


def test_an_undo_leaves_the_record_without_a_resolution() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    made = Resolution(1, 5, Stage.TITLE_ABSTRACT, Vote.INCLUDE, 9, "", at)
    undone = Resolution(2, 5, Stage.TITLE_ABSTRACT, Vote.INCLUDE, 9, "", at, withdrawn=True)
    again = Resolution(3, 5, Stage.TITLE_ABSTRACT, Vote.EXCLUDE, 9, "", at)
    assert latest_resolutions([made, undone], Stage.TITLE_ABSTRACT) == {}
    assert latest_resolutions([made, undone, again], Stage.TITLE_ABSTRACT) == {5: again}
