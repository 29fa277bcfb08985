"""Background jobs: progress for the UI and the CLI to poll."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import CurrentUserDep, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.ids import DbId
from api.schemas.jobs import JobRead
from api.services import jobs
from api.tables import Job

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=ERROR_RESPONSES)


@router.get("/{job_id}", response_model=JobRead)
def read_job(job_id: Annotated[DbId, Path()], user: CurrentUserDep, session: SessionDep) -> Job:
    """A job's status and progress (`done` of `total`); members of its review may read it."""
    return jobs.readable_job(session, user, job_id)
