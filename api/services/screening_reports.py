"""What screening says so far: conflicts, agreement, progress, the methods text, the decision log.

Every figure respects blinding: counts only, and no vote on an unsettled record but the caller's.
"""

from __future__ import annotations

import io
from typing import Any

from sqlmodel import Session

from api.permissions import Role
from api.repositories.screening import ScreeningRepository, to_event
from api.repositories.screening_views import ScreeningViews
from api.schemas.screening import (
    AgreementFigures,
    AgreementRead,
    ConflictRead,
    FleissRead,
    NoteRead,
    PairRead,
    ProgressRead,
    RapidRead,
    ReviewerProgressRead,
    StageProgressRead,
    StoppingRead,
)
from api.services.resolutions import may_resolve
from api.services.screening import vote_read
from api.services.screening_stage import StageState
from api.services.screening_state import load_stage, review_settings
from api.tables import Review
from screening import csv_cells
from screening.agreement import AgreementStats, agreement_band, stage_agreement
from screening.decisions import RecordState, RecordStatus, superseded_seqs
from screening.methods import StageFigures, methods_paragraph
from screening.model import DecisionEvent, Stage, Vote
from screening.notes import WrittenNote, note_cell, notes_by_vote
from screening.queue import FOR_LEADS, stage_progress, visible_votes
from screening.stopping import estimate_remaining

EXPORT_COLUMNS = (
    "decision_id",
    "record_id",
    "stage",
    "reviewer_id",
    "reviewer_email",
    "decision",
    "reason_id",
    "reason",
    "note",
    "created_at",
    "supersedes_id",
    "superseded",
)


def conflicts(
    session: Session, review: Review, stage: Stage, viewer_id: int, role: Role
) -> list[ConflictRead]:
    """Records awaiting the caller's decision, with every vote and note: blinding is for the
    screeners, not for the resolver (a lead, or a designated third reviewer, who sees only
    the records they did not vote on). Anyone else has none to resolve."""
    state = load_stage(session, review, stage)
    waiting = [s for s in state.statuses.values() if s.state in FOR_LEADS]
    waiting = [s for s in waiting if may_resolve(review, viewer_id, role, s.voters)]
    ids = [s.record_id for s in waiting]
    records = ScreeningRepository(session).records(state.review_id, ids)
    current = _current_by_record(state.log)
    notes = _notes_by_record(session, state.review_id, ids)
    return [
        ConflictRead(
            record_id=status.record_id,
            title=records[status.record_id].title,
            state=status.state,
            why=status.why,
            voters=sorted(status.voters),
            votes=[vote_read(v) for v in current.get(status.record_id, [])],
            notes=notes.get(status.record_id, []),
        )
        for status in waiting
    ]


def agreement(
    session: Session, review: Review, stage: Stage, *, viewer_role: Role
) -> AgreementRead:
    """First-vote agreement; non-leads of a blinded stage see it over settled records only."""
    state = load_stage(session, review, stage)
    settled_only = state.settings.blinding and viewer_role is not Role.LEAD
    records = {r for r, s in state.statuses.items() if s.state.settled} if settled_only else None
    result = stage_agreement(state.log, stage, records=records, maybe_as_include=True)
    # What the blinded view leaves out, said rather than hidden (counts only, as progress).
    everyone = stage_agreement(state.log, stage).overall.n if settled_only else result.overall.n
    fleiss = result.fleiss
    return AgreementRead(
        **_figures(result.overall).model_dump(),
        stage=stage,
        band=agreement_band(result.overall.kappa),
        maybe_as_include=result.maybe_as_include,
        settled_only=settled_only,
        left_out=everyone - result.overall.n,
        pairs=[
            PairRead(reviewers=p.reviewers, **_figures(p.stats).model_dump()) for p in result.pairs
        ],
        fleiss=None
        if fleiss is None
        else FleissRead(
            n_items=fleiss.n_items,
            raters_per_item=fleiss.raters_per_item,
            kappa=fleiss.kappa,
            note=fleiss.note,
        ),
    )


def _figures(stats: AgreementStats) -> AgreementFigures:
    return AgreementFigures(
        **{name: getattr(stats, name) for name in AgreementFigures.model_fields}
    )


def progress(session: Session, review: Review) -> ProgressRead:
    title_abstract = load_stage(session, review, Stage.TITLE_ABSTRACT)
    full_text = load_stage(session, review, Stage.FULL_TEXT, title_abstract=title_abstract.statuses)
    return ProgressRead(
        title_abstract=_stage_progress(title_abstract), full_text=_stage_progress(full_text)
    )


def _stage_progress(state: StageState) -> StageProgressRead:
    counts = stage_progress(state.statuses, state.screeners)
    gate = state.gate
    return StageProgressRead(
        mode=state.settings.mode.value,
        total=counts.total,
        by_state=dict(counts.by_state),
        conflicts=counts.conflicts,
        reviewers=[ReviewerProgressRead(**_asdict(r)) for r in counts.reviewers],
        rapid=None
        if gate is None
        else RapidRead(
            opened=gate.opened,
            opened_at=gate.opened_at,
            calibration=len(gate.calibration),
            dual=len(gate.dual),
            kappa=gate.agreement.kappa if gate.agreement else None,
            batches_added=gate.batches_added,
        ),
        stopping=_stopping(state),
    )


def _asdict(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


def _stopping(state: StageState) -> StoppingRead:
    """The remaining-relevant estimate from records in the order they were first screened.

    A settled record counts as its outcome; an open one as relevant if any vote keeps it.
    """
    first_seen: dict[int, int] = {}
    kept: set[int] = set()
    for event in state.log:
        first_seen.setdefault(event.record_id, event.seq)
        if event.vote is not Vote.EXCLUDE:
            kept.add(event.record_id)
    screened = sorted((seq, r) for r, seq in first_seen.items() if r in state.statuses)
    decisions = [_relevant(state.statuses[r], r in kept) for _seq, r in screened]
    unscreened = len(state.statuses) - len(screened)
    estimate = estimate_remaining(decisions, unscreened)
    return StoppingRead(**{name: getattr(estimate, name) for name in StoppingRead.model_fields})


def _relevant(status: RecordStatus, kept_by_a_vote: bool) -> bool:
    if status.state.settled:
        return status.state is RecordState.INCLUDED
    return kept_by_a_vote


def methods(session: Session, review: Review) -> str:
    """The PRISMA item 8 paragraph from the settings and the figures so far."""
    settings = review_settings(review)
    figures = {}
    title_abstract = load_stage(session, review, Stage.TITLE_ABSTRACT)
    states = [title_abstract]
    full_text = load_stage(session, review, Stage.FULL_TEXT, title_abstract=title_abstract.statuses)
    if full_text.log:
        states.append(full_text)
    for state in states:
        voters = {e.reviewer_id for e in state.log}
        figures[state.stage] = StageFigures(
            records=len(state.record_ids),
            team_size=max(2, len(voters)),
            agreement=stage_agreement(state.log, state.stage).overall,
            conflicts=sum(1 for r in state.resolutions if r.stage == state.stage),
            rapid=state.gate,
        )
    return methods_paragraph(settings, figures)


def decision_log(session: Session, review: Review, viewer_id: int) -> list[dict[str, Any]]:
    """Every vote event, superseded ones included; others' votes on unsettled records withheld.
    A vote's note column also holds the notes its voter wrote for it (`screening.notes`)."""
    assert review.id is not None
    repo = ScreeningRepository(session)
    rows = repo.decision_rows(review.id)
    events = [to_event(row) for row in rows]
    superseded = superseded_seqs(events)
    states = {stage: load_stage(session, review, stage) for stage in Stage}
    reasons = {r.id: r.label for r in repo.reasons(review.id)}
    emails = repo.emails({e.reviewer_id for e in events})
    written = notes_by_vote(events, _written_notes(session, review.id))
    out = []
    for event in events:
        if not _visible(states[event.stage], event, viewer_id):
            continue
        out.append(
            {
                "decision_id": event.seq,
                "record_id": event.record_id,
                "stage": event.stage.value,
                "reviewer_id": event.reviewer_id,
                "reviewer_email": emails.get(event.reviewer_id, ""),
                "decision": event.vote.value,
                "reason_id": event.reason_id,
                "reason": reasons.get(event.reason_id, "") if event.reason_id else "",
                "note": note_cell(event.note, written.get(event.seq, [])),
                "created_at": event.at.isoformat(),
                "supersedes_id": event.supersedes,
                "superseded": event.seq in superseded,
            }
        )
    return out


def _written_notes(session: Session, review_id: int) -> list[WrittenNote]:
    """The review's notes (saved with `n`), tags written after the text."""
    return [
        WrittenNote(
            note.record_id,
            note.user_id,
            " ".join([note.text.strip(), *(f"#{tag}" for tag in note.tags)]).strip(),
            note.created_at,
        )
        for note in ScreeningViews(session).review_notes(review_id)
    ]


def _visible(state: StageState, event: DecisionEvent, viewer_id: int) -> bool:
    status = state.statuses.get(event.record_id)
    if event.reviewer_id == viewer_id:
        return True
    if status is None:  # not at the stage any more (e.g. reopened upstream): blinded
        return not state.settings.blinding
    return bool(visible_votes(viewer_id, status, [event], blinding=state.settings.blinding))


def decision_log_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv_cells.dict_writer(buffer, EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _notes_by_record(
    session: Session, review_id: int, record_ids: list[int]
) -> dict[int, list[NoteRead]]:
    grouped: dict[int, list[NoteRead]] = {}
    for note in ScreeningViews(session).notes(review_id, record_ids):
        grouped.setdefault(note.record_id, []).append(NoteRead.model_validate(note))
    return grouped


def _current_by_record(log: list[DecisionEvent]) -> dict[int, list[DecisionEvent]]:
    latest: dict[tuple[int, int], DecisionEvent] = {}
    for event in log:
        latest[(event.record_id, event.reviewer_id)] = event
    grouped: dict[int, list[DecisionEvent]] = {}
    for (record_id, _), event in sorted(latest.items(), key=lambda kv: kv[1].seq):
        grouped.setdefault(record_id, []).append(event)
    return grouped
