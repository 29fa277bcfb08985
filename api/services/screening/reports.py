"""What screening says so far: conflicts, agreement, progress, the methods text, the decision log.

Every figure respects blinding: counts only, and no vote on an unsettled record but the caller's.
"""

from __future__ import annotations

import io
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.db import read_snapshot
from api.permissions import Role
from api.repositories.notes import NotesRepository
from api.repositories.screening.state import StateRepository
from api.repositories.screening.votes import ScreeningRepository, to_event
from api.schemas.notes import NoteRead
from api.schemas.screening import (
    AgreementFigures,
    AgreementRead,
    ConflictPage,
    ConflictRead,
    FleissRead,
    PairRead,
    ProgressRead,
    RapidRead,
    ReviewerProgressRead,
    StageProgressRead,
    StoppingRead,
)
from api.services.screening.resolutions import may_resolve
from api.services.screening.state import current, review_settings
from api.services.screening.store import stage_gate
from api.services.screening.votes import vote_read
from api.tables import Review
from screening import csv_cells
from screening.agreement import (
    AgreementStats,
    FirstVoteTally,
    VotePair,
    agreement_band,
    agreement_from_tally,
    tally_log,
)
from screening.decisions import RecordState, superseded_seqs
from screening.methods import StageFigures, methods_paragraph
from screening.model import DecisionEvent, Stage
from screening.notes import WrittenNote, note_cell, notes_by_vote
from screening.queue import FOR_LEADS
from screening.ranking.stopping import estimate_remaining

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
    session: Session,
    review: Review,
    stage: Stage,
    viewer_id: int,
    role: Role,
    *,
    offset: int = 0,
    limit: int = 100,
) -> ConflictPage:
    """Records awaiting the caller's decision, with every vote and note: blinding is for the
    screeners, not for the resolver (a lead, or a designated third reviewer, who sees only
    the records they did not vote on). Anyone else has none to resolve. Titles, votes and
    notes are read for the page only."""
    assert review.id is not None
    waiting = current(session, review).at_stage(review.id, stage, sorted(FOR_LEADS))
    voters = StateRepository(session).voters([row.record_id for row in waiting], stage)
    waiting = [
        row
        for row in waiting
        if may_resolve(review, viewer_id, role, voters.get(row.record_id, []))
    ]
    page = waiting[offset : offset + limit]
    ids = [row.record_id for row in page]
    repo = ScreeningRepository(session)
    titles = repo.titles(review.id, ids)
    active = repo.screeners(review.id)
    votes = _current_by_record(repo.log(review.id, stage, ids)) if ids else {}
    notes = _notes_by_record(session, review.id, ids)
    items = [
        ConflictRead(
            record_id=row.record_id,
            title=titles[row.record_id],
            state=row.state,
            why=row.why,
            # An open record counts only the votes of people still screening.
            voters=sorted(r for r in voters.get(row.record_id, []) if r in active),
            votes=[vote_read(v) for v in votes.get(row.record_id, [])],
            notes=notes.get(row.record_id, []),
        )
        for row in page
    ]
    return ConflictPage(items=items, total=len(waiting))


def agreement(
    session: Session, review: Review, stage: Stage, *, viewer_role: Role
) -> AgreementRead:
    """First-vote agreement; non-leads of a blinded stage see it over settled records only."""
    settled_only = (
        review_settings(review).for_stage(stage).blinding and viewer_role is not Role.LEAD
    )
    result = agreement_from_tally(
        first_vote_tally(session, review, stage, settled_only=settled_only),
        stage,
        maybe_as_include=True,
    )
    # What the blinded view leaves out, said rather than hidden (counts only, as progress).
    everyone = (
        sum(first_vote_tally(session, review, stage).overall.values())
        if settled_only
        else result.overall.n
    )
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


def first_vote_tally(
    session: Session, review: Review, stage: Stage, *, settled_only: bool = False
) -> FirstVoteTally:
    """First votes counted from the stored rows (the first two votes of each record, the lower
    reviewer id as rater 1); records rated by more than two reviewers are read from the log."""
    assert review.id is not None
    state = current(session, review)
    overall: Counter[VotePair] = Counter()
    pairs: dict[tuple[int, int], Counter[VotePair]] = defaultdict(Counter)
    for a, vote_a, b, vote_b, n in state.first_vote_pairs(
        review.id, stage, settled_only=settled_only
    ):
        # Rater 1 is the lower reviewer id, overall as in the pairs (one computation).
        key, votes = ((a, b), (vote_a, vote_b)) if a < b else ((b, a), (vote_b, vote_a))
        overall[votes] += n
        pairs[key][votes] += n
    counted = FirstVoteTally(dict(overall), dict(pairs), 2 if overall else 0)
    wide = state.widely_rated(review.id, stage, settled_only=settled_only)
    if not wide:
        return counted
    log = ScreeningRepository(session).log(review.id, stage, wide)
    return counted.combined(tally_log(log, stage))


def _figures(stats: AgreementStats) -> AgreementFigures:
    return AgreementFigures(
        **{name: getattr(stats, name) for name in AgreementFigures.model_fields}
    )


def progress(session: Session, review: Review) -> ProgressRead:
    return ProgressRead(
        title_abstract=_stage_progress(session, review, Stage.TITLE_ABSTRACT),
        full_text=_stage_progress(session, review, Stage.FULL_TEXT),
    )


def _stage_progress(session: Session, review: Review, stage: Stage) -> StageProgressRead:
    """Counts only: by state, per reviewer, and the stopping estimate, all from stored rows."""
    assert review.id is not None
    state = current(session, review)
    counts = state.state_counts(review.id, stage)
    screeners = sorted(ScreeningRepository(session).screeners(review.id))
    open_records = state.open_count(review.id, stage)
    per_reviewer = state.reviewer_counts(review.id, stage, screeners)
    gate = stage_gate(session, review, stage)
    return StageProgressRead(
        mode=review_settings(review).for_stage(stage).mode.value,
        total=sum(counts.values()),
        by_state={s: counts.get(s, 0) for s in RecordState},
        conflicts=sum(counts.get(s, 0) for s in FOR_LEADS),
        reviewers=[
            ReviewerProgressRead(
                reviewer_id=r,
                done=per_reviewer.get(r, (0, 0, 0))[0],
                to_do=open_records - per_reviewer.get(r, (0, 0, 0))[1],
                conflicts=per_reviewer.get(r, (0, 0, 0))[2],
            )
            for r in screeners
        ],
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
        stopping=_stopping(state, review.id, stage, sum(counts.values())),
    )


def _stopping(state: StateRepository, review_id: int, stage: Stage, total: int) -> StoppingRead:
    """The remaining-relevant estimate from records in the order they were first screened.

    A settled record counts as its outcome; an open one as relevant if any vote keeps it.
    """
    decisions = state.screened_in_order(review_id, stage)
    estimate = estimate_remaining(decisions, total - len(decisions))
    return StoppingRead(**{name: getattr(estimate, name) for name in StoppingRead.model_fields})


def methods(session: Session, review: Review) -> str:
    """The PRISMA item 8 paragraph from the settings and the figures so far."""
    assert review.id is not None
    settings = review_settings(review)
    state = current(session, review)
    repo = ScreeningRepository(session)
    figures = {}
    for stage in Stage:
        voters = repo.voter_count(review.id, stage)
        if stage is Stage.FULL_TEXT and not voters:
            continue
        figures[stage] = StageFigures(
            records=state.count_at_stage(review.id, stage),
            team_size=max(2, voters),
            agreement=agreement_from_tally(first_vote_tally(session, review, stage), stage).overall,
            conflicts=repo.count_resolutions(review.id, stage),
            rapid=stage_gate(session, review, stage),
        )
    return methods_paragraph(settings, figures)


# Votes read at a time by the decision log: its memory stays flat however large the review.
LOG_CHUNK = 2_000


def iter_decision_log(
    session: Session, review: Review, viewer_id: int, chunk: int = LOG_CHUNK
) -> Iterator[dict[str, Any]]:
    """Every vote event in the order cast, superseded ones included; others' votes on unsettled
    records withheld. A vote's note column also holds the notes its voter wrote for it
    (`screening.notes`). Read *chunk* votes at a time, each with the whole history of its
    records (what replaced a vote, and which vote a note went with, are within a record)."""
    assert review.id is not None
    repo = ScreeningRepository(session)
    state = current(session, review)
    settings = review_settings(review)
    reasons = {r.id: r.label for r in repo.reasons(review.id)}
    emails: dict[int, str] = {}
    after = 0
    while page := repo.vote_records(review.id, after=after, limit=chunk):
        last = page[-1][0]
        records = sorted({record_id for _vote, record_id in page})
        history = [to_event(row) for row in repo.decision_rows(review.id, record_ids=records)]
        events = [event for event in history if after < event.seq <= last]
        after = last
        superseded = superseded_seqs(history)
        written = notes_by_vote(history, _written_notes(session, review.id, records))
        settled = {stage: state.settled(review.id, stage, records) for stage in Stage}
        emails.update(repo.emails({event.reviewer_id for event in events} - emails.keys()))
        for event in events:
            blinding = settings.for_stage(event.stage).blinding
            if not _visible(event, viewer_id, blinding, settled[event.stage].get(event.record_id)):
                continue
            yield {
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
        session.expunge_all()  # written out: let them go


def stream_decision_log(
    engine: Engine, review_id: int, viewer_id: int, *, fmt: str
) -> Iterator[bytes]:
    """The decision log as CSV or JSON (``{"items": [...], "total": n}``), a chunk at a time,
    in a session of its own (the request's is released before the body is sent). A rapid
    review's plan is brought up to date and committed first, in a short transaction; the log
    is then read from one snapshot (`read_snapshot`)."""
    with Session(engine) as session:
        current(session, session.get_one(Review, review_id))
        session.commit()
        read_snapshot(session)
        rows = iter_decision_log(session, session.get_one(Review, review_id), viewer_id)
        chunks = _log_csv_chunks(rows) if fmt == "csv" else _log_json_chunks(rows)
        for text in chunks:
            yield text.encode("utf-8")
        session.rollback()  # read only


def _log_csv_chunks(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv_cells.dict_writer(buffer, EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for index, row in enumerate(rows, start=1):
        writer.writerow(row)
        if index % LOG_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _log_json_chunks(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """The JSON body a chunk at a time, written as FastAPI writes a response."""
    yield '{"items":['
    total = 0
    while batch := list(itertools.islice(rows, LOG_CHUNK)):
        yield ("," if total else "") + ",".join(map(_json, batch))
        total += len(batch)
    yield f'],"total":{total}}}'


def _json(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _written_notes(
    session: Session, review_id: int, record_ids: Sequence[int]
) -> list[WrittenNote]:
    """The notes on these records (saved with `n`), tags written after the text."""
    return [
        WrittenNote(
            note.record_id,
            note.user_id,
            " ".join([note.text.strip(), *(f"#{tag}" for tag in note.tags)]).strip(),
            note.created_at,
        )
        for note in NotesRepository(session).notes(review_id, record_ids)
    ]


def _visible(event: DecisionEvent, viewer_id: int, blinding: bool, settled: bool | None) -> bool:
    """Own votes always; others' when the stage is unblinded or the record is settled there
    (``settled`` None: the record is not at the stage any more, e.g. reopened upstream)."""
    if event.reviewer_id == viewer_id or not blinding:
        return True
    return bool(settled)


def _notes_by_record(
    session: Session, review_id: int, record_ids: list[int]
) -> dict[int, list[NoteRead]]:
    grouped: dict[int, list[NoteRead]] = {}
    for note in NotesRepository(session).notes(review_id, record_ids):
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
