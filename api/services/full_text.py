"""Full texts: a PDF kept under the data directory (content-addressed), or "not retrieved"."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlmodel import Session

from api.repositories.retrieval import RetrievalRepository
from api.repositories.rows import save
from api.services.audit import record_event
from api.services.errors import InvalidInput, NotFound, PayloadTooLarge
from api.services.screening.store import lock_for_change, retrieval_changed
from api.services.screening.votes import get_record
from api.tables import FullText, FullTextStatus, Review, User, utc_now
from screening.model import Stage

PDF_MAGIC = b"%PDF-"


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
    repo = RetrievalRepository(session)
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
    save(session, row)
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
    row = RetrievalRepository(session).full_text(record_id)
    if row is None or not row.path:
        raise NotFound("full text of record", record_id)
    path = data_dir / row.path
    if not path.is_file():
        raise NotFound("stored PDF of record", record_id)
    return path, row.filename or "full-text.pdf"
