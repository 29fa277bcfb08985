"""Around the votes: exclusion reasons, full texts (PDF files), notes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from api.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from api.repositories.screening import ScreeningRepository
from api.schemas.screening import NoteCreate, ReasonCreate
from api.services.audit import record_event
from api.services.screening import get_record
from api.services.screening_state import review_settings, status_at
from api.services.screening_store import lock_for_change, retrieval_changed
from api.tables import (
    ExclusionReason,
    FullText,
    FullTextStatus,
    RecordNote,
    Review,
    User,
    utc_now,
)
from screening.model import Stage

DEFAULT_FULL_TEXT_REASONS = (
    "Wrong population",
    "Wrong intervention",
    "Wrong comparator",
    "Wrong outcome",
    "Wrong study design",
    "Wrong setting",
    "Wrong publication type",
    "Duplicate",
)
PDF_MAGIC = b"%PDF-"


def seed_default_reasons(session: Session, review_id: int) -> None:
    """The usual full-text exclusion reasons every new review starts with."""
    for position, label in enumerate(DEFAULT_FULL_TEXT_REASONS):
        session.add(
            ExclusionReason(
                review_id=review_id, stage=Stage.FULL_TEXT, label=label, position=position
            )
        )
    session.flush()


def list_reasons(session: Session, review: Review) -> Sequence[ExclusionReason]:
    assert review.id is not None
    return ScreeningRepository(session).reasons(review.id)


def add_reason(
    session: Session, review: Review, actor: User, data: ReasonCreate
) -> ExclusionReason:
    assert review.id is not None
    label = data.label.strip()
    existing = ScreeningRepository(session).reasons(review.id, data.stage)
    if any(r.label.casefold() == label.casefold() for r in existing):
        raise Conflict(f"{data.stage.value} already has the exclusion reason {label!r}")
    reason = ExclusionReason(
        review_id=review.id, stage=data.stage, label=label, position=len(existing)
    )
    ScreeningRepository(session).add(reason)
    record_event(
        session,
        actor=actor,
        action="exclusion_reason.create",
        review_id=review.id,
        target=f"exclusion_reason:{reason.id}",
        details={"stage": data.stage.value, "label": label},
    )
    return reason


def store_pdf(
    session: Session,
    review: Review,
    actor: User,
    record_id: int,
    *,
    filename: str,
    content: bytes,
    data_dir: Path,
    max_bytes: int,
) -> FullText:
    """Keep a PDF under the data directory (content-addressed) and mark the report retrieved."""
    assert review.id is not None
    get_record(session, review, record_id)
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"the PDF exceeds the limit of {max_bytes // (1024 * 1024)} MB")
    if not content.startswith(PDF_MAGIC):
        raise InvalidInput("file: not a PDF (it does not start with %PDF-)")
    digest = hashlib.sha256(content).hexdigest()
    relative = Path("reviews") / str(review.id) / "full_text" / f"{digest}.pdf"
    target = data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        temporary = target.with_suffix(".part")
        temporary.write_bytes(content)
        temporary.replace(target)  # atomic: a reader never sees half a file
    return _set_full_text(
        session,
        review,
        actor,
        record_id,
        status=FullTextStatus.RETRIEVED,
        filename=Path(filename or "full-text.pdf").name[:500],
        path=relative.as_posix(),
        sha256=digest,
        size_bytes=len(content),
    )


def mark_not_retrieved(session: Session, review: Review, actor: User, record_id: int) -> FullText:
    get_record(session, review, record_id)
    return _set_full_text(session, review, actor, record_id, status=FullTextStatus.NOT_RETRIEVED)


def _set_full_text(
    session: Session, review: Review, actor: User, record_id: int, **fields: Any
) -> FullText:
    repo = ScreeningRepository(session)
    lock_for_change(session, record_id, Stage.TITLE_ABSTRACT)
    row = repo.full_text(record_id) or FullText(
        review_id=review.id or 0, record_id=record_id, status=fields["status"]
    )
    if fields["status"] is FullTextStatus.NOT_RETRIEVED:
        fields = {"status": FullTextStatus.NOT_RETRIEVED}  # an earlier PDF stays on record
    for key, value in fields.items():
        setattr(row, key, value)
    row.uploaded_by_id = actor.id
    row.updated_at = utc_now()
    repo.add(row)
    retrieval_changed(session, review, record_id)
    record_event(
        session,
        actor=actor,
        action="full_text.set",
        review_id=review.id,
        target=f"record:{record_id}",
        details={"status": row.status.value, "sha256": row.sha256},
    )
    return row


def read_pdf(session: Session, review: Review, record_id: int, data_dir: Path) -> tuple[Path, str]:
    get_record(session, review, record_id)
    row = ScreeningRepository(session).full_text(record_id)
    if row is None or not row.path:
        raise NotFound("full text of record", record_id)
    path = data_dir / row.path
    if not path.is_file():
        raise NotFound("stored PDF of record", record_id)
    return path, row.filename or "full-text.pdf"


def add_note(
    session: Session, review: Review, actor: User, record_id: int, data: NoteCreate
) -> RecordNote:
    assert review.id is not None
    assert actor.id is not None
    get_record(session, review, record_id)
    tags = sorted({t.strip() for t in data.tags if t.strip()})
    if not data.text.strip() and not tags:
        raise InvalidInput("body: a note needs text or at least one tag")
    note = RecordNote(
        review_id=review.id, record_id=record_id, user_id=actor.id, text=data.text, tags=tags
    )
    ScreeningRepository(session).add(note)
    return note


def notes(session: Session, review: Review, viewer: User, record_id: int) -> list[RecordNote]:
    """Notes on a record; under blinding, others' notes only once its title/abstract is settled."""
    assert review.id is not None
    record = get_record(session, review, record_id)
    rows = session.exec(
        select(RecordNote)
        .where(RecordNote.review_id == review.id, RecordNote.record_id == record_id)
        .order_by(col(RecordNote.id))
    ).all()
    status = status_at(session, review, record, Stage.TITLE_ABSTRACT)
    blinding = review_settings(review).for_stage(Stage.TITLE_ABSTRACT).blinding
    if not blinding or (status is not None and status.state.settled):
        return list(rows)
    return [n for n in rows if n.user_id == viewer.id]
