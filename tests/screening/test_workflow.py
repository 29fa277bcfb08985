"""Record positions across stages, vote and resolution checks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from screening.decisions import RecordState, RecordStatus
from screening.model import (
    InvalidDecision,
    InvalidTransition,
    NotPermitted,
    Resolution,
    ScreeningError,
    Stage,
    Vote,
)
from screening.workflow import (
    VOTING_POSITIONS,
    Position,
    Retrieval,
    check_reason,
    check_resolution,
    check_undo_resolution,
    check_vote,
    position_of,
)

P = Position
S = RecordState
TA = Stage.TITLE_ABSTRACT
FT = Stage.FULL_TEXT
REASONS = {1, 2, 3}


@pytest.mark.parametrize(
    ("duplicate", "ta", "retrieval", "ft", "expected"),
    [
        (True, S.INCLUDED, Retrieval.RETRIEVED, S.INCLUDED, P.DUPLICATE),
        (False, S.NEEDS_VOTES, Retrieval.PENDING, None, P.TA_SCREENING),
        (False, S.CONFLICT, Retrieval.PENDING, None, P.TA_SCREENING),
        (False, S.EXCLUDED, Retrieval.PENDING, None, P.TA_EXCLUDED),
        (False, S.INCLUDED, Retrieval.PENDING, None, P.FT_AWAITING_RETRIEVAL),
        (False, S.INCLUDED, Retrieval.NOT_RETRIEVED, None, P.FT_NOT_RETRIEVED),
        (False, S.INCLUDED, Retrieval.RETRIEVED, None, P.FT_SCREENING),
        (False, S.INCLUDED, Retrieval.RETRIEVED, S.NEEDS_VOTES, P.FT_SCREENING),
        (False, S.INCLUDED, Retrieval.RETRIEVED, S.INCLUDED, P.INCLUDED),
        (False, S.INCLUDED, Retrieval.RETRIEVED, S.EXCLUDED, P.FT_EXCLUDED),
    ],
)
def test_position_of(duplicate, ta, retrieval, ft, expected):
    assert (
        position_of(is_duplicate=duplicate, title_abstract=ta, retrieval=retrieval, full_text=ft)
        is expected
    )


def test_only_retrieved_reports_take_full_text_votes():
    for position in Position:
        allowed = position in VOTING_POSITIONS[FT]
        if allowed:
            check_vote(position, FT, Vote.INCLUDE, None, REASONS)
        else:
            with pytest.raises(InvalidTransition):
                check_vote(position, FT, Vote.INCLUDE, None, REASONS)
    assert P.FT_AWAITING_RETRIEVAL not in VOTING_POSITIONS[FT]
    assert P.FT_NOT_RETRIEVED not in VOTING_POSITIONS[FT]


def test_duplicates_take_no_vote():
    with pytest.raises(InvalidTransition, match="duplicate"):
        check_vote(P.DUPLICATE, TA, Vote.INCLUDE, None, REASONS)


def test_records_removed_before_screening_take_no_vote_and_outrank_no_duplicate():
    with pytest.raises(InvalidTransition, match="removed before screening"):
        check_vote(P.REMOVED, TA, Vote.INCLUDE, None, REASONS)
    assert (
        position_of(is_duplicate=False, is_removed=True, title_abstract=RecordState.NEEDS_VOTES)
        is P.REMOVED
    )
    assert (
        position_of(is_duplicate=True, is_removed=True, title_abstract=RecordState.NEEDS_VOTES)
        is P.DUPLICATE
    )


def test_title_abstract_vote_refused_once_full_text_screening_began():
    with pytest.raises(InvalidTransition, match="ft_screening"):
        check_vote(P.FT_SCREENING, TA, Vote.EXCLUDE, None, REASONS)


@pytest.mark.parametrize(
    ("stage", "vote", "reason_id", "error"),
    [
        (FT, Vote.EXCLUDE, None, "needs exactly one exclusion reason"),
        (FT, Vote.EXCLUDE, 9, "unknown exclusion reason 9"),
        (FT, Vote.INCLUDE, 1, "goes with exclude, not include"),
        (TA, Vote.MAYBE, 1, "goes with exclude, not maybe"),
        (TA, Vote.EXCLUDE, 9, "unknown exclusion reason"),
        (FT, Vote.EXCLUDE, 2, None),
        (TA, Vote.EXCLUDE, None, None),  # a reason is optional at title/abstract
        (FT, Vote.MAYBE, None, None),
    ],
)
def test_reason_rules(stage, vote, reason_id, error):
    if error is None:
        check_reason(stage, vote, reason_id, REASONS)
    else:
        with pytest.raises(InvalidDecision, match=error):
            check_reason(stage, vote, reason_id, REASONS)


CONFLICT = RecordStatus(7, S.CONFLICT, frozenset({1, 2}))


def _resolve(status: RecordStatus = CONFLICT, **overrides: Any) -> None:
    kwargs: dict[str, Any] = {
        "resolver_id": 3,
        "resolver_is_lead": False,
        "designated_resolvers": {3},
        "vote": Vote.EXCLUDE,
        "reason_id": 2,
        "known_reason_ids": REASONS,
    }
    kwargs.update(overrides)
    check_resolution(status, FT, **kwargs)


def test_designated_third_reviewer_or_lead_may_resolve():
    _resolve()  # saying why is optional (issue 17): nothing here asks for it
    _resolve(resolver_id=1, resolver_is_lead=True, designated_resolvers=set())
    _resolve(status=RecordStatus(7, S.UNDECIDED, frozenset({1, 2})))


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"vote": Vote.MAYBE, "reason_id": None}, "not maybe"),
        ({"reason_id": None}, "exactly one exclusion reason"),
    ],
)
def test_bad_resolutions_are_refused(overrides, error):
    with pytest.raises(InvalidDecision, match=error):
        _resolve(**overrides)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"resolver_id": 4}, "only a lead or a designated third reviewer"),
        ({"resolver_id": 1, "designated_resolvers": {1}}, "who voted on the record"),
    ],
)
def test_resolvers_without_the_right_are_not_permitted(overrides, error):
    with pytest.raises(NotPermitted, match=error):
        _resolve(**overrides)


def test_only_conflicts_are_resolved():
    with pytest.raises(InvalidTransition, match="needs_votes, not a conflict"):
        _resolve(status=RecordStatus(7, S.NEEDS_VOTES, frozenset({1})))


def _resolved_by(resolver_id: int) -> RecordStatus:
    resolution = Resolution(
        7, 7, FT, Vote.INCLUDE, resolver_id, "", datetime(2026, 1, 1, tzinfo=UTC)
    )
    return RecordStatus(7, S.INCLUDED, frozenset({1, 2}), resolution=resolution)


def test_a_lead_or_the_third_reviewer_who_resolved_takes_a_resolution_back():
    status = _resolved_by(3)
    lead: dict[str, Any] = {"resolver_is_lead": True, "designated_resolvers": set()}
    assert check_undo_resolution(status, resolver_id=1, **lead) is status.resolution
    third: dict[str, Any] = {"resolver_is_lead": False, "designated_resolvers": {3, 4}}
    assert check_undo_resolution(status, resolver_id=3, **third) is status.resolution
    with pytest.raises(NotPermitted, match="who resolved it"):
        check_undo_resolution(status, resolver_id=4, **third)
    with pytest.raises(InvalidTransition, match="no resolution to undo"):
        check_undo_resolution(CONFLICT, resolver_id=1, **lead)


def test_errors_are_screening_errors():
    assert issubclass(InvalidTransition, ScreeningError)
