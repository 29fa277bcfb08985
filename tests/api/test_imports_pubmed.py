"""PubMed imports as background jobs, against the local fake E-utilities server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.main import create_app
from api.settings import Settings
from api.tables import ImportBatch, Job, Record
from tests.api.builders import Account, Builder
from tests.fakes.eutils_server import FakeEutilsServer, Fault

JOB_TIMEOUT_SECONDS = 60.0


@pytest.fixture
def eutils() -> Iterator[FakeEutilsServer]:
    with FakeEutilsServer(enforce_rate=False) as server:
        yield server


@pytest.fixture
def pubmed_client(
    engine: Engine, settings: Settings, eutils: FakeEutilsServer
) -> Iterator[TestClient]:
    pointed = settings.model_copy(
        update={"eutils_url": eutils.base_url, "ncbi_email": "librarian@example.org"}
    )
    with TestClient(create_app(engine, pointed)) as client:
        yield client


@pytest.fixture
def builder(pubmed_client: TestClient, engine: Engine) -> Builder:
    # Not the shared ``build``: its app's runner (NCBI's real URL) would compete for the jobs.
    return Builder(pubmed_client, engine)


def wait_for_job(client: TestClient, who: Account, job_id: int) -> dict[str, Any]:
    """Poll the job until it ends (the way the UI and the CLI do)."""
    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}", headers=who.headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end within {JOB_TIMEOUT_SECONDS} s")


def start(client: TestClient, who: Account, rid: int, **body: Any) -> Any:
    return client.post(f"/api/v1/reviews/{rid}/imports/pubmed", json=body, headers=who.headers)


def _pmids(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [p or "" for p in session.exec(select(Record.pmid).order_by(col(Record.id))).all()]


def test_a_pubmed_search_is_imported_as_one_batch_with_progress(
    pubmed_client: TestClient, builder: Builder, engine: Engine, eutils: FakeEutilsServer
) -> None:
    expected = {record.pmid for record in eutils.add_synthetic("exercise back pain", 900)}
    lead = builder.user()
    rid = builder.review(lead)["id"]
    librarian = builder.member(lead, rid, "librarian")
    source = builder.source(lead, rid, "PubMed")
    response = start(
        pubmed_client, librarian, rid, query="exercise back pain", source_id=source["id"]
    )
    assert response.status_code == 202, response.text
    assert response.json()["kind"] == "import.pubmed"
    assert response.json()["status"] in ("queued", "running")
    job = wait_for_job(pubmed_client, librarian, response.json()["id"])
    assert job["status"] == "succeeded", job
    assert (job["done"], job["total"]) == (900, 900)
    assert job["result"]["records_imported"] == 900
    pmids = _pmids(engine)
    assert sorted(pmids) == sorted(expected)
    imports = pubmed_client.get(f"/api/v1/reviews/{rid}/imports", headers=lead.headers).json()
    assert len(imports) == 1
    batch = imports[0]
    assert (batch["kind"], batch["format"], batch["query"]) == (
        "pubmed",
        "pubmed-xml",
        "exercise back pain",
    )
    assert (batch["id"], batch["job_id"]) == (job["result"]["import_id"], job["id"])
    assert batch["records_total"] == 900
    efetches = [r for r in eutils.requests if r.endpoint == "efetch.fcgi"]
    assert len(efetches) == 3  # batches of 400
    assert all(r.params["email"] == "librarian@example.org" for r in eutils.requests)


def test_faults_during_the_job_still_give_every_record_exactly_once(
    pubmed_client: TestClient, builder: Builder, engine: Engine, eutils: FakeEutilsServer
) -> None:
    expected = {record.pmid for record in eutils.add_synthetic("walking", 500)}
    eutils.inject("esearch.fcgi", Fault.TOO_MANY_REQUESTS)
    eutils.inject("efetch.fcgi", None, Fault.UNAVAILABLE, Fault.TRUNCATED)
    lead = builder.user()
    rid = builder.review(lead)["id"]
    source = builder.source(lead, rid, "PubMed")
    response = start(pubmed_client, lead, rid, query="walking", source_id=source["id"])
    job = wait_for_job(pubmed_client, lead, response.json()["id"])
    assert job["status"] == "succeeded", job
    pmids = _pmids(engine)
    assert len(pmids) == len(set(pmids)) == 500
    assert set(pmids) == expected
    assert len([r for r in eutils.requests if r.endpoint == "efetch.fcgi"]) == 4


def test_a_query_pubmed_cannot_use_fails_the_job_and_stores_nothing(
    pubmed_client: TestClient, builder: Builder, engine: Engine
) -> None:
    lead = builder.user()
    rid = builder.review(lead)["id"]
    source = builder.source(lead, rid, "PubMed")
    response = start(pubmed_client, lead, rid, query="abcXYZ", source_id=source["id"])
    job = wait_for_job(pubmed_client, lead, response.json()["id"])
    assert job["status"] == "failed"
    assert "PhraseNotFound: abcXYZ" in job["error"]
    assert "could not use part of the query" in job["error"]
    with Session(engine) as session:
        assert session.exec(select(ImportBatch)).all() == []
        assert session.exec(select(Record)).all() == []


def test_an_unreachable_service_fails_the_job_with_the_reason(
    pubmed_client: TestClient, builder: Builder, engine: Engine, eutils: FakeEutilsServer
) -> None:
    eutils.add_synthetic("cycling", 10)
    eutils.inject("efetch.fcgi", *([Fault.BAD_REQUEST] * 2))
    lead = builder.user()
    rid = builder.review(lead)["id"]
    source = builder.source(lead, rid, "PubMed")
    response = start(pubmed_client, lead, rid, query="cycling", source_id=source["id"])
    job = wait_for_job(pubmed_client, lead, response.json()["id"])
    assert job["status"] == "failed"
    assert "HTTP 400" in job["error"]
    assert _pmids(engine) == []


def test_bad_pubmed_requests_are_refused_before_any_job(
    pubmed_client: TestClient, builder: Builder, engine: Engine
) -> None:
    lead = builder.user()
    rid = builder.review(lead)["id"]
    other = builder.source(lead, builder.review(lead, title="Other")["id"])
    foreign = start(pubmed_client, lead, rid, query="x", source_id=other["id"])
    assert foreign.status_code == 404
    assert foreign.json()["detail"] == f"source {other['id']} not found"
    source = builder.source(lead, rid)
    bad_date = start(pubmed_client, lead, rid, query="x", source_id=source["id"], mindate="2020-13")
    assert bad_date.status_code == 422
    assert "body.mindate" in bad_date.json()["detail"]
    blank = start(pubmed_client, lead, rid, query="   ", source_id=source["id"])
    assert blank.status_code == 422
    assert "blank" in blank.json()["detail"]
    with Session(engine) as session:
        assert session.exec(select(Job)).all() == []


def test_dates_restrict_the_search(
    pubmed_client: TestClient, builder: Builder, engine: Engine, eutils: FakeEutilsServer
) -> None:
    records = eutils.add_synthetic("swimming", 30)
    lead = builder.user()
    rid = builder.review(lead)["id"]
    source = builder.source(lead, rid, "PubMed")
    body = {"query": "swimming", "source_id": source["id"], "mindate": "2016", "maxdate": "2016"}
    job = wait_for_job(pubmed_client, lead, start(pubmed_client, lead, rid, **body).json()["id"])
    assert job["status"] == "succeeded", job
    searches = [r for r in eutils.requests if r.endpoint == "esearch.fcgi"]
    assert searches[0].params["mindate"] == "2016/01/01"
    assert searches[0].params["maxdate"] == "2016/12/31"
    from datetime import date

    in_2016 = {r.pmid for r in records if r.published_within(date(2016, 1, 1), date(2016, 12, 31))}
    assert set(_pmids(engine)) == in_2016
