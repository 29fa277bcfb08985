"""Reading a review's imported records (listing with filters, one record)."""

from __future__ import annotations

from sqlmodel import Session

from api.errors import NotFound
from api.repositories.records import RecordFilter, RecordRepository
from api.schemas.records import RecordDetail, RecordPage, RecordRead
from api.tables import Review


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
