"""Data extraction: versioned forms, entries per study and person, verification, consensus.

Every entry is a new row (a revision supersedes the person's previous one); nothing is
overwritten, so each reviewer's "as extracted" copy stays beside the consensus (Cochrane).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from api.repositories.extraction import ExtractionRepository
from api.repositories.studies import StudyRepository
from api.schemas.extraction import ConflictRead, DifferenceRead, EntryRead
from api.schemas.reviews import ReviewSettings
from api.services.audit import record_event
from api.services.errors import Conflict, NotFound
from api.tables import Extraction, ExtractionKind, Review, Study, User
from api.tables import ExtractionForm as FormRow
from screening.extraction.compare import (
    Entry,
    EntryKind,
    ExtractionMode,
    StudyExtraction,
    StudyState,
    check_can_extract,
    check_can_verify,
    consensus_values,
    current_entries,
    study_extraction,
)
from screening.extraction.forms import ExtractionForm, parse_form, validate_values


def extraction_mode(review: Review) -> ExtractionMode:
    return ReviewSettings.model_validate(review.settings).extraction.mode


def core_form(row: FormRow) -> ExtractionForm:
    return parse_form(row.fields, version=row.version)


def put_form(
    session: Session, review: Review, actor: User, fields: list[dict[str, Any]]
) -> FormRow:
    """A new version of the form (the same fields again change nothing); entries keep theirs."""
    assert review.id is not None
    repo = ExtractionRepository(session)
    latest = repo.latest_form(review.id)
    form = parse_form(fields, version=1 if latest is None else latest.version + 1)
    if latest is not None and core_form(latest).fields == form.fields:
        return latest
    row = FormRow(
        review_id=review.id, version=form.version, fields=form.to_dicts(), created_by_id=actor.id
    )
    repo.add(row)
    record_event(
        session,
        actor=actor,
        action="extraction_form.put",
        review_id=review.id,
        target=f"extraction_form:{row.id}",
        details={"version": row.version, "fields": [f.key for f in form.fields]},
    )
    return row


def current_form(session: Session, review: Review) -> FormRow:
    assert review.id is not None
    row = ExtractionRepository(session).latest_form(review.id)
    if row is None:
        raise NotFound("extraction form of review", review.id)
    return row


def form_version(session: Session, review: Review, version: int) -> FormRow:
    assert review.id is not None
    found = [
        f for f in ExtractionRepository(session).forms(review.id).values() if f.version == version
    ]
    if not found:
        raise NotFound("extraction form version", version)
    return found[0]


def get_study(session: Session, review: Review, study_id: int) -> Study:
    assert review.id is not None
    study = StudyRepository(session).get(review.id, study_id)
    if study is None:
        raise NotFound("study", study_id)
    return study


def to_entry(row: Extraction) -> Entry:
    assert row.id is not None
    return Entry(row.id, row.extractor_id, EntryKind(row.kind.value), row.values)


def _study_rows(session: Session, review: Review, study_id: int) -> list[Extraction]:
    assert review.id is not None
    get_study(session, review, study_id)
    return ExtractionRepository(session).entries(review.id, study_id)


def put_extraction(
    session: Session, review: Review, user: User, study_id: int, values: dict[str, Any]
) -> Extraction:
    """Record (or revise) the caller's own extraction of a study against the current form."""
    assert user.id is not None
    form_row = current_form(session, review)
    form = core_form(form_row)
    rows = _study_rows(session, review, study_id)
    check_can_extract(extraction_mode(review), form, [to_entry(r) for r in rows], user.id)
    cleaned = validate_values(form, values)
    return _add_entry(
        session, review, user, rows, form_row, study_id, EntryKind.EXTRACTION, cleaned
    )


def verify_extraction(
    session: Session, review: Review, user: User, study_id: int, values: dict[str, Any] | None
) -> Extraction:
    """A second person signs off the extraction (``values`` None) or records corrected values."""
    assert user.id is not None
    form_row = current_form(session, review)
    form = core_form(form_row)
    rows = _study_rows(session, review, study_id)
    checked = check_can_verify(extraction_mode(review), form, [to_entry(r) for r in rows], user.id)
    cleaned = dict(checked.values) if values is None else validate_values(form, values)
    return _add_entry(
        session, review, user, rows, form_row, study_id, EntryKind.VERIFICATION, cleaned
    )


def record_consensus(
    session: Session, review: Review, lead: User, study_id: int, decided: dict[str, Any]
) -> Extraction:
    """The lead's values for the fields the two extractors disagree on (agreed ones are kept)."""
    mode = extraction_mode(review)
    if mode is not ExtractionMode.DUAL:
        raise Conflict(f"the review extracts in {mode.value} mode; consensus is for dual mode")
    form_row = current_form(session, review)
    form = core_form(form_row)
    rows = _study_rows(session, review, study_id)
    extractions = [
        e for e in current_entries(map(to_entry, rows)) if e.kind is EntryKind.EXTRACTION
    ]
    if len(extractions) < 2:
        raise Conflict(f"study {study_id} needs two extractions before a consensus")
    first, second = extractions[0], extractions[1]
    merged = consensus_values(form, first.values, second.values, decided)
    return _add_entry(session, review, lead, rows, form_row, study_id, EntryKind.CONSENSUS, merged)


def _add_entry(
    session: Session,
    review: Review,
    user: User,
    rows: list[Extraction],
    form_row: FormRow,
    study_id: int,
    kind: EntryKind,
    values: dict[str, Any],
) -> Extraction:
    assert review.id is not None
    assert user.id is not None
    assert form_row.id is not None
    previous = _current_row(rows, kind, user.id)
    if previous is not None and previous.values == values and previous.form_id == form_row.id:
        return previous  # a repeated save records nothing
    row = Extraction(
        review_id=review.id,
        study_id=study_id,
        form_id=form_row.id,
        extractor_id=user.id,
        kind=ExtractionKind(kind.value),
        values=values,
        supersedes_id=None if previous is None else previous.id,
    )
    ExtractionRepository(session).add(row)
    record_event(
        session,
        actor=user,
        action=f"extraction.{kind.value}",
        review_id=review.id,
        target=f"study:{study_id}",
        details={"extraction_id": row.id, "form_version": form_row.version},
    )
    return row


def _current_row(rows: list[Extraction], kind: EntryKind, user_id: int) -> Extraction | None:
    """The row a new entry supersedes: the person's own, or the last consensus (anyone's)."""
    matching = [
        r
        for r in rows
        if r.kind.value == kind.value and (kind is EntryKind.CONSENSUS or r.extractor_id == user_id)
    ]
    return matching[-1] if matching else None


def study_states(session: Session, review: Review) -> dict[int, StudyExtraction]:
    """Every study that has entries, with its state (conflicts, finals) under the current form."""
    assert review.id is not None
    form = core_form(current_form(session, review))
    grouped: dict[int, list[Entry]] = {}
    for row in ExtractionRepository(session).entries(review.id):
        grouped.setdefault(row.study_id, []).append(to_entry(row))
    mode = extraction_mode(review)
    return {sid: study_extraction(mode, form, entries) for sid, entries in grouped.items()}


def study_state(session: Session, review: Review, study_id: int) -> StudyExtraction:
    form = core_form(current_form(session, review))
    rows = _study_rows(session, review, study_id)
    return study_extraction(extraction_mode(review), form, map(to_entry, rows))


def own_entry(session: Session, review: Review, user: User, study_id: int) -> Extraction | None:
    """The caller's current extraction (or verification) of the study, to resume work on."""
    assert user.id is not None
    rows = _study_rows(session, review, study_id)
    mine = [r for r in rows if r.extractor_id == user.id and r.kind is not ExtractionKind.CONSENSUS]
    return mine[-1] if mine else None


def current_extractions(session: Session, review: Review, study_id: int) -> list[Extraction]:
    """Each extractor's current extraction of the study (not verifications or consensus): what a
    lead reads side by side before recording the consensus."""
    rows = _study_rows(session, review, study_id)
    by_id = {row.id: row for row in rows}
    current = current_entries(map(to_entry, rows))
    return [by_id[e.seq] for e in current if e.kind is EntryKind.EXTRACTION]


def conflicts(session: Session, review: Review) -> list[tuple[int, StudyExtraction]]:
    return [
        (sid, state)
        for sid, state in sorted(study_states(session, review).items())
        if state.state is StudyState.CONFLICT
    ]


def entry_read(session: Session, row: Extraction) -> EntryRead:
    """An entry as the API shows it, with the version of the form it was made with."""
    assert row.id is not None
    form = ExtractionRepository(session).form(row.form_id)
    assert form is not None
    return EntryRead(
        id=row.id,
        study_id=row.study_id,
        form_version=form.version,
        extractor_id=row.extractor_id,
        kind=row.kind.value,
        values=row.values,
        created_at=row.created_at,
    )


def conflict_reads(session: Session, review: Review) -> list[ConflictRead]:
    """Studies whose two extractions differ, field by field, with the studies' labels."""
    assert review.id is not None
    labels = ExtractionRepository(session).study_labels(review.id)
    return [
        ConflictRead(
            study_id=sid,
            study=labels.get(sid, ""),
            first=state.extractors[0],
            second=state.extractors[1],
            differences=[
                DifferenceRead(path=d.path, label=d.label, first=d.first, second=d.second)
                for d in state.differences
            ],
        )
        for sid, state in conflicts(session, review)
    ]
