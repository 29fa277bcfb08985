"""A review's imported records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import LibrarianAccess, ReadAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.ids import DbId, Offset
from api.schemas.records import (
    DuplicatesShown,
    RecordDetail,
    RecordFilter,
    RecordHistory,
    RecordIdentifiers,
    RecordPage,
    RecordRemoval,
    RecordRestore,
    RemovalResult,
    StageDecision,
)
from api.services import records, removals
from screening.model import Stage

router = APIRouter(prefix="/reviews/{rid}/records", tags=["records"], responses=ERROR_RESPONSES)


@router.get("", response_model=RecordPage)
def list_records(
    access: ReadAccess,
    session: SessionDep,
    source_id: Annotated[DbId | None, Query()] = None,
    batch_id: Annotated[DbId | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=500, description="title contains")] = None,
    search: Annotated[
        str | None,
        Query(
            max_length=500,
            description='words (a "quoted phrase" is one), each found in the title, abstract, '
            "an author's name, the DOI or the PMID",
        ),
    ] = None,
    year: Annotated[int | None, Query(ge=0, le=9999)] = None,
    year_from: Annotated[int | None, Query(ge=0, le=9999)] = None,
    year_to: Annotated[int | None, Query(ge=0, le=9999)] = None,
    removed: Annotated[
        bool | None, Query(description="only records removed before screening, or none")
    ] = None,
    duplicates: Annotated[
        DuplicatesShown,
        Query(
            description="`include` every record; `exclude` merged duplicates (each study once); "
            "`only` the merged duplicates"
        ),
    ] = DuplicatesShown.INCLUDE,
    stage: Annotated[
        Stage | None, Query(description="records at this stage now (not duplicates, not removed)")
    ] = None,
    decision: Annotated[
        StageDecision | None,
        Query(
            description="the stored status at `stage` (or at either stage); `conflict`, "
            "`awaiting` and `needs_votes` for a lead only (403)"
        ),
    ] = None,
    label: Annotated[
        str | None,
        Query(
            max_length=100,
            description="a tag of a note on the record (under blinding, another person's note "
            "only once the title/abstract is settled)",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> RecordPage:
    """The review's records in import order, filtered by source, batch, title words, a search,
    years, removal before screening, merge state, screening stage and decision, or a note's
    tag; each with how many records are merged into it (`merged`)."""
    where = RecordFilter(
        source_id=source_id,
        batch_id=batch_id,
        title_contains=q,
        year=year,
        year_from=year_from,
        year_to=year_to,
        removed=removed,
        duplicates=duplicates,
        search=records.search_terms(search),
        stage=stage,
        decision=records.decision_filter(access.role, decision),
        label=records.label_filter(access.review, access.user, label),
    )
    return records.list_records(session, access.review, where=where, limit=limit, offset=offset)


@router.get("/{record_id}", response_model=RecordDetail)
def read_record(
    record_id: Annotated[DbId, Path()], access: ReadAccess, session: SessionDep
) -> RecordDetail:
    """One record, with its source text as it was in the imported file."""
    return records.get_record(session, access.review, record_id)


@router.get("/{record_id}/history", response_model=RecordHistory)
def record_history(
    record_id: Annotated[DbId, Path()], access: ReadAccess, session: SessionDep
) -> RecordHistory:
    """A record's history: its import (source, file or PubMed search, who and when), the
    record kept for its study and the others merged with it, every merge of its group (by
    the matcher or by whom) and every pair a person kept apart or unmerged, identifier
    corrections and removals before screening. No screening votes."""
    return records.record_history(session, access.review, record_id)


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
