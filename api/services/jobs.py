"""Reading a background job's progress: members of its review may; a job of no review, whoever
started it and administrators."""

from __future__ import annotations

from sqlmodel import Session

from api.permissions import Permission
from api.repositories.jobs import JobRepository
from api.services.access import authorize
from api.services.errors import NotFound
from api.tables import Job, User


def readable_job(session: Session, user: User, job_id: int) -> Job:
    job = JobRepository(session).get(job_id)
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
