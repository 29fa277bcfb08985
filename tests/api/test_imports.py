"""File imports through the API: the report, idempotency, all-or-nothing, refusals and limits."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi import UploadFile
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from api.repositories.records import ANALYZE_AFTER_RECORDS
from api.routes.imports import read_within_limit
from api.services.errors import PayloadTooLarge
from api.tables import AuditEvent, ImportBatch, Record
from tests.api.builders import Account, Builder
from tests.importers.files import fixture_bytes

# Hand-made: two good records around one that has nothing to import.
THREE_RECORDS = b"""TY  - JOUR
TI  - Exercise therapy for chronic low back pain
AU  - Smith, Jane
PY  - 2019
DO  - https://doi.org/10.1000/ABC.1
ER  -

TY  - JOUR
PY  - 2020
ER  -

TY  - JOUR
TI  - Yoga for back pain
AU  - Doe, John
PY  - 2021
ER  -
"""


def upload(
    client: TestClient,
    who: Account,
    rid: int,
    source_id: int,
    data: bytes,
    *,
    name: str = "search.ris",
    **form: str,
) -> Any:
    return client.post(
        f"/api/v1/reviews/{rid}/imports",
        data={"source_id": str(source_id), **form},
        files={"file": (name, data, "application/octet-stream")},
        headers=who.headers,
    )


def _count(engine: Engine, table: type[Record] | type[ImportBatch]) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def test_an_import_reports_every_record_and_stores_the_accepted_ones(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    librarian = build.member(lead, rid, "librarian")
    source = build.source(lead, rid)
    response = upload(client, librarian, rid, source["id"], THREE_RECORDS)
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["source_id"] == source["id"]
    assert (report["format"], report["encoding"], report["kind"]) == ("ris", "utf-8", "file")
    assert (report["records_total"], report["records_imported"]) == (3, 2)
    assert report["records_rejected"] == 1
    assert report["warnings"] == [
        {
            "record": 2,
            "line": 8,
            "message": "record has no title, abstract, authors or identifiers",
            "outcome": "rejected",
        }
    ]
    assert report["already_imported"] is False
    assert report["filename"] == "search.ris"
    records = client.get(f"/api/v1/reviews/{rid}/records", headers=librarian.headers).json()
    assert records["total"] == 2
    first = records["items"][0]
    assert first["title"] == "Exercise therapy for chronic low back pain"
    assert first["doi"] == "10.1000/abc.1"
    assert (first["batch_id"], first["source_id"]) == (report["id"], source["id"])
    assert (first["record_number"], first["line"]) == (1, 1)
    with Session(engine) as session:
        actions = session.exec(select(AuditEvent.action)).all()
    assert "import.create" in actions


def test_the_same_file_twice_adds_nothing_and_says_so(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)
    first = upload(client, lead, rid, source["id"], THREE_RECORDS)
    again = upload(client, lead, rid, source["id"], THREE_RECORDS, name="renamed.ris")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["already_imported"] is True
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["filename"] == "search.ris"
    assert (_count(engine, ImportBatch), _count(engine, Record)) == (1, 2)
    # Into another source it is a new import (the same search run elsewhere).
    other = build.source(lead, rid, "Embase")
    assert upload(client, lead, rid, other["id"], THREE_RECORDS).status_code == 201
    assert _count(engine, Record) == 4


def test_a_file_that_is_not_references_is_refused_with_a_helpful_422(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)
    pdf = upload(client, lead, rid, source["id"], b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert pdf.status_code == 422
    assert pdf.json()["error"] == "ImportFormatError"
    assert "PDF" in pdf.json()["detail"]
    html = upload(client, lead, rid, source["id"], b"<!DOCTYPE html><html><body>Sorry</body>")
    assert html.status_code == 422
    assert "HTML" in html.json()["detail"]
    wrong = upload(client, lead, rid, source["id"], THREE_RECORDS, format="bibtex")
    assert wrong.status_code == 422
    assert "RIS" in wrong.json()["detail"]
    unknown = upload(client, lead, rid, source["id"], THREE_RECORDS, format="docx")
    assert unknown.status_code == 422
    assert "unknown format 'docx'" in unknown.json()["detail"]
    assert (_count(engine, ImportBatch), _count(engine, Record)) == (0, 0)


def test_an_explicit_format_is_used_and_reported(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)
    data = fixture_bytes("jabref__IsiImporterTestWOS.isi")
    response = upload(client, lead, rid, source["id"], data, name="x.txt", format="wos")
    assert response.status_code == 201, response.text
    assert (response.json()["format"], response.json()["records_imported"]) == ("wos", 2)
    detected = upload(client, lead, rid, source["id"], fixture_bytes("reflib-medline__cancer.nbib"))
    assert detected.json()["format"] == "medline"


def test_a_source_of_another_review_is_not_found(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    other_rid = build.review(lead, title="Another review")["id"]
    foreign = build.source(lead, other_rid)
    response = upload(client, lead, rid, foreign["id"], THREE_RECORDS)
    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "detail": f"source {foreign['id']} not found"}
    assert _count(engine, ImportBatch) == 0


def test_a_missing_file_or_source_id_is_a_precise_422(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    no_file = client.post(
        f"/api/v1/reviews/{rid}/imports", data={"source_id": "1"}, headers=lead.headers
    )
    assert no_file.status_code == 422
    assert "body.file" in no_file.json()["detail"]
    no_source = client.post(
        f"/api/v1/reviews/{rid}/imports",
        files={"file": ("a.ris", THREE_RECORDS, "text/plain")},
        headers=lead.headers,
    )
    assert no_source.status_code == 422
    assert "body.source_id" in no_source.json()["detail"]


def test_an_upload_over_the_limit_is_413_and_stores_nothing(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)
    too_big = THREE_RECORDS * (1024 * 1024 // len(THREE_RECORDS) + 1)  # the test limit is 1 MB
    declared = upload(client, lead, rid, source["id"], too_big)
    assert declared.status_code == 413
    assert declared.json()["error"] == "PayloadTooLarge"

    def chunks() -> Any:
        boundary = b"--winnowboundary"
        yield boundary + b'\r\nContent-Disposition: form-data; name="source_id"\r\n\r\n'
        yield str(source["id"]).encode() + b"\r\n" + boundary + b"\r\n"
        yield b'Content-Disposition: form-data; name="file"; filename="a.ris"\r\n\r\n'
        for _ in range(40):
            yield too_big[: 64 * 1024]
        yield b"\r\n" + boundary + b"--\r\n"

    streamed = client.post(
        f"/api/v1/reviews/{rid}/imports",
        content=chunks(),
        headers={**lead.headers, "Content-Type": "multipart/form-data; boundary=winnowboundary"},
    )
    assert streamed.status_code == 413
    assert _count(engine, ImportBatch) == 0


def test_imports_are_listed_with_their_reports(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    viewer = build.member(lead, rid, "viewer")
    source = build.source(lead, rid)
    created = upload(client, lead, rid, source["id"], THREE_RECORDS).json()
    listed = client.get(f"/api/v1/reviews/{rid}/imports", headers=viewer.headers)
    assert listed.status_code == 200
    assert listed.json() == [created]
    other_rid = build.review(lead, title="Another review")["id"]
    assert client.get(f"/api/v1/reviews/{other_rid}/imports", headers=lead.headers).json() == []


class _CountingFile(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_the_upload_path_never_reads_past_the_limit() -> None:
    body = _CountingFile(b"x" * 10_000)
    with pytest.raises(PayloadTooLarge, match="upload limit"):
        read_within_limit(UploadFile(body), 4_096)
    assert body.bytes_read == 4_097
    assert read_within_limit(UploadFile(io.BytesIO(b"y" * 4_096)), 4_096) == b"y" * 4_096


def test_long_field_values_are_stored_whole(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)
    pages = "e" + "1234567890" * 10  # an article-number string far beyond a VARCHAR(64)
    volume = "Supplement " * 10
    data = f"TY  - JOUR\nTI  - A long one\nVL  - {volume}\nSP  - {pages}\nER  -\n".encode()
    assert upload(client, lead, rid, source["id"], data).status_code == 201
    record = client.get(f"/api/v1/reviews/{rid}/records", headers=lead.headers).json()["items"][0]
    assert record["pages"] == pages
    assert record["volume"] == volume.strip()


def test_a_large_import_leaves_the_planner_statistics_of_what_it_added(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    """PostgreSQL plans the queue's queries from table statistics: a large import refreshes
    them in its transaction, instead of leaving reviewers a minute of plans made for empty
    tables until autovacuum comes round."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's planner uses these indexes without statistics")
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)
    n = ANALYZE_AFTER_RECORDS + 200
    data = "".join(
        f"TY  - JOUR\nTI  - Hand-made trial {i} of exercise\nPY  - 2020\nER  -\n\n"
        for i in range(n)
    ).encode()
    assert upload(client, lead, rid, source["id"], data).status_code == 201
    with Session(engine) as session:
        rows = session.connection().exec_driver_sql(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN ('record', 'screening_state')"
        )
        estimated: dict[str, float] = {str(name): float(n) for name, n in rows.all()}
    assert estimated["record"] >= n
    assert estimated["screening_state"] >= 2 * n  # one row per record and stage
