"""Reference exports: RIS that reference managers read back with the decisions, CSV, filters,
and blinding of votes on records that are not settled yet."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.schemas.reports import ExportFormat, ExportStatus
from api.services.reports.exports import RECORD_CHUNK, export_rows, stream_references
from api.tables import Review
from importers.ris import iter_ris_records, parse_ris
from tests.api.builders import Builder, ReviewRows
from tests.api.test_prisma import build_flow

API = "/api/v1"


def _export(client: TestClient, review_id: int, headers: dict[str, str], **params: str) -> str:
    response = client.get(f"{API}/reviews/{review_id}/export", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.text


def test_ris_export_carries_decisions_in_standard_fields(
    client: TestClient, build: Builder
) -> None:
    flow = build_flow(build)
    text = _export(client, flow.review_id, flow.lead.headers, format="ris", status="included")
    parsed = parse_ris(text)
    assert sorted(ref.title for ref in parsed.references) == ["C1", "M1", "R1"]
    assert not parsed.rejected
    by_title = {r.fields["TI"][0]: r.fields for r in iter_ris_records(text)}
    m1 = by_title["M1"]
    assert m1.get("KW") == ["winnow:included"]
    assert m1.get("LB") == ["included"]
    assert (m1.get("C1"), m1.get("C2"), m1.get("C4")) == (["included"], ["included"], ["retrieved"])
    assert m1.get("AU") == ["Doe, J"]
    assert m1.get("PY") == ["2020"]


def test_ris_export_of_exclusions_names_stage_and_reason(
    client: TestClient, build: Builder
) -> None:
    flow = build_flow(build)
    text = _export(client, flow.review_id, flow.lead.headers, format="ris", status="excluded")
    by_title = {r.fields["TI"][0]: r.fields for r in iter_ris_records(text)}
    assert sorted(by_title) == ["C2", "E3", "E4", "M2", "M3", "M5", "M6", "R2"]
    assert by_title["M2"].get("KW") == [
        "winnow:excluded",
        "winnow:stage:full_text",
        "winnow:reason:Wrong population",
    ]
    assert by_title["M2"].get("C3") == ["Wrong population"]
    assert by_title["M5"].get("KW") == ["winnow:excluded", "winnow:stage:title_abstract"]


def test_csv_export_has_the_contract_columns_and_votes(client: TestClient, build: Builder) -> None:
    flow = build_flow(build)
    text = _export(client, flow.review_id, flow.lead.headers, format="csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    contract = ["id", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi"]
    assert list(rows[0])[: len(contract) + 2] == [*contract, "pmid", "source"]
    titles = [row["title"] for row in rows]
    assert "E1" not in titles  # duplicates were removed
    assert len(rows) == 12
    m4 = next(row for row in rows if row["title"] == "M4")
    assert (m4["status"], m4["full_text"], m4["source"]) == ("pending", "not_retrieved", "MEDLINE")
    m2 = next(row for row in rows if row["title"] == "M2")
    assert m2["exclusion_reason"] == "Wrong population"
    assert m2["full_text_votes"].count("exclude (Wrong population)") == 2
    r2 = next(row for row in rows if row["title"] == "R2")
    assert r2["title_abstract_votes"].count("exclude") == 2  # the superseded include is gone


def test_only_leads_export(client: TestClient, build: Builder) -> None:
    flow = build_flow(build)
    for account in (flow.reviewer, flow.viewer):
        response = client.get(f"{API}/reviews/{flow.review_id}/export", headers=account.headers)
        assert response.status_code == 403


def test_bad_export_parameters_are_refused(client: TestClient, build: Builder) -> None:
    flow = build_flow(build)
    for params in ({"format": "docx"}, {"status": "maybe"}):
        response = client.get(
            f"{API}/reviews/{flow.review_id}/export", params=params, headers=flow.lead.headers
        )
        assert response.status_code == 422
        assert next(iter(params)) in response.json()["detail"]


def test_votes_on_open_records_stay_blind_without_lead_rights(
    client: TestClient, build: Builder
) -> None:
    flow = build_flow(build)
    # A fresh record with one vote: open (dual screening needs two).
    [open_id] = flow.rows.records(flow.rows.source("PsycINFO"), "Open record")
    flow.rows.vote(open_id, flow.reviewer.id, "exclude")
    with Session(build.engine) as session:
        review = session.get(Review, flow.review_id)
        assert review is not None
        blind = export_rows(session, review, status=ExportStatus.ALL, show_open_votes=False)
        seen = export_rows(session, review, status=ExportStatus.ALL, show_open_votes=True)
    blind_row = next(row for row in blind if row.record.id == open_id)
    seen_row = next(row for row in seen if row.record.id == open_id)
    assert blind_row.votes[next(iter(blind_row.votes))] == ""
    assert "exclude" in "".join(seen_row.votes.values())
    settled = next(row for row in blind if row.record.title == "M3")
    assert "exclude" in "".join(settled.votes.values())  # settled records keep their votes


def test_exports_stream_a_chunk_of_records_at_a_time(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    review_id = build.review(lead)["id"]
    rows = ReviewRows(build.engine, review_id)
    count = RECORD_CHUNK * 2 + 5
    rows.records(rows.source("MEDLINE"), *(f"Record {i}" for i in range(count)), year=2020)
    for fmt in (ExportFormat.CSV, ExportFormat.RIS):
        chunks = list(
            stream_references(
                engine, review_id, fmt=fmt, status=ExportStatus.ALL, show_open_votes=True
            )
        )
        assert len(chunks) == 3  # never the whole file at once
        body = b"".join(chunks).decode()
        assert body == _export(client, review_id, lead.headers, format=fmt.value)
        if fmt is ExportFormat.CSV:
            titles = [row["title"] for row in csv.DictReader(io.StringIO(body, newline=""))]
            assert titles == [f"Record {i}" for i in range(count)]
        else:
            assert len(parse_ris(body).references) == count
