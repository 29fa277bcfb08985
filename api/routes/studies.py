"""Studies: the units of analysis, each with one or more reports (records)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import LeadAccess, ReadAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.services import screening_records

router = APIRouter(prefix="/reviews/{rid}/studies", tags=["studies"], responses=ERROR_RESPONSES)


class ReportsLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_ids: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=1000)


@router.get("")
def list_studies(
    access: ReadAccess,
    session: SessionDep,
    status: Annotated[Literal["included", "all"], Query()] = "all",
) -> list[dict[str, Any]]:
    """Studies with their reports; ``status=included`` keeps those included at full text."""
    return screening_records.studies(session, access.review, status)


@router.post("/{sid}/reports")
def link_reports(
    sid: Annotated[int, Path(ge=1)], data: ReportsLink, access: LeadAccess, session: SessionDep
) -> list[dict[str, Any]]:
    """Link records to this study as its reports; answers the review's studies."""
    screening_records.link_reports(session, access.review, access.user, sid, data.record_ids)
    return screening_records.studies(session, access.review, "all")
