"""What a fuzzer sends: ids too large for the column, NUL and other control characters. Each is
a 4xx with the same answer on both databases, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.schemas.ids import INT4_MAX
from tests.api.builders import Builder
from tests.api.test_imports import THREE_RECORDS

API = "/api/v1"
TOO_BIG = 2**31  # one past PostgreSQL's integer
HUGE = 21544236569495867490304  # past SQLite's 64-bit integers too


@pytest.mark.parametrize("big", [TOO_BIG, HUGE, -(2**63) - 1])
def test_ids_outside_the_column_are_422_in_paths_queries_and_bodies(
    client: TestClient, build: Builder, big: int
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    h = lead.headers
    calls = [
        client.get(f"{API}/reviews/{big}/export", headers=h),
        client.get(f"{API}/reviews/{big}/imports", headers=h),
        client.get(f"{API}/reviews/{rid}/records/{big}", headers=h),
        client.get(f"{API}/reviews/{rid}/records", params={"source_id": big}, headers=h),
        client.get(f"{API}/reviews/{rid}/records", params={"offset": big}, headers=h),
        client.get(f"{API}/reviews/{rid}/audit", params={"actor_id": big}, headers=h),
        client.post(
            f"{API}/reviews/{rid}/records/remove",
            json={"record_ids": [big], "removed": "other", "reason": "x"},
            headers=h,
        ),
        client.post(
            f"{API}/reviews/{rid}/studies/1/reports", json={"record_ids": [big]}, headers=h
        ),
        client.delete(f"{API}/users/me/tokens/{big}", headers=h),
    ]
    assert [c.status_code for c in calls] == [422] * len(calls), [c.text for c in calls]
    assert "less than or equal to 2147483647" in calls[0].json()["detail"] or big < 0


def test_the_largest_id_is_a_plain_404(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    assert client.get(f"{API}/reviews/{INT4_MAX}", headers=lead.headers).status_code == 404
    missing = client.get(f"{API}/reviews/{rid}/records/{INT4_MAX}", headers=lead.headers)
    assert missing.status_code == 404


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f\x00"])
def test_control_characters_in_text_are_refused(
    client: TestClient, build: Builder, character: str
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    h = lead.headers
    calls = [
        client.post(f"{API}/reviews", json={"title": f"A{character}B"}, headers=h),
        client.post(
            f"{API}/reviews/{rid}/sources", json={"name": f"MED{character}LINE"}, headers=h
        ),
        client.patch(f"{API}/reviews/{rid}", json={"description": f"x{character}"}, headers=h),
        client.patch(f"{API}/reviews/{rid}", json={"settings": {f"k{character}": 1}}, headers=h),
        client.get(f"{API}/reviews/{rid}/records", params={"q": f"pain{character}"}, headers=h),
    ]
    assert [c.status_code for c in calls] == [422] * len(calls), [c.text for c in calls]
    assert "control character U+00" in calls[0].json()["detail"]
    reviews = client.get(f"{API}/reviews", headers=h).json()
    assert [r["title"] for r in reviews] == ["Review"] or len(reviews) == 1


def test_an_upload_whose_name_holds_nul_is_refused(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)["id"]
    # Written by hand: httpx would escape the NUL in the file name.
    boundary = "winnowboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="source_id"\r\n\r\n{source}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a\x00.ris"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + THREE_RECORDS
        + f"\r\n--{boundary}--\r\n".encode()
    )
    refused = client.post(
        f"{API}/reviews/{rid}/imports",
        content=body,
        headers={**lead.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert refused.status_code == 422, refused.text
    assert "U+0000" in refused.json()["detail"]


def test_names_and_titles_are_one_line(client: TestClient, build: Builder) -> None:
    lead = build.user()
    created = client.post(
        f"{API}/reviews", json={"title": "Exercise\tfor\r\nback   pain "}, headers=lead.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "Exercise for back pain"
    rid = created.json()["id"]
    source = client.post(
        f"{API}/reviews/{rid}/sources", json={"name": "Embase\n(Ovid)"}, headers=lead.headers
    )
    assert source.json()["name"] == "Embase (Ovid)"
    blank = client.post(f"{API}/reviews", json={"title": "\t\n "}, headers=lead.headers)
    assert blank.status_code == 422
    # Descriptions keep their lines.
    described = client.patch(
        f"{API}/reviews/{rid}", json={"description": "line 1\nline 2\ttab"}, headers=lead.headers
    )
    assert described.json()["description"] == "line 1\nline 2\ttab"


def test_a_source_patch_with_null_name_and_kind_is_422(client: TestClient, build: Builder) -> None:
    # Found by the fuzzer (seed 1, PostgreSQL): the name was stripped before nulls were refused.
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)["id"]
    body = {"kind": None, "name": None, "notes": "", "query": "", "searched_on": "2000-01-01"}
    response = client.patch(
        f"{API}/reviews/{rid}/sources/{source}", json=body, headers=lead.headers
    )
    assert response.status_code == 422, response.text
    assert "must not be null" in response.json()["detail"]
