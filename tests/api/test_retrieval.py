"""Full-text retrieval through the API: the list, file-name matching, attach and "not retrieved"
and taking it back, and who may do each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.builders import Account, Builder, ReviewRows

PDF = b"%PDF-1.4 a hand-made report"


@dataclass
class World:
    client: TestClient
    rid: int
    lead: Account
    reviewer: Account
    librarian: Account
    viewer: Account
    records: list[int]
    rows: ReviewRows

    def url(self, path: str) -> str:
        return f"/api/v1/reviews/{self.rid}{path}"

    def retrieval(self, who: Account | None = None) -> dict[str, Any]:
        response = self.client.get(self.url("/retrieval"), headers=(who or self.lead).headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def world(client: TestClient, build: Builder, engine: Any) -> World:
    lead = build.user()
    rid = build.review(lead)["id"]
    rows = ReviewRows(engine, rid)
    source = rows.source("MEDLINE")
    records = rows.records(
        source,
        "Effect of exercise on depression in older adults",
        "Sleep hygiene education for insomnia",
        "Yoga for chronic low back pain",
        "Excluded at title and abstract",
    )
    [doi_record] = rows.records(source, "Doi record", doi="10.1000/xyz.42")
    records.append(doi_record)
    world = World(
        client,
        rid,
        lead,
        build.member(lead, rid, "reviewer"),
        build.member(lead, rid, "librarian"),
        build.member(lead, rid, "viewer"),
        records,
        rows,
    )
    for record_id in (*records[:3], doi_record):
        rows.resolve(record_id, lead.id, "include")
    rows.resolve(records[3], lead.id, "exclude")
    return world


def test_the_list_holds_every_record_that_passed_title_abstract_with_its_state(
    world: World,
) -> None:
    first, second, third, _excluded, doi_record = world.records
    body = world.retrieval(world.viewer)
    assert [item["record_id"] for item in body["items"]] == [first, second, third, doi_record]
    assert {item["state"] for item in body["items"]} == {"missing"}
    assert body["counts"] == {"total": 4, "attached": 0, "not_retrieved": 0, "missing": 4}

    attached = world.client.put(
        world.url(f"/records/{first}/full-text"),
        files={"file": ("paper.pdf", PDF, "application/pdf")},
        headers=world.librarian.headers,
    )
    assert attached.status_code == 200, attached.text
    gone = world.client.put(
        world.url(f"/records/{second}/full-text"),
        json={"status": "not_retrieved"},
        headers=world.reviewer.headers,
    )
    assert gone.status_code == 200, gone.text
    body = world.retrieval()
    states = {item["record_id"]: item["state"] for item in body["items"]}
    assert states == {
        first: "attached",
        second: "not_retrieved",
        third: "missing",
        doi_record: "missing",
    }
    assert body["items"][0]["filename"] == "paper.pdf"
    assert body["counts"] == {"total": 4, "attached": 1, "not_retrieved": 1, "missing": 2}


def test_not_retrieved_can_be_taken_back_to_missing_or_to_the_earlier_pdf(world: World) -> None:
    first, second, *_ = world.records

    def mark(record_id: int) -> None:
        response = world.client.put(
            world.url(f"/records/{record_id}/full-text"),
            json={"status": "not_retrieved"},
            headers=world.reviewer.headers,
        )
        assert response.status_code == 200, response.text

    def undo(record_id: int, who: Account) -> Any:
        return world.client.delete(
            world.url(f"/records/{record_id}/full-text/not-retrieved"), headers=who.headers
        )

    mark(second)
    undone = undo(second, world.librarian)
    assert undone.status_code == 200, undone.text
    assert undone.json()["state"] == "missing"
    again = undo(second, world.librarian)
    assert again.status_code == 409
    assert "not marked as not retrieved" in again.json()["detail"]

    world.client.put(
        world.url(f"/records/{first}/full-text"),
        files={"file": ("first.pdf", PDF, "application/pdf")},
        headers=world.lead.headers,
    )
    mark(first)
    back = undo(first, world.reviewer)
    assert back.json()["state"] == "attached"
    assert back.json()["filename"] == "first.pdf"
    pdf = world.client.get(world.url(f"/records/{first}/full-text"), headers=world.viewer.headers)
    assert pdf.content == PDF
    assert undo(first, world.viewer).status_code == 403
    assert undo(999_999, world.lead).status_code == 404


def test_file_names_are_matched_to_sought_records_and_unsure_ones_ask(world: World) -> None:
    first, _, _third, excluded, doi_record = world.records
    response = world.client.post(
        world.url("/retrieval/match"),
        json={
            "filenames": [
                "10.1000_xyz.42.pdf",
                "Smith - 2020 - Effect of exercise on depression in older adults.pdf",
                "yoga.pdf",
                "Excluded at title and abstract.pdf",
            ]
        },
        headers=world.librarian.headers,
    )
    assert response.status_code == 200, response.text
    by_name = {m["filename"]: m for m in response.json()}
    assert by_name["10.1000_xyz.42.pdf"]["record_id"] == doi_record
    assert by_name["10.1000_xyz.42.pdf"]["matched_by"] == "doi"
    title = by_name["Smith - 2020 - Effect of exercise on depression in older adults.pdf"]
    assert (title["record_id"], title["matched_by"]) == (first, "title")
    assert by_name["yoga.pdf"]["record_id"] is None
    # A record excluded at title/abstract is not sought, so it is never offered.
    offered = {o["record_id"] for m in response.json() for o in m["options"]}
    assert excluded not in offered


def test_match_refuses_bad_bodies_and_roles_that_cannot_attach(world: World) -> None:
    url = world.url("/retrieval/match")
    empty = world.client.post(url, json={"filenames": []}, headers=world.lead.headers)
    assert empty.status_code == 422
    viewer = world.client.post(url, json={"filenames": ["a.pdf"]}, headers=world.viewer.headers)
    assert viewer.status_code == 403
    attach = world.client.put(
        world.url(f"/records/{world.records[0]}/full-text"),
        json={"status": "not_retrieved"},
        headers=world.viewer.headers,
    )
    assert attach.status_code == 403
