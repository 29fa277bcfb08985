"""The stored stage state, kept in step with what changes it, in the same transaction.

A vote or resolution recomputes only its record's rows from that record's own events
(`refresh_records`); a change that can move many records (settings, a rapid review's plan)
recomputes the whole review (`rebuild`), which is also how the rows are checked against the log.
The rules are the screening core's (`screening.stage_rows`): both paths call the same functions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from api.permissions import Role
from api.repositories.rows import save
from api.repositories.screening.state import (
    RecordAtStages,
    StateRepository,
    StoredRow,
    row_values,
    stored_values,
)
from api.repositories.screening.votes import RAPID_SWITCH, ScreeningRepository
from api.services.screening.settings import core_settings
from api.tables import FullTextStatus, Review, ScreeningState, StageEvent
from screening.decisions import RapidPhase, RecordState
from screening.model import DecisionEvent, Mode, Resolution, ReviewSettings, Stage, StageSettings
from screening.rapid import RapidGate, RapidSwitch
from screening.stage_rows import (
    ReviewFacts,
    StageRow,
    StageTable,
    fresh_status,
    plan_digest,
    rapid_gate,
    review_rows,
    stage_rows,
)

STAGE_DEFAULTS = {
    "fresh_state": RecordState.NEEDS_VOTES,
    "fresh_votes_needed": 2,
    "rapid_plan": "",
}
FIELDS = (
    "in_stage",
    "duplicate",
    "removed",
    "state",
    "votes_needed",
    "voters",
    "reason_id",
    "resolution_id",
    "why",
    "rapid_set",
    "first_votes",
    "first_decision_id",
    "first_reviewer_id",
    "first_vote",
    "second_reviewer_id",
    "second_vote",
    "kept",
)


@dataclass(frozen=True, slots=True)
class Difference:
    """A stored value that is not what the log says (``stored`` None: the row is missing)."""

    record_id: int | None  # None: the review stage's own row
    stage: Stage
    field: str
    stored: object
    expected: object

    def __str__(self) -> str:
        where = f"record {self.record_id}" if self.record_id is not None else "stage settings"
        return (
            f"{where} at {self.stage.value}: {self.field} is {self.stored!r}, "
            f"the log says {self.expected!r}"
        )


def review_settings(review: Review) -> ReviewSettings:
    return core_settings(review.settings)


def screeners(session: Session, review_id: int) -> frozenset[int]:
    return frozenset(ScreeningRepository(session).screeners(review_id))


# Records


def compute_rows(
    session: Session, review: Review, stage: Stage, record_ids: Sequence[int]
) -> dict[int, StageRow] | None:
    """The rows *record_ids* should have, from their own events; None when the review's rapid
    plan changed (the caller rebuilds the review instead)."""
    assert review.id is not None
    plan = _stage_plan(session, review, stage)
    if plan is None:
        return None
    settings, phase = plan
    repo = ScreeningRepository(session)
    return stage_rows(
        record_ids,
        repo.log(review.id, stage, record_ids),
        repo.resolutions(review.id, record_ids=record_ids),
        settings,
        stage,
        active_reviewers=screeners(session, review.id),
        rapid=phase,
    )


def _stage_plan(
    session: Session, review: Review, stage: Stage
) -> tuple[StageSettings, RapidPhase | None] | None:
    """The stage's settings and, in rapid mode, its current phase; None when the rapid plan
    moved (the whole review was rebuilt then)."""
    settings = review_settings(review).for_stage(stage)
    if settings.mode is not Mode.RAPID:
        return settings, None
    phase = _rapid_phase(session, review, stage)
    return None if phase is None else (settings, phase)


def apply_change(
    session: Session,
    review: Review,
    stage: Stage,
    at: RecordAtStages,
    log: list[DecisionEvent],
    *,
    new_resolution: bool = False,
    known_active: Collection[int] = (),
) -> None:
    """Store the record's row at *stage* as its events now say, after a vote (*log*: its events
    at the stage, the new one included) or a resolution, under the row's lock; and move it in
    or out of full text when its title/abstract inclusion changed. A handful of statements,
    whatever the size of the review (a rapid review's plan aside)."""
    assert review.id is not None
    plan = _stage_plan(session, review, stage)
    if plan is None:
        return  # the plan moved: the whole review was rebuilt, this record included
    settings, phase = plan
    state = StateRepository(session)
    stored = at.row(stage)
    resolutions: list[Resolution] = []
    if new_resolution or stored.resolution_id is not None:
        resolutions = ScreeningRepository(session).resolutions(review.id, at.record_id)
    unknown = {event.reviewer_id for event in log} - set(known_active)
    active = set(known_active) | (state.active_among(review.id, unknown) if unknown else set())
    [row] = stage_rows(
        [at.record_id], log, resolutions, settings, stage, active_reviewers=active, rapid=phase
    ).values()
    if _differs(stored, row):
        state.save(at.record_id, stage, row)
    if stage is Stage.TITLE_ABSTRACT:
        member = row.status.state is RecordState.INCLUDED
        member = member and at.retrieval is FullTextStatus.RETRIEVED
        if member != at.full_text.in_stage:
            state.set_in_stage([at.record_id], Stage.FULL_TEXT, member)
            if review_settings(review).for_stage(Stage.FULL_TEXT).mode is Mode.RAPID:
                _rapid_phase(session, review, Stage.FULL_TEXT)


def refresh_records(
    session: Session, review: Review, stage: Stage, record_ids: Sequence[int]
) -> None:
    """Recompute and store these records' rows at *stage* (after a vote or a resolution), and
    move them in or out of full text when their title/abstract inclusion changed."""
    assert review.id is not None
    computed = compute_rows(session, review, stage, record_ids)
    if computed is None:
        rebuild(session, review)
        return
    state = StateRepository(session)
    before = state.rows(review.id, stage, record_ids)
    changed = [row for record_id, row in computed.items() if _differs(before.get(record_id), row)]
    state.save_many(stage, changed)
    if stage is Stage.TITLE_ABSTRACT:
        follow_title_abstract(session, review, record_ids)


def follow_title_abstract(session: Session, review: Review, record_ids: Sequence[int]) -> None:
    """Full text holds the records included at title/abstract whose report was retrieved."""
    assert review.id is not None
    state = StateRepository(session)
    title_abstract = state.rows(review.id, Stage.TITLE_ABSTRACT, record_ids)
    full_text = state.rows(review.id, Stage.FULL_TEXT, record_ids)
    retrieved = {
        r
        for r, status in ScreeningRepository(session).retrieval_of_records(record_ids).items()
        if status is FullTextStatus.RETRIEVED
    }
    entering: list[int] = []
    leaving: list[int] = []
    for record_id, row in title_abstract.items():
        member = row.state is RecordState.INCLUDED and record_id in retrieved
        current = full_text.get(record_id)
        if current is not None and current.in_stage != member:
            (entering if member else leaving).append(record_id)
    state.set_in_stage(entering, Stage.FULL_TEXT, True)
    state.set_in_stage(leaving, Stage.FULL_TEXT, False)
    settings = review_settings(review).for_stage(Stage.FULL_TEXT)
    if (entering or leaving) and settings.mode is Mode.RAPID:
        _rapid_phase(session, review, Stage.FULL_TEXT)  # the dual set is drawn over members


def _differs(stored: StoredRow | None, row: StageRow) -> bool:
    return stored is None or stored_values(stored) != row_values(row)


# Rapid reviews


def _rapid_phase(session: Session, review: Review, stage: Stage) -> RapidPhase | None:
    """The rapid plan the stage's rows follow; None after rebuilding the review because the
    plan changed. Once the switch to single screening is recorded the plan is fixed."""
    assert review.id is not None
    stored = ScreeningRepository(session).recorded_switch(review.id, stage)
    if stored is not None:
        switch = switch_from(stored)
        return RapidPhase(
            calibration=frozenset(switch.calibration), dual=frozenset(switch.dual), gate_open=True
        )
    facts = review_facts(session, review)
    at_stage = _at_stage(facts, stage, session, review)
    gate = rapid_gate(facts, stage, at_stage)
    row = StateRepository(session).stage_row(review.id, stage)
    if gate.switch() is not None or row is None or row["rapid_plan"] != plan_digest(gate):
        rebuild(session, review, facts=facts)
        return None
    return gate.phase()


def _at_stage(facts: ReviewFacts, stage: Stage, session: Session, review: Review) -> list[int]:
    kept = [record_id for record_id, left in facts.records if not left]
    if stage is Stage.TITLE_ABSTRACT:
        return kept
    assert review.id is not None
    rows = StateRepository(session).rows(review.id, Stage.TITLE_ABSTRACT)
    retrieved = set(facts.retrieved)
    return [
        r for r in kept if r in retrieved and r in rows and rows[r].state is RecordState.INCLUDED
    ]


def switch_from(event: StageEvent) -> RapidSwitch:
    details = event.details
    return RapidSwitch(
        seq=int(details["seq"]),
        at=datetime.fromisoformat(str(details["at"])),
        calibration=tuple(int(r) for r in details["calibration"]),
        dual=tuple(int(r) for r in details["dual"]),
    )


def stage_gate(session: Session, review: Review, stage: Stage) -> RapidGate | None:
    """The rapid gate of a stage as reports show it (None outside rapid mode)."""
    if review_settings(review).for_stage(stage).mode is not Mode.RAPID:
        return None
    return review_rows(review_facts(session, review))[stage].gate


# The whole review


def review_facts(session: Session, review: Review) -> ReviewFacts:
    """Everything the review's rows follow from, read from the database."""
    assert review.id is not None
    repo = ScreeningRepository(session)
    all_ids, duplicates, removed = repo.record_ids(review.id)
    left = duplicates | removed
    switches = {
        stage: switch_from(event)
        for stage in Stage
        if (event := repo.recorded_switch(review.id, stage)) is not None
    }
    return ReviewFacts(
        review_id=review.id,
        records=[(record_id, record_id in left) for record_id in all_ids],
        retrieved=frozenset(
            r
            for r, status in repo.retrieval(review.id).items()
            if status is FullTextStatus.RETRIEVED
        ),
        log=repo.log(review.id),
        resolutions=repo.resolutions(review.id),
        settings=review_settings(review),
        screeners=frozenset(repo.screeners(review.id)),
        reviewers=frozenset(repo.members_with_role(review.id, Role.REVIEWER)),
        switches=switches,
    )


def rebuild(
    session: Session, review: Review, *, write: bool = True, facts: ReviewFacts | None = None
) -> list[Difference]:
    """Recompute every row of the review from the log and compare; *write* stores the result
    (and records a rapid switch the log shows but nobody recorded). Returns the differences
    found before writing (none when the stored state already agreed)."""
    assert review.id is not None
    facts = facts or review_facts(session, review)
    tables = review_rows(facts)
    flags = _record_flags(session, review.id)
    state = StateRepository(session)
    differences: list[Difference] = []
    for stage, table in tables.items():
        differences += _stage_differences(session, review, facts, table, write=write)
        stored = state.rows(review.id, stage)
        wrong: list[StageRow] = []
        moved: dict[bool, list[int]] = {True: [], False: []}
        mirrored: list[tuple[int, bool, bool]] = []
        for record_id, row in table.rows.items():
            where = Placement(record_id in table.in_stage, *flags[record_id])
            found = stored.get(record_id)
            differences += _row_differences(record_id, stage, found, row, where)
            if found is None:
                if write:
                    _insert_row(session, review.id, stage, row, where)
                continue
            if found.in_stage != where.in_stage:
                moved[where.in_stage].append(record_id)
            if (found.duplicate, found.removed) != (where.duplicate, where.removed):
                mirrored.append((record_id, where.duplicate, where.removed))
            if _differs(found, row):
                wrong.append(row)
        if write:
            state.set_record_flags(mirrored)
            state.set_in_stage(moved[True], stage, True)
            state.set_in_stage(moved[False], stage, False)
            state.save_many(stage, wrong)
    return differences


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a record is, besides its status: at the stage, a duplicate, removed."""

    in_stage: bool
    duplicate: bool
    removed: bool


def _record_flags(session: Session, review_id: int) -> dict[int, tuple[bool, bool]]:
    all_ids, duplicates, removed = ScreeningRepository(session).record_ids(review_id)
    return {r: (r in duplicates, r in removed) for r in all_ids}


def _row_differences(
    record_id: int, stage: Stage, stored: StoredRow | None, row: StageRow, where: Placement
) -> list[Difference]:
    expected = {
        "in_stage": where.in_stage,
        "duplicate": where.duplicate,
        "removed": where.removed,
        **row_values(row),
    }
    if stored is None:
        return [Difference(record_id, stage, "row", None, "present")]
    have = {
        "in_stage": stored.in_stage,
        "duplicate": stored.duplicate,
        "removed": stored.removed,
        **stored_values(stored),
    }
    return [
        Difference(record_id, stage, name, have[name], expected[name])
        for name in FIELDS
        if have[name] != expected[name]
    ]


def _stage_differences(
    session: Session, review: Review, facts: ReviewFacts, table: StageTable, *, write: bool
) -> list[Difference]:
    """The review stage's own row (new records' status, the rapid plan) and a rapid switch."""
    assert review.id is not None
    stage = table.stage
    settings = facts.settings.for_stage(stage)
    fresh = fresh_status(settings, stage, table.gate)
    expected = {
        "fresh_state": fresh.state,
        "fresh_votes_needed": fresh.votes_needed,
        "rapid_plan": plan_digest(table.gate),
    }
    state = StateRepository(session)
    # A review without its stage row (one created straight in the database) reads as dual
    # screening's defaults, as the trigger that adds new records' rows does.
    found = state.stage_row(review.id, stage) or STAGE_DEFAULTS
    differences = [
        Difference(None, stage, name, found[name], value)
        for name, value in expected.items()
        if found[name] != value
    ]
    switch = table.gate.switch() if table.gate is not None else None
    if switch is not None and stage not in facts.switches:
        differences.append(Difference(None, stage, "rapid switch", None, switch.seq))
        if write:
            ScreeningRepository(session).add(_switch_event(review.id, stage, switch, table.gate))
    if write and differences:
        state.put_stage(review.id, stage, **expected)
    return differences


def _insert_row(
    session: Session, review_id: int, stage: Stage, row: StageRow, where: Placement
) -> None:
    values = row_values(row)
    at_stage = where.in_stage and not where.duplicate and not where.removed
    save(
        session,
        ScreeningState(
            record_id=row.record_id,
            stage=stage,
            review_id=review_id,
            in_stage=where.in_stage,
            duplicate=where.duplicate,
            removed=where.removed,
            open=at_stage and row.status.votes_needed > 0,
            priority=row.record_id,
            **values,
        ),
    )


def _switch_event(
    review_id: int, stage: Stage, switch: RapidSwitch, gate: RapidGate | None
) -> StageEvent:
    stats = gate.agreement if gate is not None else None
    return StageEvent(
        review_id=review_id,
        stage=stage,
        kind=RAPID_SWITCH,
        at=switch.at,
        details={
            "seq": switch.seq,
            "at": switch.at.isoformat(),
            "calibration": list(switch.calibration),
            "dual": list(switch.dual),
            "kappa": stats.kappa if stats else None,
            "n": stats.n if stats else 0,
        },
    )


# What else moves records


def retrieval_changed(session: Session, review: Review, record_id: int) -> None:
    """A report was retrieved (or not): the record enters or leaves full text."""
    follow_title_abstract(session, review, [record_id])


def member_changed(session: Session, review: Review, user_id: int) -> None:
    """Someone joined, left or changed role: their votes count again or are set aside on the
    records still open, and a rapid review's calibration team may change."""
    assert review.id is not None
    settings = review_settings(review)
    if any(settings.for_stage(stage).mode is Mode.RAPID for stage in Stage):
        rebuild(session, review)
        return
    for stage in Stage:
        voted = ScreeningRepository(session).voted_by(review.id, stage, user_id)
        for chunk in _chunks(voted, 500):
            refresh_records(session, review, stage, chunk)


def settings_changed(session: Session, review: Review, before: dict[str, Any]) -> None:
    """New screening rules (mode, maybe policy, ...) can change every record's status."""
    if review_settings(review) != core_settings(before):
        rebuild(session, review)


def _chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def lock_for_change(session: Session, record_id: int, stage: Stage) -> None:
    """Serialise the changes to a record's row at *stage*: its votes and resolutions queue up
    here (PostgreSQL row lock; on SQLite writers take turns anyway). Title/abstract changes
    also move the record in or out of full text, so retrieval takes the same row."""
    StateRepository(session).row(record_id, stage, lock=True)


def refresh_rapid_plans(session: Session, review: Review) -> None:
    """Bring a rapid review's rows in line with its plan before they are read: records imported,
    merged or removed since the last vote can move the dual set (a no-op outside rapid mode and
    once the switch to single screening is recorded)."""
    settings = review_settings(review)
    for stage in Stage:
        if settings.for_stage(stage).mode is Mode.RAPID:
            _rapid_phase(session, review, stage)
