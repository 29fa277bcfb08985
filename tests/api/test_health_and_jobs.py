"""Health reports the database; jobs are visible to members of their review only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.db import make_engine
from api.jobs import fail_interrupted_jobs, worker_name
from api.main import create_app
from api.settings import Settings
from api.tables import Job, JobStatus
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


def test_a_restart_fails_this_hosts_interrupted_jobs_only(engine: Engine) -> None:
    mine = _job(engine, None, status=JobStatus.RUNNING, worker=worker_name())
    elsewhere = _job(engine, None, status=JobStatus.RUNNING, worker="other-host:1")
    finished = _job(engine, None, status=JobStatus.SUCCEEDED, worker=worker_name())
    assert fail_interrupted_jobs(engine) == 1
    with Session(engine) as session:
        jobs = {job_id: session.get(Job, job_id) for job_id in (mine, elsewhere, finished)}
    statuses = {job_id: (job.status, job.error) for job_id, job in jobs.items() if job}
    assert statuses[mine][0] == JobStatus.FAILED
    assert "interrupted" in (statuses[mine][1] or "")
    assert statuses[elsewhere][0] == JobStatus.RUNNING
    assert statuses[finished][0] == JobStatus.SUCCEEDED
