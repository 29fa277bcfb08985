"""Background jobs: a row per job with progress, a handler registry and a runner thread.

A handler ``fn(engine, job_id, params, progress) -> result`` does its work in its own
sessions and commits that work in ONE transaction at the end (it may mark the job succeeded
in that same transaction with :func:`mark_succeeded`), so a restart never leaves it half
applied; ``progress(done, total)`` is stored in its own short transaction. Workers claim
queued jobs with ``SELECT ... FOR UPDATE SKIP LOCKED`` plus a conditional update, so several
workers (PostgreSQL) never run one job twice; on SQLite the runner is one in-process thread.
"""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.db import is_sqlite
from api.settings import Settings
from api.tables import Job, JobStatus, User, utc_now
from importers.errors import ImporterError

logger = logging.getLogger("winnow.jobs")

Progress = Callable[[int, int | None], None]
Handler = Callable[[Engine, int, dict[str, Any], Progress], dict[str, Any]]

_HANDLERS: dict[str, Handler] = {}
_RUNNERS: set[JobRunner] = set()
_SETTINGS: contextvars.ContextVar[Settings] = contextvars.ContextVar("winnow_job_settings")
# Progress is written at most this often (the last update of a run is always written).
PROGRESS_INTERVAL_SECONDS = 0.25
INTERRUPTED = "interrupted by a restart of the service; nothing was applied, run it again"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def register_handler(kind: str, fn: Handler) -> None:
    """Make jobs of *kind* runnable; a runner only claims kinds it has a handler for."""
    _HANDLERS[kind] = fn


def handler_kinds() -> frozenset[str]:
    return frozenset(_HANDLERS)


def job_settings() -> Settings:
    """The settings of the app (or command) running the current job, for handlers."""
    return _SETTINGS.get()


def submit(
    session: Session, *, kind: str, review_id: int | None, params: dict[str, Any], user: User | None
) -> Job:
    """Queue a job in the caller's transaction; runners are woken once it commits."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    job = Job(
        kind=kind,
        review_id=review_id,
        params=params,
        created_by_id=user.id if user is not None else None,
    )
    session.add(job)
    session.flush()
    event.listen(session, "after_commit", _wake_runners, once=True)
    return job


def _wake_runners(_session: Session) -> None:
    for runner in list(_RUNNERS):
        runner.wake()


def mark_succeeded(session: Session, job_id: int, result: dict[str, Any]) -> None:
    """Finish *job_id* inside the handler's final transaction (together with its work)."""
    _finish(session, job_id, JobStatus.SUCCEEDED, result=result)


def _finish(
    session: Session,
    job_id: int,
    status: JobStatus,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    session.execute(
        update(Job)
        .where(col(Job.id) == job_id, col(Job.status) == JobStatus.RUNNING)
        .values(status=status, result=result, error=error, finished_at=utc_now())
    )


def claim_next(engine: Engine, kinds: frozenset[str]) -> Job | None:
    """Take the oldest queued job of *kinds* for this worker, or None."""
    if not kinds:
        return None
    oldest = (
        select(Job.id)
        .where(col(Job.status) == JobStatus.QUEUED, col(Job.kind).in_(kinds))
        .order_by(col(Job.id))
        .limit(1)
    )
    if is_sqlite(engine):
        return _claim_next_sqlite(engine, oldest)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        # Row locks: concurrent workers skip each other's candidate instead of waiting.
        candidate = session.exec(oldest.with_for_update(skip_locked=True)).first()
        return _claim(session, candidate) if candidate is not None else None


def _claim_next_sqlite(engine: Engine, oldest: Any) -> Job | None:
    # Idle polls only read (WAL readers never block the one writer); a claim is a transaction
    # of its own whose first statement writes, so it waits for the write lock instead of
    # failing on a stale snapshot. Losing a race means another worker progressed: look again.
    while True:
        with Session(engine) as session:
            candidate = session.exec(oldest).first()
        if candidate is None:
            return None
        job = claim(engine, candidate)
        if job is not None:
            return job


def claim(engine: Engine, job_id: int) -> Job | None:
    """Take one queued job by id (the CLI runs its own job in the foreground)."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return _claim(session, job_id)


def _claim(session: Session, job_id: int) -> Job | None:
    claimed = session.execute(_claiming(col(Job.id) == job_id)).scalar()
    return session.get(Job, claimed, populate_existing=True) if claimed else None


def _claiming(which: Any) -> Any:
    # The status condition makes a claim safe even where rows are not locked (SQLite).
    return (
        update(Job)
        .where(which, col(Job.status) == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, worker=worker_name(), started_at=utc_now())
        .returning(col(Job.id))
    )


def execute(
    engine: Engine, job: Job, settings: Settings, *, listener: Progress | None = None
) -> None:
    """Run a claimed job to its end; the job row says how it ended."""
    assert job.id is not None
    job_id = job.id
    progress = _progress_writer(engine, job_id, listener)
    token = _SETTINGS.set(settings)
    try:
        result = _HANDLERS[job.kind](engine, job_id, dict(job.params), progress)
    except Exception as exc:
        logger.info("job %s (%s) failed: %s", job_id, job.kind, exc, exc_info=True)
        _end(engine, job_id, JobStatus.FAILED, error=_describe(exc))
    else:
        _end(engine, job_id, JobStatus.SUCCEEDED, result=result)
    finally:
        _SETTINGS.reset(token)


def _describe(exc: Exception) -> str:
    if isinstance(exc, ImporterError):
        return str(exc)
    return f"unexpected error ({type(exc).__name__}); nothing was applied: {exc}"


def _end(engine: Engine, job_id: int, status: JobStatus, **fields: Any) -> None:
    with Session(engine) as session, session.begin():
        _finish(session, job_id, status, **fields)


def _progress_writer(engine: Engine, job_id: int, listener: Progress | None) -> Progress:
    last_written = 0.0

    def progress(done: int, total: int | None) -> None:
        nonlocal last_written
        if listener is not None:
            listener(done, total)
        now = time.monotonic()
        if now - last_written < PROGRESS_INTERVAL_SECONDS and done != total:
            return
        last_written = now
        with Session(engine) as session, session.begin():
            session.execute(update(Job).where(col(Job.id) == job_id).values(done=done, total=total))

    return progress


class JobRunner:
    """One worker thread polling for queued jobs; woken at once when a job is submitted here."""

    def __init__(self, engine: Engine, settings: Settings, *, poll_seconds: float = 1.0) -> None:
        self.engine = engine
        self.settings = settings
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="winnow-jobs", daemon=True)

    def start(self) -> None:
        _RUNNERS.add(self)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop polling; a job still running after *timeout* is failed at the next start."""
        _RUNNERS.discard(self)
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            while not self._stop.is_set() and self._run_one():
                pass

    def _run_one(self) -> bool:
        try:
            job = claim_next(self.engine, handler_kinds())
            if job is None:
                return False
            execute(self.engine, job, self.settings)
        except Exception:  # the database may be briefly unreachable; try again later
            logger.exception("job runner: polling failed")
            return False
        return True


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
            job.error = INTERRUPTED
            job.finished_at = utc_now()
            session.add(job)
        return len(interrupted)
