"""The whole-review archive: every stored row as JSON plus the reports, in one zip."""

from __future__ import annotations

import io
import json
import zipfile

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.tables import Record
from tests.api.builders import Builder
from tests.api.extraction_fixtures import FIELDS, add_entry, ensure_form
from tests.api.test_prisma import EXPECTED_COUNTS, build_flow

API = "/api/v1"


def test_the_archive_holds_every_row_and_the_reports(client: TestClient, build: Builder) -> None:
    flow = build_flow(build)
    ensure_form(build.engine, flow.review_id, FIELDS)
    response = client.get(f"{API}/reviews/{flow.review_id}/archive", headers=flow.lead.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        prefix = f"review-{flow.review_id}/"
        names = sorted(name.removeprefix(prefix) for name in archive.namelist())
        assert names == [
            "extraction_long.csv",
            "extraction_wide.csv",
            "prisma.csv",
            "prisma.json",
            "prisma.svg",
            "references.csv",
            "references.ris",
            "review.json",
        ]
        document = json.loads(archive.read(prefix + "review.json"))
        prisma = json.loads(archive.read(prefix + "prisma.json"))
    assert (document["format"], document["version"]) == ("winnow-review-archive", 1)
    assert document["review"]["id"] == flow.review_id
    assert len(document["records"]) == 14
    assert len(document["sources"]) == 4
    assert {link["status"] for link in document["duplicate_links"]} == {
        "auto",
        "confirmed",
        "undone",
    }
    assert len(document["resolutions"]) == 3
    assert sum(1 for d in document["decisions"] if d["supersedes_id"] is not None) == 1
    # Every record has its study of one from import on (issue 15), and the two linked studies.
    studies = {s["id"]: s["label"] for s in document["studies"]}
    assert all(record["study_id"] in studies for record in document["records"])
    linked = {
        studies[r["study_id"]] for r in document["records"] if r["title"] in ("M1", "R1", "C1")
    }
    assert linked == {"Doe 2020", "Roe 2019"}
    assert len(document["extraction_forms"]) == 1
    assert {m["role"] for m in document["members"]} == {"lead", "reviewer", "viewer"}
    assert prisma["counts"] == EXPECTED_COUNTS


def test_the_archive_is_for_leads_and_works_without_a_form(
    client: TestClient, build: Builder
) -> None:
    flow = build_flow(build)
    url = f"{API}/reviews/{flow.review_id}/archive"
    assert client.get(url, headers=flow.reviewer.headers).status_code == 403
    response = client.get(url, headers=flow.lead.headers)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert not any("extraction" in name for name in archive.namelist())


def test_extraction_entries_are_archived_per_person(client: TestClient, build: Builder) -> None:
    flow = build_flow(build)
    with Session(build.engine) as session:
        sid = session.exec(select(Record.study_id).where(Record.id == flow.ids["M1"])).one()
    assert sid is not None
    add_entry(build.engine, flow.review_id, sid, flow.reviewer.id, {"sample_size": 3})
    add_entry(build.engine, flow.review_id, sid, flow.lead.id, {"sample_size": 4})
    response = client.get(f"{API}/reviews/{flow.review_id}/archive", headers=flow.lead.headers)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        name = f"review-{flow.review_id}/review.json"
        entries = json.loads(archive.read(name))["extractions"]
    assert sorted(e["values"]["sample_size"] for e in entries) == [3, 4]
