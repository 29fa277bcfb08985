"""A stage as stored: one row per record, kept up to date vote by vote and rebuilt from the log.

Besides the record's status (`decisions.record_status`), a row keeps what the reports need
without reading the log: the first two independent votes (agreement), when the record was first
screened and whether any vote ever kept it (the stopping estimate), and its rapid-review set.
`stage_rows` computes every row from the whole log; the incremental updates use the same pieces
(`FirstVotes.after`, `row_status`), so the two agree by construction and can be compared.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from screening.conflicts import latest_resolutions
from screening.decisions import (
    RapidPhase,
    RecordState,
    RecordStatus,
    record_status,
    votes_by_record,
)
from screening.model import (
    DecisionEvent,
    Mode,
    RecordId,
    Resolution,
    ReviewerId,
    ReviewSettings,
    Stage,
    StageSettings,
    Vote,
)
from screening.rapid import RapidGate, RapidSwitch, evaluate_gate, rapid_order


class RapidSet(StrEnum):
    """Where a record sits in a rapid review's plan (records in neither are single-screened)."""

    CALIBRATION = "calibration"
    DUAL = "dual"


@dataclass(frozen=True, slots=True)
class FirstVotes:
    """A record's first (independent) votes at a stage: how many, and the first two in order."""

    count: int = 0
    first_seq: int | None = None  # when the record was first screened at this stage
    first: tuple[ReviewerId, Vote] | None = None
    second: tuple[ReviewerId, Vote] | None = None

    def after(self, event: DecisionEvent) -> FirstVotes:
        """These first votes once *event* is cast; only a reviewer's first vote counts."""
        if event.supersedes is not None:
            return self
        cast = (event.reviewer_id, event.vote)
        if self.first is None:
            return FirstVotes(self.count + 1, event.seq, cast)
        if self.second is None:
            return FirstVotes(self.count + 1, self.first_seq, self.first, cast)
        return FirstVotes(self.count + 1, self.first_seq, self.first, self.second)


@dataclass(frozen=True, slots=True)
class StageRow:
    record_id: RecordId
    status: RecordStatus
    first_votes: FirstVotes = FirstVotes()
    kept: bool = False  # some vote (even a replaced one) did not exclude the record
    rapid_set: RapidSet | None = None


def rapid_set_of(record_id: RecordId, phase: RapidPhase | None) -> RapidSet | None:
    if phase is None:
        return None
    if record_id in phase.calibration:
        return RapidSet.CALIBRATION
    return RapidSet.DUAL if record_id in phase.dual else None


def phase_for_one(rapid_set: RapidSet | None, record_id: RecordId) -> RapidPhase:
    """The rapid phase once the gate has opened, as far as one record needs it: after the switch
    only the record's own set matters (the team sizes calibration only while the gate is shut)."""
    return RapidPhase(
        calibration=frozenset({record_id}) if rapid_set is RapidSet.CALIBRATION else frozenset(),
        dual=frozenset({record_id}) if rapid_set is RapidSet.DUAL else frozenset(),
        gate_open=True,
    )


def row_status(
    record_id: RecordId,
    current: Sequence[DecisionEvent],
    resolution: Resolution | None,
    settings: StageSettings,
    stage: Stage,
    *,
    active_reviewers: Collection[ReviewerId],
    rapid: RapidPhase | None,
) -> RecordStatus:
    """One record's status from its current votes (oldest first), as `stage_statuses` rules:
    the votes of reviewers no longer screening count only once the record is settled."""
    if settings.mode is not Mode.RAPID:
        rapid = None
    status = record_status(record_id, current, resolution, settings, stage, rapid=rapid)
    if not status.state.settled and any(v.reviewer_id not in active_reviewers for v in current):
        active = [v for v in current if v.reviewer_id in active_reviewers]
        status = record_status(record_id, active, resolution, settings, stage, rapid=rapid)
    return status


def stage_rows(
    record_ids: Iterable[RecordId],
    log: Sequence[DecisionEvent],
    resolutions: Sequence[Resolution],
    settings: StageSettings,
    stage: Stage,
    *,
    active_reviewers: Collection[ReviewerId],
    rapid: RapidPhase | None = None,
) -> dict[RecordId, StageRow]:
    """Every record's row at ``stage`` from the whole log (the reference the stored rows match)."""
    current = votes_by_record(log, stage)
    final = latest_resolutions(resolutions, stage)
    events: Mapping[RecordId, list[DecisionEvent]] = _events_by_record(log, stage)
    rows = {}
    for record_id in record_ids:
        status = row_status(
            record_id,
            current.get(record_id, []),
            final.get(record_id),
            settings,
            stage,
            active_reviewers=active_reviewers,
            rapid=rapid,
        )
        first = FirstVotes()
        kept = False
        for event in events.get(record_id, []):
            first = first.after(event)
            kept = kept or event.vote is not Vote.EXCLUDE
        in_rapid = rapid if settings.mode is Mode.RAPID else None
        rows[record_id] = StageRow(
            record_id, status, first, kept, rapid_set_of(record_id, in_rapid)
        )
    return rows


def _events_by_record(
    log: Iterable[DecisionEvent], stage: Stage
) -> dict[RecordId, list[DecisionEvent]]:
    grouped: dict[RecordId, list[DecisionEvent]] = defaultdict(list)
    for event in sorted((e for e in log if e.stage == stage), key=lambda e: e.seq):
        grouped[event.record_id].append(event)
    return grouped


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    """What every stage row of a review follows from (all of it stored as events or settings).

    ``records`` in import order, each with whether it left before screening (a duplicate or a
    removed record); ``reviewers`` are the members with the reviewer role (a rapid review's
    calibration team by default); ``switches`` the recorded rapid switches."""

    review_id: int
    records: Sequence[tuple[RecordId, bool]]
    retrieved: Collection[RecordId]
    log: Sequence[DecisionEvent]
    resolutions: Sequence[Resolution]
    settings: ReviewSettings
    screeners: frozenset[ReviewerId]
    reviewers: frozenset[ReviewerId] = frozenset()
    switches: Mapping[Stage, RapidSwitch] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StageTable:
    """One stage's rows (every record of the review), which records are at the stage, and the
    rapid gate when the stage is screened in rapid mode."""

    stage: Stage
    rows: dict[RecordId, StageRow]
    in_stage: frozenset[RecordId]
    gate: RapidGate | None


def review_rows(facts: ReviewFacts) -> dict[Stage, StageTable]:
    """Both stages' rows from scratch: title/abstract first, as full text follows from it."""
    kept = [record_id for record_id, left in facts.records if not left]
    everyone = [record_id for record_id, _left in facts.records]
    title_abstract = stage_table(facts, Stage.TITLE_ABSTRACT, kept, everyone)
    at_full_text = full_text_members(title_abstract.rows, facts.retrieved)
    full_text = stage_table(
        facts, Stage.FULL_TEXT, [r for r in kept if r in at_full_text], everyone, at_full_text
    )
    return {Stage.TITLE_ABSTRACT: title_abstract, Stage.FULL_TEXT: full_text}


def full_text_members(
    title_abstract: Mapping[RecordId, StageRow], retrieved: Collection[RecordId]
) -> frozenset[RecordId]:
    """Only records included at title/abstract whose report was retrieved enter full text."""
    return frozenset(
        record_id
        for record_id, row in title_abstract.items()
        if row.status.state is RecordState.INCLUDED and record_id in retrieved
    )


def stage_table(
    facts: ReviewFacts,
    stage: Stage,
    at_stage: Sequence[RecordId],
    everyone: Sequence[RecordId],
    in_stage: frozenset[RecordId] | None = None,
) -> StageTable:
    """Rows for *everyone* at *stage*; the rapid plan is drawn over the records *at_stage*."""
    settings = facts.settings.for_stage(stage)
    gate = rapid_gate(facts, stage, at_stage) if settings.mode is Mode.RAPID else None
    rows = stage_rows(
        everyone,
        facts.log,
        facts.resolutions,
        settings,
        stage,
        active_reviewers=facts.screeners,
        rapid=gate.phase() if gate is not None else None,
    )
    members = frozenset(everyone) if in_stage is None else in_stage
    return StageTable(stage, rows, members, gate)


def rapid_gate(facts: ReviewFacts, stage: Stage, at_stage: Sequence[RecordId]) -> RapidGate:
    """The rapid plan of a stage: calibrated by the screeners who voted there, or by those with
    the reviewer role; the dual set drawn in a reproducible order seeded by the review."""
    voters = {event.reviewer_id for event in facts.log if event.stage == stage}
    team = (voters | facts.reviewers) & facts.screeners
    order = rapid_order(at_stage, seed=facts.review_id)
    return evaluate_gate(
        order,
        facts.log,
        facts.settings.for_stage(stage),
        stage,
        team,
        recorded=facts.switches.get(stage),
    )


def plan_digest(gate: RapidGate | None) -> str:
    """Changes whenever the rapid plan changes what any record needs (sets, team, the switch)."""
    if gate is None:
        return ""
    team = 0 if gate.opened else len(gate.team)  # the team sizes calibration until the switch
    plan = (sorted(gate.calibration), sorted(gate.dual), team, gate.opened)
    return hashlib.sha256(repr(plan).encode()).hexdigest()


def fresh_status(settings: StageSettings, stage: Stage, gate: RapidGate | None) -> RecordStatus:
    """The status of a record nobody voted on, outside any rapid set (what new records get)."""
    phase = RapidPhase(gate_open=gate.opened) if gate is not None else None
    return record_status(0, [], None, settings, stage, rapid=phase)
