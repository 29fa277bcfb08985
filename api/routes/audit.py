"""A review's audit log: who did what, when (for its leads)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from api.deps import LeadAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.audit import AuditFilter, AuditPage
from api.schemas.ids import DbId, Offset
from api.services import audit

router = APIRouter(prefix="/reviews/{rid}/audit", tags=["audit"], responses=ERROR_RESPONSES)


@router.get("", response_model=AuditPage)
def read_audit_log(
    access: LeadAccess,
    session: SessionDep,
    actor_id: Annotated[DbId | None, Query(description="events by this user")] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="e.g. import.create, resolution.create")
    ] = None,
    since: Annotated[AwareDatetime | None, Query(description="from this time (inclusive)")] = None,
    until: Annotated[AwareDatetime | None, Query(description="before this time")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> AuditPage:
    """The review's audit events, newest first, filtered by actor, action and time range."""
    where = AuditFilter(
        actor_id=actor_id, action=action, since=_as_utc(since), until=_as_utc(until)
    )
    return audit.page(session, access.review, where, limit=limit, offset=offset)


def _as_utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None
