"""Job rows as the use cases that start and finish jobs read them (claims, leases and ends are
the runner's, in `api.jobs`)."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from api.tables import Job


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, job_id: int) -> Job | None:
        return self.session.get(Job, job_id)

    def set_progress(self, job_id: int, done: int, total: int) -> None:
        self.session.execute(
            update(Job).where(col(Job.id) == job_id).values(done=done, total=total)
        )
