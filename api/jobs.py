"""Background jobs: a row per job with progress, a handler registry and a runner thread.

A handler ``fn(engine, job_id, params, progress) -> result`` does its work in its own
sessions and commits that work in ONE transaction at the end (it may mark the job succeeded
in that same transaction with :func:`mark_succeeded`), so a lost worker never leaves it half
applied; ``progress(done, total)`` is stored in its own short transaction. Workers claim
queued jobs with ``SELECT ... FOR UPDATE SKIP LOCKED`` plus a conditional update, so several
workers (PostgreSQL) never run one job twice; on SQLite the runner is one in-process thread.

A running job holds a lease that its worker renews while the handler runs. A worker that
dies (or a container that is replaced, under a new host name) stops renewing it; once it has
expired any worker takes the job over and runs it again from the start, which is safe because
nothing of the lost run was committed. A job lost `MAX_ATTEMPTS` times is failed instead. The
finishing update names the worker, so a worker that stalled past its lease and was taken over
cannot finish (or commit the work of) a job that is no longer its own.
"""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, event, or_, update
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
# A running job's lease; its worker renews it every third of that.
DEFAULT_LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 3
_RUNNING_AS: contextvars.ContextVar[str] = contextvars.ContextVar("winnow_job_worker")


class LostLease(RuntimeError):
    """The job was taken over by another worker after this one's lease expired."""


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
    """Finish *job_id* inside the handler's final transaction (together with its work).

    Raises `LostLease` (so the transaction, the work included, rolls back) when another
    worker has taken the job over."""
    if not _finish(session, job_id, JobStatus.SUCCEEDED, result=result):
        raise LostLease(f"job {job_id} was taken over by another worker; this run is void")


def _finish(
    session: Session,
    job_id: int,
    status: JobStatus,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> bool:
    """End the job if this worker still runs it; False when it does not."""
    mine = [col(Job.id) == job_id, col(Job.status) == JobStatus.RUNNING]
    worker = _RUNNING_AS.get(None)
    if worker is not None:
        mine.append(col(Job.worker) == worker)
    ended = session.connection().execute(
        update(Job)
        .where(*mine)
        .values(status=status, result=result, error=error, finished_at=utc_now())
    )
    return bool(ended.rowcount)


def _claimable(now: datetime) -> Any:
    """Queued jobs, and running ones whose worker stopped renewing the lease."""
    expired = and_(col(Job.status) == JobStatus.RUNNING, col(Job.lease_until) < now)
    return or_(col(Job.status) == JobStatus.QUEUED, expired)


def claim_next(
    engine: Engine, kinds: frozenset[str], *, lease: timedelta = DEFAULT_LEASE
) -> Job | None:
    """Take the oldest claimable job of *kinds* for this worker, or None."""
    if not kinds:
        return None
    while True:
        now = utc_now()
        oldest = (
            select(Job.id)
            .where(_claimable(now), col(Job.kind).in_(kinds))
            .order_by(col(Job.id))
            .limit(1)
        )
        if is_sqlite(engine):
            # Idle polls only read (WAL readers never block the one writer); the claim is a
            # transaction of its own. Losing a race means another worker progressed.
            with Session(engine) as session:
                candidate = session.exec(oldest).first()
            if candidate is None:
                return None
            job = claim(engine, candidate, lease=lease)
        else:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                # Row locks: concurrent workers skip each other's candidate instead of waiting.
                candidate = session.exec(oldest.with_for_update(skip_locked=True)).first()
                if candidate is None:
                    return None
                job = _claim(session, candidate, now, lease)
        if job is not None and job.status is JobStatus.RUNNING:
            return job


def claim(engine: Engine, job_id: int, *, lease: timedelta = DEFAULT_LEASE) -> Job | None:
    """Take one claimable job by id (the CLI runs its own job in the foreground)."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        job = _claim(session, job_id, utc_now(), lease)
    return job if job is not None and job.status is JobStatus.RUNNING else None


def _claim(session: Session, job_id: int, now: datetime, lease: timedelta) -> Job | None:
    """Run the job as this worker (a lost one again), or fail it once lost too often; None
    when another worker got it first. The conditions make it safe where rows are not locked."""
    lost_too_often = session.execute(
        update(Job)
        .where(col(Job.id) == job_id, _claimable(now), col(Job.attempts) >= MAX_ATTEMPTS)
        .values(
            status=JobStatus.FAILED,
            error=f"{INTERRUPTED} (lost its worker {MAX_ATTEMPTS} times)",
            finished_at=now,
        )
        .returning(col(Job.id))
    ).scalar()
    claimed = (
        lost_too_often
        or session.execute(
            update(Job)
            .where(col(Job.id) == job_id, _claimable(now))
            .values(
                status=JobStatus.RUNNING,
                worker=worker_name(),
                started_at=now,
                lease_until=now + lease,
                attempts=col(Job.attempts) + 1,
            )
            .returning(col(Job.id))
        ).scalar()
    )
    return session.get(Job, claimed, populate_existing=True) if claimed else None


def renew_lease(engine: Engine, job_id: int, lease: timedelta = DEFAULT_LEASE) -> bool:
    """Extend this worker's lease on a running job; False when the job is no longer its own."""
    with Session(engine) as session, session.begin():
        renewed = session.connection().execute(
            update(Job)
            .where(
                col(Job.id) == job_id,
                col(Job.status) == JobStatus.RUNNING,
                col(Job.worker) == worker_name(),
            )
            .values(lease_until=utc_now() + lease)
        )
        return bool(renewed.rowcount)


def execute(
    engine: Engine,
    job: Job,
    settings: Settings,
    *,
    listener: Progress | None = None,
    lease: timedelta = DEFAULT_LEASE,
) -> None:
    """Run a claimed job to its end, renewing its lease meanwhile; the job row says how it
    ended (unless another worker took it over, which then ends it)."""
    assert job.id is not None
    job_id = job.id
    progress = _progress_writer(engine, job_id, listener)
    token = _SETTINGS.set(settings)
    running_as = _RUNNING_AS.set(worker_name())
    heartbeat = _Heartbeat(engine, job_id, lease)
    heartbeat.start()
    try:
        result = _HANDLERS[job.kind](engine, job_id, dict(job.params), progress)
    except LostLease:
        logger.warning("job %s (%s) was taken over by another worker", job_id, job.kind)
    except Exception as exc:
        logger.info("job %s (%s) failed: %s", job_id, job.kind, exc, exc_info=True)
        _end(engine, job_id, JobStatus.FAILED, error=_describe(exc))
    else:
        _end(engine, job_id, JobStatus.SUCCEEDED, result=result)
    finally:
        heartbeat.stop()
        _RUNNING_AS.reset(running_as)
        _SETTINGS.reset(token)


class _Heartbeat:
    """Renews a running job's lease every third of its length, until stopped."""

    def __init__(self, engine: Engine, job_id: int, lease: timedelta) -> None:
        self.engine, self.job_id, self.lease = engine, job_id, lease
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="winnow-job-lease", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.lease.total_seconds() / 3):
            try:
                if not renew_lease(self.engine, self.job_id, self.lease):
                    return  # taken over: its new worker renews it now
            except Exception:  # the database may be briefly unreachable: try again
                logger.exception("job %s: renewing its lease failed", self.job_id)


def _describe(exc: Exception) -> str:
    if isinstance(exc, ImporterError):
        return str(exc)
    return f"unexpected error ({type(exc).__name__}); nothing was applied: {exc}"


def _end(engine: Engine, job_id: int, status: JobStatus, **fields: Any) -> None:
    with Session(engine) as session, session.begin():
        if not _finish(session, job_id, status, **fields):
            logger.warning("job %s: not ended here, another worker runs it now", job_id)


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

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        poll_seconds: float = 1.0,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.poll_seconds = poll_seconds
        self.lease = lease
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
            job = claim_next(self.engine, handler_kinds(), lease=self.lease)
            if job is None:
                return False
            execute(self.engine, job, self.settings, lease=self.lease)
        except Exception:  # the database may be briefly unreachable; try again later
            logger.exception("job runner: polling failed")
            return False
        return True
