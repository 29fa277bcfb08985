"""The audit log can be read: by the review's leads, paged, filtered by actor, action and time;
and it is part of the review archive."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api.builders import Account, Builder
from tests.api.test_imports import THREE_RECORDS, upload

API = "/api/v1"


def _audit(client: TestClient, rid: int, who: Account, **params: Any) -> Any:
    response = client.get(f"{API}/reviews/{rid}/audit", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_leads_read_the_audit_log_newest_first_filtered_and_paged(
    client: TestClient, build: Builder
) -> None:
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    librarian = build.member(lead, rid, "librarian")
    source = build.source(librarian, rid)["id"]
    assert upload(client, librarian, rid, source, THREE_RECORDS).status_code == 201
    log = _audit(client, rid, lead)
    actions = [event["action"] for event in log["items"]]
    assert actions == ["import.create", "source.create", "member.set", "review.create"]
    assert log["total"] == 4
    newest = log["items"][0]
    assert (newest["actor_id"], newest["details"]["records_imported"]) == (librarian.id, 2)
    assert log["items"][-1]["actor_name"] == "Lena Lead"

    by_librarian = _audit(client, rid, lead, actor_id=librarian.id)
    assert [e["action"] for e in by_librarian["items"]] == ["import.create", "source.create"]
    assert _audit(client, rid, lead, action="member.set")["total"] == 1
    page = _audit(client, rid, lead, limit=2, offset=1)
    assert ([e["action"] for e in page["items"]], page["total"]) == (actions[1:3], 4)

    stamp = datetime.fromisoformat(newest["at"])
    assert _audit(client, rid, lead, since=stamp.isoformat())["items"][0]["id"] == newest["id"]
    later = (stamp + timedelta(seconds=1)).isoformat()
    assert _audit(client, rid, lead, since=later) == {"items": [], "total": 0}
    assert _audit(client, rid, lead, until=stamp.isoformat())["total"] == 3
    # A time without a zone is ambiguous: refused.
    naive = client.get(
        f"{API}/reviews/{rid}/audit", params={"since": "2020-01-01T00:00:00"}, headers=lead.headers
    )
    assert naive.status_code == 422

    reviewer = build.member(lead, rid, "reviewer")
    refused = client.get(f"{API}/reviews/{rid}/audit", headers=reviewer.headers)
    assert refused.status_code == 403


def test_the_archive_holds_the_audit_log(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    build.source(lead, rid)
    response = client.get(f"{API}/reviews/{rid}/archive", headers=lead.headers)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        document = json.loads(archive.read(f"review-{rid}/review.json"))
    assert [e["action"] for e in document["audit_events"]] == ["review.create", "source.create"]
    assert all(
        datetime.fromisoformat(e["at"]) <= datetime.now(UTC) for e in document["audit_events"]
    )
