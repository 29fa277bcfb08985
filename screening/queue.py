"""Which records a reviewer should screen next, what they may see of others' votes, progress.

Pure: the caller supplies the priority order, the per-record statuses and any open claims.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from screening.decisions import RecordState, RecordStatus
from screening.model import DecisionEvent, RecordId, ReviewerId

OPEN_STATES = frozenset({RecordState.NEEDS_VOTES, RecordState.AWAITING_VERIFICATION})
FOR_LEADS = frozenset({RecordState.CONFLICT, RecordState.UNDECIDED})


@dataclass(frozen=True, slots=True)
class ReviewerProgress:
    reviewer_id: ReviewerId
    done: int  # records this reviewer voted on
    to_do: int  # records still open to this reviewer's vote
    conflicts: int  # records they voted on that await a lead


@dataclass(frozen=True, slots=True)
class StageProgress:
    """Counts only, so progress never reveals how anyone voted."""

    total: int
    by_state: Mapping[RecordState, int]
    conflicts: int  # conflicts plus undecided records, awaiting a lead
    reviewers: tuple[ReviewerProgress, ...]


def needs_vote_from(
    status: RecordStatus,
    reviewer_id: ReviewerId,
    claimed_by: Collection[ReviewerId] = (),
) -> bool:
    """True if the record still wants a vote and this reviewer may give it.

    ``claimed_by`` are reviewers currently holding the record (served, not yet voted); their
    pending votes count, so two reviewers asking at once are not sent the same last slot.
    """
    if status.state not in OPEN_STATES or reviewer_id in status.voters:
        return False
    pending = {r for r in claimed_by if r != reviewer_id and r not in status.voters}
    return status.votes_needed - len(pending) > 0


def queue_for(
    reviewer_id: ReviewerId,
    ordered_ids: Iterable[RecordId],
    statuses: Mapping[RecordId, RecordStatus],
    *,
    duplicates: Collection[RecordId] = (),
    claims: Mapping[RecordId, Collection[ReviewerId]] | None = None,
    limit: int | None = None,
) -> tuple[RecordId, ...]:
    """Records awaiting this reviewer's vote, in the given priority order.

    Never one they voted on, never a settled one, never a duplicate, never one listed twice;
    records missing from ``statuses`` (not at this stage) are skipped.
    """
    claims = claims or {}
    chosen: list[RecordId] = []
    seen: set[RecordId] = set()
    for record_id in ordered_ids:
        if record_id in seen or record_id in duplicates:
            continue
        seen.add(record_id)
        status = statuses.get(record_id)
        if status is None or not needs_vote_from(status, reviewer_id, claims.get(record_id, ())):
            continue
        chosen.append(record_id)
        if limit is not None and len(chosen) >= limit:
            break
    return tuple(chosen)


def visible_votes(
    viewer_id: ReviewerId,
    status: RecordStatus,
    votes: Sequence[DecisionEvent],
    *,
    blinding: bool = True,
) -> tuple[DecisionEvent, ...]:
    """The votes on one record a viewer may see: their own, and others' once it is settled.

    Leads resolving a conflict see who voted (``status.voters``), not how: Covidence's rule.
    """
    if not blinding or status.state.settled:
        return tuple(votes)
    return tuple(v for v in votes if v.reviewer_id == viewer_id)


def stage_progress(
    statuses: Mapping[RecordId, RecordStatus], reviewers: Iterable[ReviewerId]
) -> StageProgress:
    """Progress of a stage overall and per reviewer, from `decisions.stage_statuses`.

    One pass over the records: a reviewer's to-do is every open record minus those they voted on.
    """
    states: Counter[RecordState] = Counter()
    done: Counter[ReviewerId] = Counter()
    voted_open: Counter[ReviewerId] = Counter()
    conflicts: Counter[ReviewerId] = Counter()
    open_records = 0
    for status in statuses.values():
        states[status.state] += 1
        is_open = status.state in OPEN_STATES and status.votes_needed > 0
        open_records += is_open
        for reviewer in status.voters:
            done[reviewer] += 1
            voted_open[reviewer] += is_open
            conflicts[reviewer] += status.state in FOR_LEADS
    per_reviewer = tuple(
        ReviewerProgress(r, done[r], open_records - voted_open[r], conflicts[r])
        for r in sorted(set(reviewers))
    )
    return StageProgress(
        total=len(statuses),
        by_state={state: states[state] for state in RecordState},
        conflicts=sum(states[state] for state in FOR_LEADS),
        reviewers=per_reviewer,
    )
