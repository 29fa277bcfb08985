"""Background jobs: progress for the UI and the CLI to poll."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import CurrentUserDep, SessionDep, authorize
from api.errors import ERROR_RESPONSES
from api.permissions import Permission
from api.schemas.ids import DbId
from api.schemas.jobs import JobRead
from api.services.errors import NotFound
from api.tables import Job

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=ERROR_RESPONSES)


@router.get("/{job_id}", response_model=JobRead)
def read_job(job_id: Annotated[DbId, Path()], user: CurrentUserDep, session: SessionDep) -> Job:
    """A job's status and progress (`done` of `total`); members of its review may read it."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound("job", job_id)
    if job.review_id is not None:
        try:
            authorize(session, user, job.review_id, Permission.READ)
        except NotFound:
            raise NotFound("job", job_id) from None
    elif job.created_by_id != user.id and not user.is_admin:
        raise NotFound("job", job_id)
    return job
