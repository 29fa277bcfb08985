"""A review's imported records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import ReadAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.repositories.records import RecordFilter
from api.schemas.records import RecordDetail, RecordPage
from api.services import records

router = APIRouter(prefix="/reviews/{rid}/records", tags=["records"], responses=ERROR_RESPONSES)


@router.get("", response_model=RecordPage)
def list_records(
    access: ReadAccess,
    session: SessionDep,
    source_id: Annotated[int | None, Query(ge=1)] = None,
    batch_id: Annotated[int | None, Query(ge=1)] = None,
    q: Annotated[str | None, Query(max_length=500, description="title contains")] = None,
    year: Annotated[int | None, Query(ge=0, le=9999)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> RecordPage:
    """The review's records in import order, filtered by source, batch, title words or year."""
    where = RecordFilter(source_id=source_id, batch_id=batch_id, title_contains=q, year=year)
    return records.list_records(session, access.review, where=where, limit=limit, offset=offset)


@router.get("/{record_id}", response_model=RecordDetail)
def read_record(
    record_id: Annotated[int, Path(ge=1)], access: ReadAccess, session: SessionDep
) -> RecordDetail:
    """One record, with its source text as it was in the imported file."""
    return records.get_record(session, access.review, record_id)
