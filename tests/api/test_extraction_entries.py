"""A lead reads both extractors' current values of a study before recording the consensus."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api import extraction_fixtures as xf
from tests.api.builders import Builder


def test_the_lead_sees_each_extractors_current_values(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    sid = xf.new_study(build.engine, rid)
    first = build.member(lead, rid, "reviewer")
    second = build.member(lead, rid, "reviewer")
    xf.add_entry(build.engine, rid, sid, first.id, {"design": "RCT", "sample_size": 10})
    xf.add_entry(build.engine, rid, sid, second.id, {"design": "RCT", "sample_size": 12})
    xf.add_entry(build.engine, rid, sid, first.id, {"design": "RCT", "sample_size": 11})  # revised
    url = f"/api/v1/reviews/{rid}/studies/{sid}/extraction/entries"
    entries = client.get(url, headers=lead.headers)
    assert entries.status_code == 200, entries.text
    assert [(e["extractor_id"], e["values"]["sample_size"]) for e in entries.json()] == [
        (second.id, 12),
        (first.id, 11),
    ]
    assert {e["kind"] for e in entries.json()} == {"extraction"}
    assert client.get(url, headers=first.headers).status_code == 403  # blinded to each other
    other = xf.new_study(build.engine, rid)
    empty = client.get(
        f"/api/v1/reviews/{rid}/studies/{other}/extraction/entries", headers=lead.headers
    )
    assert empty.json() == []
    missing = client.get(
        f"/api/v1/reviews/{rid}/studies/999999/extraction/entries", headers=lead.headers
    )
    assert missing.status_code == 404
