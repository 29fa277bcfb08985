"""CSV exports opened in a spreadsheet: every writer neutralises cells that would run as
formulas (OWASP CSV injection). Each test downloads the file and reads it back."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.api.builders import Builder, ReviewRows
from tests.api.extraction_fixtures import FIELDS
from tests.api.test_extraction import Team, extract, put_form
from tests.api.test_prisma import build_flow

API = "/api/v1"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _download(
    client: TestClient, url: str, headers: dict[str, str], **params: str
) -> list[dict[str, str]]:
    response = client.get(f"{API}{url}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


def test_reference_csv_neutralises_formula_cells(client: TestClient, build: Builder) -> None:
    lead = build.user()
    review_id = build.review(lead)["id"]
    rows = ReviewRows(build.engine, review_id)
    source = rows.source("@Embase")
    rows.records(
        source,
        FORMULA,
        authors=["+Doe, J", "Roe, R"],
        pages="-5",
        journal="\tJournal",
        abstract="\rcarriage",
        year=2020,
    )
    (row,) = _download(client, f"/reviews/{review_id}/export", lead.headers, format="csv")
    assert row["title"] == "'" + FORMULA
    assert row["authors"] == "'+Doe, J; Roe, R"
    assert row["pages"] == "'-5"
    assert row["journal"] == "'\tJournal"
    assert row["abstract"] == "'\rcarriage"
    assert row["source"] == "'@Embase"
    assert row["year"] == "2020"  # plain values are untouched


def test_decision_log_csv_neutralises_reasons(client: TestClient, build: Builder) -> None:
    flow = build_flow(build)
    reason = flow.rows.reason("=1+1 wrong design", stage="title_abstract")
    flow.rows.vote(flow.ids["M3"], flow.reviewer.id, "exclude", reason_id=reason)
    log = _download(
        client, f"/reviews/{flow.review_id}/decisions/export", flow.lead.headers, format="csv"
    )
    assert "'=1+1 wrong design" in {row["reason"] for row in log}
    assert not any(cell.startswith("=") for row in log for cell in row.values())


def test_extraction_csv_neutralises_values(client: TestClient, build: Builder) -> None:
    flow = build_flow(build)
    a = build.member(flow.lead, flow.review_id, "reviewer")
    t = Team(flow.review_id, flow.lead, flow.reviewer, a, a, flow.viewer)
    put_form(client, t, [FIELDS[0], {"key": "country", "label": "Country", "type": "text"}])
    included = client.get(
        f"{API}/reviews/{t.review_id}/studies",
        params={"status": "included"},
        headers=t.lead.headers,
    ).json()["items"]
    doe = next(s["id"] for s in included if s["label"] == "Doe 2020")
    for who in (t.a, t.b):
        assert (
            extract(client, t, who, doe, {"design": "RCT", "country": "@SUM(A1)"}).status_code
            == 200
        )
    url = f"/reviews/{t.review_id}/extraction/export"
    wide = _download(client, url, t.lead.headers, format="csv")
    assert next(r for r in wide if r["study"] == "Doe 2020")["country"] == "'@SUM(A1)"
    long = _download(client, url, t.lead.headers, format="csv", layout="long")
    assert "'@SUM(A1)" in {r["value"] for r in long}


def test_prisma_csv_neutralises_source_names(client: TestClient, build: Builder) -> None:
    lead = build.user()
    review_id = build.review(lead)["id"]
    rows = ReviewRows(build.engine, review_id)
    rows.records(rows.source("-Embase"), "A record", year=2020)
    response = client.get(f"{API}/reviews/{review_id}/prisma.csv", headers=lead.headers)
    assert response.status_code == 200, response.text
    cells = {row[0]: row[7] for row in csv.reader(io.StringIO(response.text, newline=""))}
    assert cells["database_specific_results"] == "'-Embase, 1"
