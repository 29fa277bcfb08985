"""The job runner: claims, progress, results in one transaction, failures, and safe claiming."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api import jobs
from api.settings import Settings
from api.tables import AuditEvent, Job, JobStatus, utc_now
from tests.api.builders import Builder

TIMEOUT_SECONDS = 30.0


def _write_marker(engine: Engine, job_id: int, label: str) -> None:
    with Session(engine) as session, session.begin():
        session.add(AuditEvent(action="test.job", target=label))
        jobs.mark_succeeded(session, job_id, {"label": label})


def counting_handler(
    engine: Engine, job_id: int, params: dict[str, Any], progress: jobs.Progress
) -> dict[str, Any]:
    total = int(params["steps"])
    progress(0, total)
    for step in range(1, total + 1):
        progress(step, total)
    _write_marker(engine, job_id, params["label"])
    return {"label": params["label"], "steps": total}


def failing_handler(
    engine: Engine, job_id: int, params: dict[str, Any], progress: jobs.Progress
) -> dict[str, Any]:
    progress(1, 2)
    raise RuntimeError("disk on fire")


@pytest.fixture(autouse=True)
def _handlers() -> Iterator[None]:
    jobs.register_handler("test.count", counting_handler)
    jobs.register_handler("test.fail", failing_handler)
    yield
    jobs._HANDLERS.pop("test.count", None)
    jobs._HANDLERS.pop("test.fail", None)


def _submit(engine: Engine, kind: str, params: dict[str, Any], review_id: int | None = None) -> int:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        job = jobs.submit(session, kind=kind, review_id=review_id, params=params, user=None)
    assert job.id is not None
    return job.id


def _wait(engine: Engine, job_id: int) -> Job:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        with Session(engine) as session:
            job = session.get(Job, job_id)
            assert job is not None
            if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not end")


def test_the_app_runs_a_submitted_job_and_reports_its_result(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    job_id = _submit(engine, "test.count", {"steps": 5, "label": "first"}, review_id=rid)
    job = _wait(engine, job_id)
    body = client.get(f"/api/v1/jobs/{job_id}", headers=lead.headers).json()
    assert body == {
        "id": job_id,
        "kind": "test.count",
        "status": "succeeded",
        "done": 5,
        "total": 5,
        "error": None,
        "result": {"label": "first"},
    }
    assert job.worker == jobs.worker_name()
    assert job.started_at is not None
    assert job.finished_at is not None
    with Session(engine) as session:
        statement = select(AuditEvent.target).where(AuditEvent.action == "test.job")
        assert session.exec(statement).all() == ["first"]


def test_a_failing_job_is_failed_with_its_error_and_keeps_its_progress(
    client: TestClient, engine: Engine
) -> None:
    job = _wait(engine, _submit(engine, "test.fail", {}))
    assert job.status == JobStatus.FAILED
    assert job.error is not None
    assert "RuntimeError" in job.error
    assert "disk on fire" in job.error
    assert (job.done, job.total) == (1, 2)


def test_jobs_of_kinds_without_a_handler_are_left_queued(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        stranger = Job(kind="someone.else")
        session.add(stranger)
    assert jobs.claim_next(engine, jobs.handler_kinds()) is None
    with Session(engine) as session:
        assert session.get(Job, stranger.id).status == JobStatus.QUEUED  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="no handler registered"):
        _submit(engine, "someone.else", {})


def test_concurrent_claims_never_take_one_job_twice(engine: Engine) -> None:
    ids = [_submit(engine, "test.count", {"steps": 1, "label": str(n)}) for n in range(12)]
    claimed: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        while (job := jobs.claim_next(engine, frozenset({"test.count"}))) is not None:
            with lock:
                claimed.append(job.id or 0)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_SECONDS)
    assert sorted(claimed) == ids
    with Session(engine) as session:
        statuses = session.exec(select(Job.status).where(col(Job.id).in_(ids))).all()
    assert set(statuses) == {JobStatus.RUNNING}


def test_a_job_is_claimed_once_even_by_id(engine: Engine) -> None:
    job_id = _submit(engine, "test.count", {"steps": 1, "label": "x"})
    first = jobs.claim(engine, job_id)
    assert first is not None
    assert first.status == JobStatus.RUNNING
    assert jobs.claim(engine, job_id) is None
    assert jobs.claim_next(engine, frozenset({"test.count"})) is None


def test_a_foreground_run_reports_progress_to_a_listener(engine: Engine) -> None:
    job_id = _submit(engine, "test.count", {"steps": 3, "label": "cli"})
    job = jobs.claim(engine, job_id)
    assert job is not None
    seen: list[tuple[int, int | None]] = []
    jobs.execute(engine, job, Settings(), listener=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    ended = _wait(engine, job_id)
    assert ended.status == JobStatus.SUCCEEDED
    assert ended.result == {"label": "cli"}


SHORT = timedelta(milliseconds=200)


def _expire(engine: Engine, job_id: int) -> None:
    """The worker running the job is gone: its lease ran out."""
    with Session(engine) as session, session.begin():
        job = session.get(Job, job_id)
        assert job is not None
        job.lease_until = utc_now() - timedelta(seconds=1)
        session.add(job)


def _markers(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent.target).where(AuditEvent.action == "test.job")))


def test_a_job_whose_worker_is_gone_is_taken_over_and_run_once(engine: Engine) -> None:
    job_id = _submit(engine, "test.count", {"steps": 1, "label": "x"})
    assert jobs.claim(engine, job_id) is not None  # then the worker dies: no renewal
    assert jobs.claim_next(engine, jobs.handler_kinds()) is None  # its lease still holds
    _expire(engine, job_id)
    again = jobs.claim_next(engine, jobs.handler_kinds())
    assert again is not None
    assert (again.id, again.attempts) == (job_id, 2)
    jobs.execute(engine, again, Settings())
    assert _wait(engine, job_id).status == JobStatus.SUCCEEDED
    assert _markers(engine) == ["x"]  # the lost run committed nothing, the second one all


def test_a_job_lost_too_often_is_failed_not_run_again(engine: Engine) -> None:
    job_id = _submit(engine, "test.count", {"steps": 1, "label": "x"})
    for _ in range(jobs.MAX_ATTEMPTS):
        assert jobs.claim_next(engine, jobs.handler_kinds()) is not None
        _expire(engine, job_id)
    assert jobs.claim_next(engine, jobs.handler_kinds()) is None
    job = _wait(engine, job_id)
    assert job.status == JobStatus.FAILED
    assert job.error is not None
    assert jobs.INTERRUPTED in job.error
    assert _markers(engine) == []


def test_a_worker_taken_over_cannot_finish_the_job(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that stalled past its lease wakes up after another took the job over: its
    final transaction (work and finish together) is refused and rolled back."""
    job_id = _submit(engine, "test.count", {"steps": 1, "label": "x"})
    monkeypatch.setattr(jobs, "worker_name", lambda: "stalled-host:1")
    stalled = jobs.claim(engine, job_id)
    assert stalled is not None
    _expire(engine, job_id)
    monkeypatch.setattr(jobs, "worker_name", lambda: "new-host:2")
    taken = jobs.claim_next(engine, jobs.handler_kinds())
    assert taken is not None
    monkeypatch.setattr(jobs, "worker_name", lambda: "stalled-host:1")
    jobs.execute(engine, stalled, Settings())
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert (job.status, job.worker) == (JobStatus.RUNNING, "new-host:2")
    assert _markers(engine) == []
    monkeypatch.setattr(jobs, "worker_name", lambda: "new-host:2")
    jobs.execute(engine, taken, Settings())
    assert _wait(engine, job_id).status == JobStatus.SUCCEEDED
    assert _markers(engine) == ["x"]


def slow_handler(
    engine: Engine, job_id: int, params: dict[str, Any], progress: jobs.Progress
) -> dict[str, Any]:
    time.sleep(float(params["seconds"]))
    _write_marker(engine, job_id, "slow")
    return {}


def test_a_running_job_keeps_its_lease_while_it_works(engine: Engine) -> None:
    # A lease long enough that a loaded machine's scheduling delays stay well inside the third
    # of it between renewals (200 ms was taken over once at load 10); the job runs 4 of them.
    lease = 5 * SHORT
    jobs.register_handler("test.slow", slow_handler)
    try:
        job_id = _submit(engine, "test.slow", {"seconds": 4 * lease.total_seconds()})
        job = jobs.claim(engine, job_id, lease=lease)
        assert job is not None
        worker = threading.Thread(
            target=jobs.execute, args=(engine, job, Settings()), kwargs={"lease": lease}
        )
        worker.start()
        taken_over = []
        while worker.is_alive():
            found = jobs.claim_next(engine, frozenset({"test.slow"}), lease=lease)
            if found is not None:
                taken_over.append(found.id)
            time.sleep(lease.total_seconds() / 4)
        worker.join()
    finally:
        jobs._HANDLERS.pop("test.slow", None)
    assert taken_over == []
    assert _wait(engine, job_id).status == JobStatus.SUCCEEDED


def test_the_runner_stops_without_waiting_for_its_poll(engine: Engine) -> None:
    # Its poll is longer than stop's join: the thread ends only if stop wakes it. How long
    # stopping takes is measured in benchmarks/responsiveness.py.
    runner = jobs.JobRunner(engine, Settings(), poll_seconds=3600)
    runner.start()
    runner.stop(timeout=30)
    assert not runner._thread.is_alive()
