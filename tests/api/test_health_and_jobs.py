"""Health reports the database; jobs are visible to members of their review only."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.db import make_engine
from api.jobs import worker_name
from api.main import create_app
from api.settings import Settings
from api.tables import Job, JobStatus, utc_now
from tests.api.builders import Builder


def test_health_reports_a_reachable_database(client: TestClient, engine: Engine) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "backend": engine.dialect.name}


def test_health_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    broken = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    with TestClient(create_app(broken, settings)) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["database"].startswith("unreachable")


def _job(engine: Engine, review_id: int | None, **fields: object) -> int:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        job = Job(review_id=review_id, kind="import", **fields)  # type: ignore[arg-type]
        session.add(job)
        session.flush()
        assert job.id is not None
        return job.id


def test_a_job_is_readable_by_members_and_hidden_from_outsiders(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead, outsider = build.user(), build.user()
    rid = build.review(lead)["id"]
    viewer = build.member(lead, rid, "viewer")
    job_id = _job(engine, rid, done=5, total=10)
    for member in (lead, viewer):
        body = client.get(f"/api/v1/jobs/{job_id}", headers=member.headers).json()
        assert body == {
            "id": job_id,
            "kind": "import",
            "status": "queued",
            "done": 5,
            "total": 10,
            "error": None,
            "result": None,
        }
    hidden = client.get(f"/api/v1/jobs/{job_id}", headers=outsider.headers)
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == f"job {job_id} not found"


def test_any_worker_takes_over_a_job_whose_lease_expired_not_a_live_one(engine: Engine) -> None:
    """Containers get new host names when they restart: a lost job is found by its expired
    lease, whichever host ran it, and a job whose worker still renews its lease is left alone."""
    from api import jobs

    jobs.register_handler("import", lambda *_args: {})
    try:
        gone = _job(engine, None, status=JobStatus.RUNNING, worker="old-container:7")
        alive = _job(engine, None, status=JobStatus.RUNNING, worker="other-host:1")
        _lease(engine, gone, seconds=-1)
        _lease(engine, alive, seconds=60)
        taken = jobs.claim_next(engine, frozenset({"import"}))
        assert taken is not None
        assert (taken.id, taken.worker) == (gone, worker_name())
        assert jobs.claim_next(engine, frozenset({"import"})) is None
    finally:
        jobs._HANDLERS.pop("import", None)


def _lease(engine: Engine, job_id: int, *, seconds: int) -> None:
    with Session(engine) as session, session.begin():
        job = session.get(Job, job_id)
        assert job is not None
        job.lease_until = utc_now() + timedelta(seconds=seconds)
        session.add(job)
