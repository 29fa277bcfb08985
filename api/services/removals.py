"""Records removed before screening (PRISMA 2020: by automation tools, or for other reasons)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from api.repositories.reports import ReportsRepository
from api.repositories.rows import save
from api.repositories.screening.votes import ScreeningRepository
from api.services.audit import record_event
from api.services.errors import Conflict, InvalidInput, NotFound
from api.tables import Record, Removal, Review, User
from screening.prisma.model import OTHER_METHOD_KINDS, SourceKind


def remove_records(
    session: Session,
    review: Review,
    actor: User,
    *,
    record_ids: Sequence[int],
    removed: Removal,
    reason: str,
) -> int:
    """Set records aside before screening; refused for duplicates, records already voted on,
    and records found by other methods (PRISMA counts removals for databases and registers)."""
    assert review.id is not None
    records = _records(session, review, record_ids)
    voted = ScreeningRepository(session).voted_records(review.id, record_ids)
    source_kinds = ReportsRepository(session).source_kinds(review.id)
    for record in records:
        if record.duplicate_of_id is not None:
            raise Conflict(f"record {record.id} is a duplicate; it is already out of screening")
        if record.id in voted:
            raise Conflict(
                f"record {record.id} already has screening votes; exclude it through screening"
            )
        kind = SourceKind(source_kinds[record.source_id])
        if kind in OTHER_METHOD_KINDS:
            raise InvalidInput(
                f"record {record.id} was found by {kind.value}; PRISMA 2020 removes records "
                "before screening only among those from databases and registers"
            )
    for record in records:
        record.removed, record.removal_reason = removed, reason.strip()
    save(session, *records)
    record_event(
        session,
        actor=actor,
        action="records.remove",
        review_id=review.id,
        details={"records": list(record_ids), "removed": removed.value, "reason": reason},
    )
    return len(records)


def restore_records(
    session: Session, review: Review, actor: User, *, record_ids: Sequence[int]
) -> int:
    """Bring removed records back into screening."""
    records = _records(session, review, record_ids)
    for record in records:
        if record.removed is None:
            raise Conflict(f"record {record.id} was not removed")
    for record in records:
        record.removed, record.removal_reason = None, None
    save(session, *records)
    record_event(
        session,
        actor=actor,
        action="records.restore",
        review_id=review.id,
        details={"records": list(record_ids)},
    )
    return len(records)


def _records(session: Session, review: Review, record_ids: Sequence[int]) -> list[Record]:
    assert review.id is not None
    wanted = list(dict.fromkeys(record_ids))
    found = ScreeningRepository(session).records(review.id, wanted)
    for record_id in wanted:
        if record_id not in found:
            raise NotFound("record", record_id)
    return [found[record_id] for record_id in wanted]
