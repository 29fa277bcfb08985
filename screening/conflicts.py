"""Conflict rules: what a set of current votes on one record says, under each *maybe* policy.

Resolutions are applied on top by `decisions.py`; nothing here reads a log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from screening.model import DecisionEvent, MaybePolicy, RecordId, Resolution, Vote


class Outcome(StrEnum):
    """The verdict of a set of votes before any resolution."""

    INCLUDE = "include"
    EXCLUDE = "exclude"
    MAYBE = "maybe"  # no disagreement but no firm answer either (Rayyan's "maybe list")
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class VoteVerdict:
    outcome: Outcome
    reason_id: int | None = None  # the shared exclusion reason, when the outcome is exclude
    why: str = ""


def classify_votes(
    votes: Sequence[DecisionEvent],
    policy: MaybePolicy,
    *,
    reason_mismatch_is_conflict: bool = False,
) -> VoteVerdict:
    """Verdict of the current votes of distinct reviewers (DOMAIN.md §3.2)."""
    kinds = {event.vote for event in votes}
    if not kinds:
        raise ValueError("classify_votes needs at least one vote")
    has_maybe = Vote.MAYBE in kinds
    if policy is MaybePolicy.INCLUDE and has_maybe:
        kinds = (kinds - {Vote.MAYBE}) | {Vote.INCLUDE}
        has_maybe = False
    if {Vote.INCLUDE, Vote.EXCLUDE} <= kinds:
        return VoteVerdict(Outcome.CONFLICT, why="include against exclude")
    if policy is MaybePolicy.CONFLICT and has_maybe and len(votes) >= 2:
        return VoteVerdict(Outcome.CONFLICT, why="maybe among several votes")
    if kinds == {Vote.INCLUDE}:
        return VoteVerdict(Outcome.INCLUDE)
    if kinds == {Vote.EXCLUDE}:
        return _exclusion(votes, reason_mismatch_is_conflict)
    return VoteVerdict(Outcome.MAYBE)


def _exclusion(votes: Sequence[DecisionEvent], reason_mismatch_is_conflict: bool) -> VoteVerdict:
    reasons = {event.reason_id for event in votes}
    if len(reasons) == 1:
        return VoteVerdict(Outcome.EXCLUDE, reason_id=next(iter(reasons)))
    if reason_mismatch_is_conflict:
        return VoteVerdict(Outcome.CONFLICT, why="exclusions with different reasons")
    # Without the Covidence rule the earliest exclusion's reason stands.
    first = min(votes, key=lambda event: event.seq)
    return VoteVerdict(Outcome.EXCLUDE, reason_id=first.reason_id)


def latest_resolutions(resolutions: Iterable[Resolution], stage: str) -> dict[RecordId, Resolution]:
    """The newest resolution per record at ``stage``, in one pass; records whose newest is an
    undo have none."""
    latest: dict[RecordId, Resolution] = {}
    for resolution in resolutions:
        held = latest.get(resolution.record_id)
        if resolution.stage == stage and (held is None or resolution.seq > held.seq):
            latest[resolution.record_id] = resolution
    return {record_id: r for record_id, r in latest.items() if not r.withdrawn}
