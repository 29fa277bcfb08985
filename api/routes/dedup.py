"""Deduplication: run it, read the queue of uncertain pairs, decide a pair, undo a merge."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from api.deps import LibrarianAccess, ReadAccess, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.schemas.dedup import DedupSummary, DuplicateDecision, DuplicatePage, DuplicatePair
from api.schemas.ids import DbId, Offset
from api.schemas.jobs import JobRead
from api.services import dedup
from api.tables import DuplicateStatus

router = APIRouter(prefix="/reviews/{rid}", tags=["deduplication"], responses=ERROR_RESPONSES)

LinkIdPath = Annotated[DbId, Path()]


@router.post(
    "/dedup",
    response_model=DedupSummary | JobRead,
    responses={202: {"model": JobRead, "description": "a large review: a background job"}},
)
def run_dedup(
    access: LibrarianAccess, session: SessionDep, settings: SettingsDep, response: Response
) -> DedupSummary | JobRead:
    """Find duplicates among the review's records: certain ones are merged (never deleted),
    uncertain ones are queued; decisions people made are never changed. A review of 20,000
    records or more (setting `dedup_job_min_records`) is deduplicated in the background: 202
    and the job to poll."""
    outcome = dedup.start_dedup(
        session, access.review, access.user, job_min_records=settings.dedup_job_min_records
    )
    if isinstance(outcome, JobRead):
        response.status_code = status.HTTP_202_ACCEPTED
    return outcome


@router.get("/duplicates", response_model=DuplicatePage)
def list_duplicates(
    access: ReadAccess,
    session: SessionDep,
    status: DuplicateStatus = DuplicateStatus.PENDING,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[Offset, Query()] = 0,
    record_id: Annotated[
        DbId | None, Query(description="only pairs about this record's group")
    ] = None,
) -> DuplicatePage:
    """Pairs with a status, both records side by side with the field scores and the reason,
    most similar first. The default, `pending`, is the queue: one question per two clusters
    (their most alike records); clusters a person already kept apart are not asked again.
    Each question also carries both groups (`group_a`, `group_b`: the records already merged
    with each side) and `explanation`, why the matcher asks, in plain words. `record_id`
    keeps the pairs about that record and the records merged with it."""
    return dedup.list_duplicates(
        session, access.review, status, limit=limit, offset=offset, record_id=record_id
    )


@router.post("/duplicates/{link_id}", response_model=DuplicatePair)
def decide_pair(
    link_id: LinkIdPath, data: DuplicateDecision, access: LibrarianAccess, session: SessionDep
) -> DuplicatePair:
    """`confirmed` merges the two clusters of the pair, whatever the automatic rules say
    (different DOIs, an erratum and its article: people decide); `rejected` keeps them apart,
    also on later runs. A merge that would join two records a person kept apart is 409."""
    return dedup.decide_pair(session, access.review, access.user, link_id, data.decision)


@router.post("/duplicates/{link_id}/undo", response_model=DuplicatePair)
def undo_merge(link_id: LinkIdPath, access: LibrarianAccess, session: SessionDep) -> DuplicatePair:
    """Undo an automatic or confirmed merge: both records are their own again, for good."""
    return dedup.undo_merge(session, access.review, access.user, link_id)
