"""A stage's state read from the database: records at the stage, the log, statuses, rapid gate.

Every screening use case starts here; the rules themselves live in `screening/`.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from api.permissions import Role
from api.repositories.screening import RAPID_SWITCH, ScreeningRepository
from api.services.screening_cache import cached_stage
from api.services.screening_settings import core_settings
from api.services.screening_stage import StageState
from api.tables import FullTextStatus, Record, Review, StageEvent
from screening.decisions import RecordState, RecordStatus, record_status, stage_statuses
from screening.model import DecisionEvent, Mode, Resolution, ReviewSettings, Stage, StageSettings
from screening.rapid import RapidGate, RapidSwitch, evaluate_gate, rapid_order
from screening.workflow import Position, Retrieval, position_of

RETRIEVAL = {
    FullTextStatus.RETRIEVED: Retrieval.RETRIEVED,
    FullTextStatus.NOT_RETRIEVED: Retrieval.NOT_RETRIEVED,
}
FULL_TEXT_POSITIONS = frozenset({Position.FT_SCREENING, Position.FT_EXCLUDED, Position.INCLUDED})


def review_settings(review: Review) -> ReviewSettings:
    return core_settings(review.settings)


def load_stage(
    session: Session,
    review: Review,
    stage: Stage,
    *,
    title_abstract: dict[int, RecordStatus] | None = None,
) -> StageState:
    """The whole stage; in rapid mode also evaluates the gate and records the switch once.

    For full text, pass the title/abstract statuses if already loaded (saves a second pass).
    Title/abstract outside rapid mode comes from the per-process cache, updated vote by vote.
    """
    settings = review_settings(review).for_stage(stage)
    if stage is Stage.TITLE_ABSTRACT and settings.mode is not Mode.RAPID:
        return cached_stage(session, review, stage, lambda: _build(session, review, stage, None))
    return _build(session, review, stage, title_abstract)


def _build(
    session: Session,
    review: Review,
    stage: Stage,
    title_abstract: dict[int, RecordStatus] | None,
) -> StageState:
    assert review.id is not None
    repo = ScreeningRepository(session)
    settings = review_settings(review).for_stage(stage)
    all_ids, duplicates, removed = repo.record_ids(review.id)
    record_ids = [r for r in all_ids if r not in duplicates and r not in removed]
    if stage is Stage.FULL_TEXT:
        record_ids = _at_full_text(session, review, record_ids, title_abstract)
    log = repo.log(review.id, stage)
    resolutions = repo.resolutions(review.id)
    screeners = frozenset(repo.screeners(review.id))
    gate = None
    if settings.mode is Mode.RAPID:
        gate = _rapid_gate(session, review.id, stage, settings, record_ids, log, screeners)
    statuses = _statuses(record_ids, log, resolutions, settings, stage, screeners, gate)
    return StageState(
        review.id, stage, settings, record_ids, log, resolutions, statuses, screeners, gate
    )


def _statuses(
    record_ids: list[int],
    log: list[DecisionEvent],
    resolutions: list[Resolution],
    settings: StageSettings,
    stage: Stage,
    screeners: frozenset[int],
    gate: RapidGate | None,
) -> dict[int, RecordStatus]:
    """Every record's status; records nobody touched share one status (computed once), which
    keeps a 10,000-record stage fast. In rapid mode each record's set matters, so all are read."""
    voters = {event.reviewer_id for event in log}
    active = None if voters <= screeners else screeners  # a removed voter needs the second look
    touched = record_ids
    if gate is None:
        marked = {e.record_id for e in log} | {r.record_id for r in resolutions if r.stage == stage}
        touched = [r for r in record_ids if r in marked]
    statuses = stage_statuses(
        touched,
        log,
        resolutions,
        settings,
        stage,
        active_reviewers=active,
        rapid=gate.phase() if gate else None,
    )
    if len(statuses) < len(record_ids):
        untouched = record_status(0, [], None, settings, stage)
        for record_id in record_ids:
            if record_id not in statuses:
                statuses[record_id] = RecordStatus(  # positional: 20x faster than replace()
                    record_id,
                    untouched.state,
                    untouched.voters,
                    untouched.votes_needed,
                    untouched.reason_id,
                    untouched.resolution,
                    untouched.why,
                )
    return statuses


def positions(session: Session, review: Review) -> dict[int, Position]:
    """Where each record of the review stands across both stages."""
    assert review.id is not None
    repo = ScreeningRepository(session)
    all_ids, duplicates, removed = repo.record_ids(review.id)
    title_abstract = load_stage(session, review, Stage.TITLE_ABSTRACT).statuses
    full_text = load_stage(session, review, Stage.FULL_TEXT, title_abstract=title_abstract).statuses
    retrieval = repo.retrieval(review.id)
    return {
        record_id: _position(record_id, duplicates, removed, title_abstract, full_text, retrieval)
        for record_id in all_ids
    }


def _position(
    record_id: int,
    duplicates: set[int],
    removed: set[int],
    title_abstract: dict[int, RecordStatus],
    full_text: dict[int, RecordStatus],
    retrieval: dict[int, FullTextStatus],
) -> Position:
    ta = title_abstract.get(record_id)
    ft = full_text.get(record_id)
    fetched = retrieval.get(record_id)
    return position_of(
        is_duplicate=record_id in duplicates,
        is_removed=record_id in removed,
        title_abstract=ta.state if ta else RecordState.NEEDS_VOTES,
        retrieval=RETRIEVAL[fetched] if fetched else Retrieval.PENDING,
        full_text=ft.state if ft else None,
    )


def _at_full_text(
    session: Session,
    review: Review,
    record_ids: list[int],
    title_abstract: dict[int, RecordStatus] | None,
) -> list[int]:
    """Only records included at title/abstract whose report was retrieved enter full text."""
    assert review.id is not None
    if title_abstract is None:
        title_abstract = load_stage(session, review, Stage.TITLE_ABSTRACT).statuses
    retrieval = ScreeningRepository(session).retrieval(review.id)
    return [
        record_id
        for record_id in record_ids
        if title_abstract[record_id].state is RecordState.INCLUDED
        and retrieval.get(record_id) is FullTextStatus.RETRIEVED
    ]


def _rapid_gate(
    session: Session,
    review_id: int,
    stage: Stage,
    settings: StageSettings,
    record_ids: list[int],
    log: list[DecisionEvent],
    screeners: frozenset[int],
) -> RapidGate:
    repo = ScreeningRepository(session)
    # The team that calibrates: screeners who have voted at this stage, or reviewers by role.
    voters = {event.reviewer_id for event in log}
    team = (voters | repo.members_with_role(review_id, Role.REVIEWER)) & screeners
    stored = repo.recorded_switch(review_id, stage)
    recorded = _switch_from(stored) if stored else None
    order = rapid_order(record_ids, seed=review_id)
    gate = evaluate_gate(order, log, settings, stage, team, recorded=recorded)
    switch = gate.switch()
    if stored is None and switch is not None:
        repo.add(_switch_event(review_id, stage, switch, gate))
    return gate


def _switch_event(review_id: int, stage: Stage, switch: RapidSwitch, gate: RapidGate) -> StageEvent:
    stats = gate.agreement
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


def _switch_from(event: StageEvent) -> RapidSwitch:
    details = event.details
    return RapidSwitch(
        seq=int(details["seq"]),
        at=datetime.fromisoformat(str(details["at"])),
        calibration=tuple(int(r) for r in details["calibration"]),
        dual=tuple(int(r) for r in details["dual"]),
    )


def record_position(session: Session, review: Review, record: Record) -> Position:
    """Where one record stands; reads only its own votes unless a stage is in rapid mode."""
    assert review.id is not None
    assert record.id is not None
    settings = review_settings(review)
    title_abstract = _one_status(session, review, record.id, Stage.TITLE_ABSTRACT, settings)
    fetched = ScreeningRepository(session).retrieval_of(record.id)
    full_text = None
    if title_abstract.state is RecordState.INCLUDED and fetched is FullTextStatus.RETRIEVED:
        full_text = _one_status(session, review, record.id, Stage.FULL_TEXT, settings).state
    return position_of(
        is_duplicate=record.duplicate_of_id is not None,
        is_removed=record.removed is not None,
        title_abstract=title_abstract.state,
        retrieval=RETRIEVAL[fetched] if fetched else Retrieval.PENDING,
        full_text=full_text,
    )


def _one_status(
    session: Session, review: Review, record_id: int, stage: Stage, settings: ReviewSettings
) -> RecordStatus:
    assert review.id is not None
    stage_settings = settings.for_stage(stage)
    if stage_settings.mode is Mode.RAPID:  # the rapid rule depends on the whole stage
        status = load_stage(session, review, stage).statuses.get(record_id)
        return status or RecordStatus(record_id, RecordState.NEEDS_VOTES)
    repo = ScreeningRepository(session)
    return stage_statuses(
        [record_id],
        repo.record_log(record_id, stage),
        repo.resolutions(review.id, record_id),
        stage_settings,
        stage,
        active_reviewers=repo.screeners(review.id),
    )[record_id]
