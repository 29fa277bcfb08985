"""A review's imported records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import LibrarianAccess, ReadAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.repositories.records import RecordFilter
from api.schemas.ids import DbId, Offset
from api.schemas.records import (
    RecordDetail,
    RecordIdentifiers,
    RecordPage,
    RecordRemoval,
    RecordRestore,
    RemovalResult,
)
from api.services import records, removals

router = APIRouter(prefix="/reviews/{rid}/records", tags=["records"], responses=ERROR_RESPONSES)


@router.get("", response_model=RecordPage)
def list_records(
    access: ReadAccess,
    session: SessionDep,
    source_id: Annotated[DbId | None, Query()] = None,
    batch_id: Annotated[DbId | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=500, description="title contains")] = None,
    year: Annotated[int | None, Query(ge=0, le=9999)] = None,
    removed: Annotated[
        bool | None, Query(description="only records removed before screening, or none")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> RecordPage:
    """The review's records in import order, filtered by source, batch, title words, year or
    removal before screening."""
    where = RecordFilter(
        source_id=source_id, batch_id=batch_id, title_contains=q, year=year, removed=removed
    )
    return records.list_records(session, access.review, where=where, limit=limit, offset=offset)


@router.get("/{record_id}", response_model=RecordDetail)
def read_record(
    record_id: Annotated[DbId, Path()], access: ReadAccess, session: SessionDep
) -> RecordDetail:
    """One record, with its source text as it was in the imported file."""
    return records.get_record(session, access.review, record_id)


@router.patch("/{record_id}", response_model=RecordDetail)
def correct_identifiers(
    record_id: Annotated[DbId, Path()],
    data: RecordIdentifiers,
    access: LibrarianAccess,
    session: SessionDep,
) -> RecordDetail:
    """Correct a record's identifiers: `{"doi"?, "pmid"?}`, `null` or `""` removes one. For a
    DOI or PMID a source got wrong (copied from another record, a journal's DOI): the audit log
    keeps both values, and the next deduplication run reads the new ones. 422 for a value that
    is not a DOI or a PubMed id."""
    return records.correct_identifiers(session, access.review, access.user, record_id, data)


@router.post("/remove", response_model=RemovalResult)
def remove_records(
    data: RecordRemoval, access: LibrarianAccess, session: SessionDep
) -> RemovalResult:
    """Set records aside before screening, `removed` = `automation` (marked ineligible by an
    automation tool) or `other`, with the tool or the reason. They leave the screening queue
    and PRISMA counts them in their own boxes. 409 for a duplicate or a record already voted
    on; 422 for a record found by other methods (websites, organisations, citations)."""
    count = removals.remove_records(
        session,
        access.review,
        access.user,
        record_ids=data.record_ids,
        removed=data.removed,
        reason=data.reason,
    )
    return RemovalResult(records=count)


@router.post("/restore", response_model=RemovalResult)
def restore_records(
    data: RecordRestore, access: LibrarianAccess, session: SessionDep
) -> RemovalResult:
    """Bring removed records back into screening."""
    count = removals.restore_records(
        session, access.review, access.user, record_ids=data.record_ids
    )
    return RemovalResult(records=count)
