"""Studies: the units of analysis, each with one or more reports (records)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from api.deps import LeadAccess, ReadAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.ids import DbId, Offset
from api.schemas.studies import ReportsLink, StudyPage, StudyRead
from api.services import studies

router = APIRouter(prefix="/reviews/{rid}/studies", tags=["studies"], responses=ERROR_RESPONSES)


@router.get("", response_model=StudyPage)
def list_studies(
    access: ReadAccess,
    session: SessionDep,
    status: Annotated[Literal["included", "all"], Query()] = "all",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[Offset, Query()] = 0,
) -> StudyPage:
    """A page of studies with their reports, ``{"items", "total"}``, in creation order;
    ``status=included`` keeps those included at full text."""
    return studies.page(session, access.review, status, limit=limit, offset=offset)


@router.get("/{sid}", response_model=StudyRead)
def read_study(sid: Annotated[DbId, Path()], access: ReadAccess, session: SessionDep) -> StudyRead:
    """One study with its reports."""
    return studies.one(session, access.review, sid)


@router.post("/{sid}/reports", response_model=StudyRead)
def link_reports(
    sid: Annotated[DbId, Path()], data: ReportsLink, access: LeadAccess, session: SessionDep
) -> StudyRead:
    """Link records to this study as its reports; answers the study."""
    studies.link_reports(session, access.review, access.user, sid, data.record_ids)
    return studies.one(session, access.review, sid)
