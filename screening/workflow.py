"""Where a record stands across stages, and what a vote or a resolution may do there.

The per-stage state comes from `decisions.py`; this module combines it with duplicates and
full-text retrieval, and checks votes and resolutions before the API records them.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from screening.decisions import RecordState, RecordStatus
from screening.model import (
    InvalidDecision,
    InvalidTransition,
    NotPermitted,
    Resolution,
    ReviewerId,
    Stage,
    Vote,
)


class Position(StrEnum):
    DUPLICATE = "duplicate"
    REMOVED = "removed"  # set aside before screening (automation tool or another reason)
    TA_SCREENING = "ta_screening"
    TA_EXCLUDED = "ta_excluded"
    FT_AWAITING_RETRIEVAL = "ft_awaiting_retrieval"  # included at title/abstract, no PDF yet
    FT_NOT_RETRIEVED = "ft_not_retrieved"
    FT_SCREENING = "ft_screening"
    FT_EXCLUDED = "ft_excluded"
    INCLUDED = "included"


class Retrieval(StrEnum):
    PENDING = "pending"
    RETRIEVED = "retrieved"
    NOT_RETRIEVED = "not_retrieved"


P = Position

# Where a vote at each stage may be cast (revisions included); elsewhere it is refused.
VOTING_POSITIONS: dict[Stage, frozenset[Position]] = {
    Stage.TITLE_ABSTRACT: frozenset(
        {P.TA_SCREENING, P.TA_EXCLUDED, P.FT_AWAITING_RETRIEVAL, P.FT_NOT_RETRIEVED}
    ),
    Stage.FULL_TEXT: frozenset({P.FT_SCREENING, P.FT_EXCLUDED, P.INCLUDED}),
}

RESOLVABLE = frozenset({RecordState.CONFLICT, RecordState.UNDECIDED})


def position_of(
    *,
    is_duplicate: bool,
    title_abstract: RecordState,
    retrieval: Retrieval = Retrieval.PENDING,
    full_text: RecordState | None = None,
    is_removed: bool = False,
) -> Position:
    """Where a record is, from its per-stage states: only a retrieved report enters full text."""
    if is_duplicate:
        return P.DUPLICATE
    if is_removed:
        return P.REMOVED
    if title_abstract is RecordState.EXCLUDED:
        return P.TA_EXCLUDED
    if title_abstract is not RecordState.INCLUDED:
        return P.TA_SCREENING
    if retrieval is Retrieval.PENDING:
        return P.FT_AWAITING_RETRIEVAL
    if retrieval is Retrieval.NOT_RETRIEVED:
        return P.FT_NOT_RETRIEVED
    if full_text is RecordState.INCLUDED:
        return P.INCLUDED
    if full_text is RecordState.EXCLUDED:
        return P.FT_EXCLUDED
    return P.FT_SCREENING


def check_vote(
    position: Position,
    stage: Stage,
    vote: Vote,
    reason_id: int | None,
    known_reason_ids: Collection[int],
) -> None:
    """Refuse a vote the record's position or the reason rules do not allow."""
    if position is P.DUPLICATE:
        raise InvalidTransition("the record is a duplicate; vote on the record it was merged into")
    if position is P.REMOVED:
        raise InvalidTransition("the record was removed before screening; restore it first")
    if position not in VOTING_POSITIONS[stage]:
        raise InvalidTransition(
            f"the record is at {position.value}; it cannot take a {stage.value} vote"
        )
    check_reason(stage, vote, reason_id, known_reason_ids)


def check_undo_resolution(
    status: RecordStatus,
    *,
    resolver_id: ReviewerId,
    resolver_is_lead: bool,
    designated_resolvers: Collection[ReviewerId],
) -> Resolution:
    """A resolution is taken back by a lead, or by the designated third reviewer who made it;
    the one taken back is returned."""
    resolution = status.resolution
    if resolution is None:
        raise InvalidTransition(f"record {status.record_id} has no resolution to undo")
    if not resolver_is_lead and (
        resolver_id not in designated_resolvers or resolver_id != resolution.resolver_id
    ):
        raise NotPermitted("only a lead or the third reviewer who resolved it may undo it")
    return resolution


def check_reason(
    stage: Stage, vote: Vote, reason_id: int | None, known_reason_ids: Collection[int]
) -> None:
    """A full-text exclusion needs exactly one known reason; only exclusions carry one."""
    if reason_id is None:
        if stage is Stage.FULL_TEXT and vote is Vote.EXCLUDE:
            raise InvalidDecision("a full-text exclusion needs exactly one exclusion reason")
        return
    if vote is not Vote.EXCLUDE:
        raise InvalidDecision(f"an exclusion reason goes with exclude, not {vote.value}")
    if reason_id not in known_reason_ids:
        raise InvalidDecision(f"unknown exclusion reason {reason_id} for {stage.value}")


def check_resolution(
    status: RecordStatus,
    stage: Stage,
    *,
    resolver_id: ReviewerId,
    resolver_is_lead: bool,
    designated_resolvers: Collection[ReviewerId],
    vote: Vote,
    reason_id: int | None,
    known_reason_ids: Collection[int],
) -> None:
    """A conflict is resolved by a lead, or by a designated third reviewer who did not vote.
    Saying why is welcome but optional; a full-text exclusion still needs its reason."""
    if not resolver_is_lead:
        if resolver_id not in designated_resolvers:
            raise NotPermitted("only a lead or a designated third reviewer resolves conflicts")
        if resolver_id in status.voters:
            raise NotPermitted("a reviewer who voted on the record cannot adjudicate it")
    if status.state not in RESOLVABLE and status.resolution is None:
        raise InvalidTransition(
            f"record {status.record_id} is {status.state.value}, not a conflict to resolve"
        )
    if vote is Vote.MAYBE:
        raise InvalidDecision("a resolution is include or exclude, not maybe")
    check_reason(stage, vote, reason_id, known_reason_ids)
