"""The decision log read as state: current votes, first votes and each record's state at a stage.

The log is immutable; a changed vote is a new event that supersedes the old one, and both stay.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from screening.conflicts import Outcome, VoteVerdict, classify_votes, latest_resolutions
from screening.model import (
    DecisionEvent,
    InvalidDecision,
    MaybePolicy,
    Mode,
    RecordId,
    Resolution,
    ReviewerId,
    Stage,
    StageSettings,
    Vote,
)

VoteKey = tuple[RecordId, ReviewerId]


class RecordState(StrEnum):
    NEEDS_VOTES = "needs_votes"
    INCLUDED = "included"  # settled: goes forward (a title/abstract *maybe* goes forward too)
    EXCLUDED = "excluded"  # settled
    CONFLICT = "conflict"  # for a lead or a designated third reviewer
    UNDECIDED = "undecided"  # full-text *maybe* with no disagreement: a lead decides
    AWAITING_VERIFICATION = "awaiting_verification"  # rapid: a single exclusion awaits a check
    AWAITING_GATE = "awaiting_gate"  # rapid: outside the dual set while dual screening goes on

    @property
    def settled(self) -> bool:
        return self in (RecordState.INCLUDED, RecordState.EXCLUDED)


@dataclass(frozen=True, slots=True)
class RecordStatus:
    """One record at one stage: ``votes_needed`` more votes are wanted from anyone not in
    ``voters``; ``reason_id`` is the settled exclusion reason, if any."""

    record_id: RecordId
    state: RecordState
    voters: frozenset[ReviewerId] = frozenset()
    votes_needed: int = 0
    reason_id: int | None = None
    resolution: Resolution | None = None
    why: str = ""


@dataclass(frozen=True, slots=True)
class RapidPhase:
    """What `rapid.py` decided for the whole stage; records need it to know their rule."""

    calibration: frozenset[RecordId] = frozenset()
    dual: frozenset[RecordId] = frozenset()
    team: frozenset[ReviewerId] = frozenset()
    gate_open: bool = False


def record_vote(
    log: Iterable[DecisionEvent],
    *,
    seq: int,
    record_id: RecordId,
    reviewer_id: ReviewerId,
    stage: Stage,
    vote: Vote,
    at: datetime,
    reason_id: int | None = None,
    note: str = "",
) -> DecisionEvent | None:
    """The event to append for this vote, superseding the reviewer's current one.

    Returns None when the vote repeats the current one (a double click records nothing).
    """
    previous = current_votes(log, stage).get((record_id, reviewer_id))
    if previous is not None and (previous.vote, previous.reason_id, previous.note) == (
        vote,
        reason_id,
        note,
    ):
        return None
    if previous is not None and seq <= previous.seq:
        raise InvalidDecision(f"event seq {seq} must follow the superseded event {previous.seq}")
    return DecisionEvent(
        seq=seq,
        record_id=record_id,
        reviewer_id=reviewer_id,
        stage=stage,
        vote=vote,
        at=at,
        reason_id=reason_id,
        note=note,
        supersedes=None if previous is None else previous.seq,
    )


def current_votes(log: Iterable[DecisionEvent], stage: Stage) -> dict[VoteKey, DecisionEvent]:
    """Each reviewer's latest vote per record at ``stage`` (the one that counts for state)."""
    return _one_vote_each(log, stage, latest=True)


def first_votes(log: Iterable[DecisionEvent], stage: Stage) -> dict[VoteKey, DecisionEvent]:
    """Each reviewer's first vote per record: the independent one agreement is computed from."""
    return _one_vote_each(log, stage, latest=False)


def _one_vote_each(
    log: Iterable[DecisionEvent], stage: Stage, *, latest: bool
) -> dict[VoteKey, DecisionEvent]:
    """Per record and reviewer at ``stage``, the vote with the highest seq (*latest*) or the
    lowest."""
    chosen: dict[VoteKey, DecisionEvent] = {}
    for event in log:
        if event.stage != stage:
            continue
        key = (event.record_id, event.reviewer_id)
        held = chosen.get(key)
        if held is None or (event.seq > held.seq if latest else event.seq < held.seq):
            chosen[key] = event
    return chosen


def superseded_seqs(log: Iterable[DecisionEvent]) -> frozenset[int]:
    """Seqs of events that a later vote by the same reviewer replaced (for the log export)."""
    events = list(log)
    latest = {(e.stage, e.record_id, e.reviewer_id): e.seq for e in events}
    for event in events:
        key = (event.stage, event.record_id, event.reviewer_id)
        latest[key] = max(latest[key], event.seq)
    return frozenset(
        e.seq for e in events if e.seq != latest[(e.stage, e.record_id, e.reviewer_id)]
    )


def votes_by_record(
    log: Iterable[DecisionEvent],
    stage: Stage,
    active_reviewers: Collection[ReviewerId] | None = None,
) -> dict[RecordId, list[DecisionEvent]]:
    """Current votes grouped per record, oldest first; optionally only active reviewers'."""
    return group_by_record(current_votes(log, stage), reviewers=active_reviewers)


def group_by_record(
    votes: Mapping[VoteKey, DecisionEvent],
    *,
    records: Collection[RecordId] | None = None,
    reviewers: Collection[ReviewerId] | None = None,
) -> dict[RecordId, list[DecisionEvent]]:
    """*votes* (one per record and reviewer) grouped per record, oldest first; optionally only
    those on *records* or by *reviewers*."""
    grouped: dict[RecordId, list[DecisionEvent]] = defaultdict(list)
    for (record_id, reviewer_id), event in votes.items():
        if (records is None or record_id in records) and (
            reviewers is None or reviewer_id in reviewers
        ):
            grouped[record_id].append(event)
    for events in grouped.values():
        events.sort(key=lambda e: e.seq)
    return dict(grouped)


def stage_statuses(
    record_ids: Iterable[RecordId],
    log: Sequence[DecisionEvent],
    resolutions: Sequence[Resolution],
    settings: StageSettings,
    stage: Stage,
    *,
    active_reviewers: Collection[ReviewerId] | None = None,
    rapid: RapidPhase | None = None,
) -> dict[RecordId, RecordStatus]:
    """The state of every record at ``stage``.

    Votes of reviewers no longer in ``active_reviewers`` still count on settled records; on open
    records they are set aside, so those records return to the queue and no conflict is stranded.
    """
    every_vote = votes_by_record(log, stage)
    final = latest_resolutions(resolutions, stage)
    statuses: dict[RecordId, RecordStatus] = {}
    for record_id in record_ids:
        votes = every_vote.get(record_id, [])
        resolution = final.get(record_id)
        status = record_status(record_id, votes, resolution, settings, stage, rapid=rapid)
        if active_reviewers is not None and not status.state.settled:
            active = [v for v in votes if v.reviewer_id in active_reviewers]
            status = record_status(record_id, active, resolution, settings, stage, rapid=rapid)
        statuses[record_id] = status
    return statuses


def record_status(
    record_id: RecordId,
    votes: Sequence[DecisionEvent],
    resolution: Resolution | None,
    settings: StageSettings,
    stage: Stage,
    *,
    rapid: RapidPhase | None = None,
) -> RecordStatus:
    """State of one record from its current votes (one per reviewer) and latest resolution."""
    voters = frozenset(v.reviewer_id for v in votes)
    if resolution is not None:
        state = RecordState.EXCLUDED if resolution.vote is Vote.EXCLUDE else RecordState.INCLUDED
        return RecordStatus(
            record_id, state, voters, reason_id=resolution.reason_id, resolution=resolution
        )
    if settings.mode is Mode.RAPID:
        if rapid is None:
            raise ValueError("rapid mode needs the RapidPhase from screening.rapid")
        return _rapid_status(record_id, votes, settings, stage, rapid)
    required = 1 if settings.mode is Mode.SINGLE else 2
    return _status_from_votes(record_id, votes, settings, stage, required)


def _rapid_status(
    record_id: RecordId,
    votes: Sequence[DecisionEvent],
    settings: StageSettings,
    stage: Stage,
    rapid: RapidPhase,
) -> RecordStatus:
    in_calibration = record_id in rapid.calibration
    if in_calibration and not rapid.gate_open:
        # Everyone calibrates, newcomers too; after the switch a newcomer reopens nothing.
        return _status_from_votes(record_id, votes, settings, stage, max(2, len(rapid.team)))
    if in_calibration or record_id in rapid.dual:
        return _status_from_votes(record_id, votes, settings, stage, 2)
    if not rapid.gate_open:
        voters = frozenset(v.reviewer_id for v in votes)
        return RecordStatus(record_id, RecordState.AWAITING_GATE, voters, why="dual phase")
    return _verified_single_status(record_id, votes, settings, stage)


def _verified_single_status(
    record_id: RecordId,
    votes: Sequence[DecisionEvent],
    settings: StageSettings,
    stage: Stage,
) -> RecordStatus:
    """Single screening where a second reviewer checks every exclusion (DOMAIN.md S4)."""
    voters = frozenset(v.reviewer_id for v in votes)
    if not votes:
        return RecordStatus(record_id, RecordState.NEEDS_VOTES, voters, votes_needed=1)
    first = votes[0]
    if _goes_forward(first.vote, stage, settings):
        return RecordStatus(record_id, RecordState.INCLUDED, voters, why="single include")
    if len(votes) == 1:
        return RecordStatus(
            record_id,
            RecordState.AWAITING_VERIFICATION,
            voters,
            votes_needed=1,
            why=f"single {first.vote.value} awaits a second reviewer",
        )
    checks = votes[1:]
    if any(_goes_forward(v.vote, stage, settings) for v in checks):
        # Liberal rule: the verifier's include (or title/abstract maybe) sends it forward.
        return RecordStatus(record_id, RecordState.INCLUDED, voters, why="verifier included")
    return _status_from_votes(record_id, votes, settings, stage, 2)


def _goes_forward(vote: Vote, stage: Stage, settings: StageSettings) -> bool:
    if vote is Vote.MAYBE:
        return stage is Stage.TITLE_ABSTRACT or settings.maybe_policy is MaybePolicy.INCLUDE
    return vote is Vote.INCLUDE


def _status_from_votes(
    record_id: RecordId,
    votes: Sequence[DecisionEvent],
    settings: StageSettings,
    stage: Stage,
    required: int,
) -> RecordStatus:
    voters = frozenset(v.reviewer_id for v in votes)
    if len(voters) < required:
        return RecordStatus(
            record_id, RecordState.NEEDS_VOTES, voters, votes_needed=required - len(voters)
        )
    verdict = classify_votes(
        votes,
        settings.maybe_policy,
        reason_mismatch_is_conflict=settings.reason_mismatch_is_conflict,
    )
    return RecordStatus(
        record_id,
        _state_of(verdict, stage),
        voters,
        reason_id=verdict.reason_id,
        why=verdict.why,
    )


def _state_of(verdict: VoteVerdict, stage: Stage) -> RecordState:
    if verdict.outcome is Outcome.INCLUDE:
        return RecordState.INCLUDED
    if verdict.outcome is Outcome.EXCLUDE:
        return RecordState.EXCLUDED
    if verdict.outcome is Outcome.CONFLICT:
        return RecordState.CONFLICT
    # Covidence: a *maybe* at title/abstract moves the record on to full text.
    return RecordState.INCLUDED if stage is Stage.TITLE_ABSTRACT else RecordState.UNDECIDED
