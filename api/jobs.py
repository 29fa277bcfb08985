"""Background jobs: a row per job with progress; a restart fails what it interrupted."""

from __future__ import annotations

import os
import socket

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.tables import Job, JobStatus, utc_now


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def fail_interrupted_jobs(engine: Engine) -> int:
    """Mark this host's queued-in-memory or running jobs failed; call before workers start.

    Jobs run inside one transaction per unit of work, so a failed job never leaves half its
    records behind; marking it failed tells the person who started it to run it again."""
    host_prefix = socket.gethostname() + ":"
    with Session(engine) as session, session.begin():
        statement = select(Job).where(
            col(Job.status).in_([JobStatus.RUNNING, JobStatus.QUEUED]),
            col(Job.worker).startswith(host_prefix),
        )
        interrupted = session.exec(statement).all()
        for job in interrupted:
            job.status = JobStatus.FAILED
            job.error = "interrupted by a restart of the service; nothing was applied, run it again"
            job.finished_at = utc_now()
            session.add(job)
        return len(interrupted)
