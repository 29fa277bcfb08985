"""Screening: the next record, votes, conflicts and resolutions, agreement, progress, the log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status
from fastapi.responses import StreamingResponse

from api.deps import EngineDep, LeadAccess, ReadAccess, ScreenAccess, ScreenInOneTrip, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.ids import DbId, Offset
from api.schemas.screening import (
    AgreementRead,
    ConflictPage,
    MethodsRead,
    NextRecord,
    OwnVotesRead,
    ProgressRead,
    ReasonCreate,
    ReasonRead,
    ResolutionCreate,
    ResolutionRead,
    VoteCreate,
    VoteOutcome,
    VoteRead,
)
from api.services.screening import own_votes, reasons, reports, resolutions, votes
from api.tables import ExclusionReason
from screening.model import Stage

router = APIRouter(prefix="/reviews/{rid}", tags=["screening"], responses=ERROR_RESPONSES)

RecordIdPath = Annotated[DbId, Path()]
StageQuery = Annotated[Stage, Query()]
TA = Stage.TITLE_ABSTRACT


@router.get(
    "/screening/{stage}/next",
    response_model=NextRecord,
    responses={204: {"description": "nothing awaits your vote at this stage"}},
)
async def next_record(
    stage: Stage,
    trip: ScreenInOneTrip,
    after: Annotated[DbId | None, Query()] = None,
) -> Any:
    """The next record awaiting your vote, prioritised, with keyword spans; 204 when none.

    `after=ID` asks for the record that follows the one on your screen (so a client can fetch
    it before you vote): ID stays held for you and is not served again."""
    found = await trip.run(
        lambda session, access: votes.next_record(
            session, access.review, access.user, stage, after=after
        )
    )
    return found if found is not None else Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/records/{record_id}/decisions", response_model=VoteOutcome)
async def cast_vote(
    record_id: RecordIdPath, data: VoteCreate, trip: ScreenInOneTrip, response: Response
) -> VoteOutcome:
    """Vote on a record (201); repeating your current vote records nothing (200)."""
    outcome = await trip.run(
        lambda session, access: votes.cast_vote(
            session, access.review, access.user, record_id, data
        )
    )
    response.status_code = status.HTTP_201_CREATED if outcome.recorded else status.HTTP_200_OK
    return outcome


@router.get("/records/{record_id}/decisions", response_model=list[VoteRead])
def record_votes(
    record_id: RecordIdPath, stage: StageQuery = TA, *, access: ReadAccess, session: SessionDep
) -> list[VoteRead]:
    """Current votes on a record: yours, and others' once the record is settled (blinding)."""
    return votes.record_votes(session, access.review, access.user, record_id, stage)


@router.get("/my-decisions", response_model=OwnVotesRead)
def my_decisions(
    stage: StageQuery = TA,
    *,
    access: ScreenAccess,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OwnVotesRead:
    """Your current votes at a stage (one per record, newest first), to reopen and revise."""
    return own_votes.own_votes(
        session, access.review, access.user, stage, offset=offset, limit=limit
    )


@router.get("/conflicts", response_model=ConflictPage)
def conflicts(
    stage: StageQuery = TA,
    *,
    access: ScreenAccess,
    session: SessionDep,
    offset: Annotated[Offset, Query()] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ConflictPage:
    """Records awaiting your decision at a stage, in import order, with every vote and note (the
    resolver is not blinded): all of them for a lead, those you did not vote on for a
    designated third reviewer, none for anyone else. Paged; `total` counts them all."""
    assert access.user.id is not None
    return reports.conflicts(
        session, access.review, stage, access.user.id, access.role, offset=offset, limit=limit
    )


@router.post(
    "/records/{record_id}/resolution",
    response_model=ResolutionRead,
    status_code=status.HTTP_201_CREATED,
)
def resolve(
    record_id: RecordIdPath, data: ResolutionCreate, access: ScreenAccess, session: SessionDep
) -> ResolutionRead:
    """Resolve a conflict (a lead, or a designated third reviewer who did not vote on it)."""
    return votes.resolve(session, access.review, access.user, access.role, record_id, data)


@router.delete("/records/{record_id}/resolution", response_model=ResolutionRead)
def undo_resolution(
    record_id: RecordIdPath, stage: StageQuery = TA, *, access: ScreenAccess, session: SessionDep
) -> ResolutionRead:
    """Take a resolution back (a lead, or the third reviewer who made it): the record is again
    what its votes say. Recorded as a withdrawn resolution and in the audit log."""
    return resolutions.undo_resolution(
        session, access.review, access.user, access.role, record_id, stage
    )


@router.get("/agreement", response_model=AgreementRead)
def agreement(stage: StageQuery = TA, *, access: ReadAccess, session: SessionDep) -> AgreementRead:
    """Percent agreement, Cohen's kappa and PABAK from first independent votes."""
    return reports.agreement(session, access.review, stage, viewer_role=access.role)


@router.get("/progress", response_model=ProgressRead)
def progress(access: ReadAccess, session: SessionDep) -> ProgressRead:
    """Per stage and reviewer: done, to do, conflicts (counts only), and the stopping estimate."""
    return reports.progress(session, access.review)


@router.get("/screening/methods", response_model=MethodsRead)
def methods(access: ReadAccess, session: SessionDep) -> MethodsRead:
    """The screening paragraph of the methods section (PRISMA item 8), from settings and figures."""
    return MethodsRead(text=reports.methods(session, access.review))


@router.get("/decisions/export", response_class=StreamingResponse)
def export_decisions(
    access: LeadAccess,
    engine: EngineDep,
    format: Annotated[Literal["csv", "json"], Query()] = "json",
) -> StreamingResponse:
    """The full decision log (superseded votes included); others' unsettled votes withheld.
    JSON (``{"items": [...], "total": n}``) or CSV, streamed two thousand votes at a time."""
    assert access.user.id is not None
    assert access.review.id is not None
    body = reports.stream_decision_log(engine, access.review.id, access.user.id, fmt=format)
    if format == "csv":
        headers = {"Content-Disposition": 'attachment; filename="decisions.csv"'}
        return StreamingResponse(body, media_type="text/csv", headers=headers)
    return StreamingResponse(body, media_type="application/json")


@router.get("/exclusion-reasons", response_model=list[ReasonRead])
def list_reasons(access: ReadAccess, session: SessionDep) -> Sequence[ExclusionReason]:
    """The review's exclusion reasons per stage."""
    return reasons.list_reasons(session, access.review)


@router.post("/exclusion-reasons", response_model=ReasonRead, status_code=status.HTTP_201_CREATED)
def add_reason(data: ReasonCreate, access: LeadAccess, session: SessionDep) -> ExclusionReason:
    """Add an exclusion reason to a stage."""
    return reasons.add_reason(session, access.review, access.user, data)
