"""Listing and reading imported records: filters, paging, and review isolation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.builders import Builder
from tests.api.test_imports import THREE_RECORDS, upload

# Hand-made: four records over two years, one title with a LIKE wildcard in it.
FOUR_RECORDS = b"""TY  - JOUR
TI  - Pilates for chronic back pain
AU  - Ames, A
PY  - 2018
ER  -

TY  - JOUR
TI  - Back school: 100% adherence?
AU  - Brown, B
PY  - 2018
ER  -

TY  - JOUR
TI  - Spinal manipulation
AU  - Cole, C
PY  - 2020
ER  -

TY  - JOUR
TI  - Walking programmes
AU  - Dunn, D
PY  - 2020
ER  -
"""


def test_records_are_filtered_and_paged(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    viewer = build.member(lead, rid, "viewer")
    medline, embase = build.source(lead, rid), build.source(lead, rid, "Embase")
    first = upload(client, lead, rid, medline["id"], THREE_RECORDS).json()
    second = upload(client, lead, rid, embase["id"], FOUR_RECORDS).json()
    url = f"/api/v1/reviews/{rid}/records"

    def titles(**params: int | str) -> list[str]:
        response = client.get(url, params=params, headers=viewer.headers)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    assert len(titles()) == 6
    assert titles(source_id=medline["id"]) == [
        "Exercise therapy for chronic low back pain",
        "Yoga for back pain",
    ]
    assert len(titles(batch_id=second["id"])) == 4
    assert titles(batch_id=first["id"], year=2021) == ["Yoga for back pain"]
    assert titles(q="BACK PAIN") == [
        "Exercise therapy for chronic low back pain",
        "Yoga for back pain",
        "Pilates for chronic back pain",
    ]
    assert titles(q="100%") == ["Back school: 100% adherence?"]
    assert titles(q="_") == []
    page = client.get(url, params={"limit": 2, "offset": 3}, headers=viewer.headers).json()
    assert page["total"] == 6
    assert [item["title"] for item in page["items"]] == [
        "Back school: 100% adherence?",
        "Spinal manipulation",
    ]


def test_paging_bounds_are_checked(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    response = client.get(
        f"/api/v1/reviews/{rid}/records", params={"limit": 0}, headers=lead.headers
    )
    assert response.status_code == 422
    assert "query.limit" in response.json()["detail"]
    too_many = client.get(
        f"/api/v1/reviews/{rid}/records", params={"limit": 501}, headers=lead.headers
    )
    assert too_many.status_code == 422


def test_one_record_has_its_raw_text_and_no_votes(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    reviewer = build.member(lead, rid, "reviewer")
    source = build.source(lead, rid)
    upload(client, lead, rid, source["id"], THREE_RECORDS)
    listed = client.get(f"/api/v1/reviews/{rid}/records", headers=reviewer.headers).json()
    record_id = listed["items"][1]["id"]
    response = client.get(f"/api/v1/reviews/{rid}/records/{record_id}", headers=reviewer.headers)
    assert response.status_code == 200
    record = response.json()
    assert record["title"] == "Yoga for back pain"
    assert record["authors"] == ["Doe, John"]
    assert record["raw"].startswith("TY  - JOUR\nTI  - Yoga for back pain")
    assert (record["record_number"], record["line"]) == (3, 12)
    assert not {"decisions", "votes", "decision"} & set(record)


def test_a_record_of_another_review_is_not_found(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    other_rid = build.review(lead, title="Other")["id"]
    source = build.source(lead, other_rid)
    upload(client, lead, other_rid, source["id"], THREE_RECORDS)
    foreign = client.get(f"/api/v1/reviews/{other_rid}/records", headers=lead.headers).json()
    record_id = foreign["items"][0]["id"]
    response = client.get(f"/api/v1/reviews/{rid}/records/{record_id}", headers=lead.headers)
    assert response.status_code == 404
    assert response.json()["detail"] == f"record {record_id} not found"
    assert client.get(f"/api/v1/reviews/{rid}/records", headers=lead.headers).json() == {
        "items": [],
        "total": 0,
    }
