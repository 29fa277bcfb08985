"""Reading a review's imported records (listing with filters, one record)."""

from __future__ import annotations

from sqlmodel import Session

from api.errors import NotFound
from api.repositories.records import RecordFilter, RecordRepository
from api.schemas.records import RecordDetail, RecordIdentifiers, RecordPage, RecordRead
from api.services.audit import record_event
from api.tables import Review, User


def list_records(
    session: Session, review: Review, *, where: RecordFilter, limit: int, offset: int
) -> RecordPage:
    assert review.id is not None
    rows, total = RecordRepository(session).page(review.id, where, limit=limit, offset=offset)
    return RecordPage(items=[RecordRead.model_validate(row) for row in rows], total=total)


def get_record(session: Session, review: Review, record_id: int) -> RecordDetail:
    assert review.id is not None
    record = RecordRepository(session).get(review.id, record_id)
    if record is None:
        raise NotFound("record", record_id)
    return RecordDetail.model_validate(record)


def correct_identifiers(
    session: Session, review: Review, actor: User, record_id: int, change: RecordIdentifiers
) -> RecordDetail:
    """Set a record's DOI and/or PMID as a person corrected them (audited with the values
    before and after). Merges already made stay; the next deduplication run reads the new
    identifiers."""
    assert review.id is not None
    record = RecordRepository(session).get(review.id, record_id)
    if record is None:
        raise NotFound("record", record_id)
    changed: dict[str, list[str | None]] = {}
    for name in sorted(change.model_fields_set):
        before, after = getattr(record, name), getattr(change, name)
        if before != after:
            setattr(record, name, after)
            changed[name] = [before, after]
    if changed:
        session.add(record)
        session.flush()
        record_event(
            session,
            actor=actor,
            action="record.identifiers",
            review_id=review.id,
            target=f"record:{record_id}",
            details=changed,
        )
    return RecordDetail.model_validate(record)
