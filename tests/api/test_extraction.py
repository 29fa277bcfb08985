"""Extraction through the API: versioned forms, validation, dual mode with conflicts and
consensus, single extraction with verification, and the export of included studies."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.tables import Study
from tests.api.builders import Account, Builder
from tests.api.extraction_fixtures import FIELDS, new_study
from tests.api.test_prisma import build_flow

API = "/api/v1"


@dataclass
class Team:
    review_id: int
    lead: Account
    a: Account
    b: Account
    c: Account
    viewer: Account


def team(build: Builder, mode: str = "dual") -> Team:
    lead = build.user()
    review_id = build.review(lead, settings={"extraction": {"mode": mode}})["id"]
    a, b, c = (build.member(lead, review_id, "reviewer") for _ in range(3))
    viewer = build.member(lead, review_id, "viewer")
    return Team(review_id, lead, a, b, c, viewer)


def put_form(client: TestClient, t: Team, fields: list[dict[str, Any]]) -> Any:
    return client.put(
        f"{API}/reviews/{t.review_id}/extraction/form",
        json={"fields": fields},
        headers=t.lead.headers,
    )


def extract(client: TestClient, t: Team, who: Account, sid: int, values: dict[str, Any]) -> Any:
    return client.put(
        f"{API}/reviews/{t.review_id}/studies/{sid}/extraction",
        json={"values": values},
        headers=who.headers,
    )


def state(client: TestClient, t: Team, sid: int) -> dict[str, Any]:
    response = client.get(
        f"{API}/reviews/{t.review_id}/studies/{sid}/extraction", headers=t.lead.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_forms_are_versioned_and_validated(client: TestClient, build: Builder) -> None:
    t = team(build)
    assert (
        client.get(f"{API}/reviews/{t.review_id}/extraction/form", headers=t.a.headers).status_code
        == 404
    )
    first = put_form(client, t, FIELDS)
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 1
    assert put_form(client, t, FIELDS).json()["version"] == 1  # unchanged: no new version
    changed = put_form(client, t, [*FIELDS, {"key": "funding", "label": "Funding", "type": "text"}])
    assert changed.json()["version"] == 2
    read = client.get(f"{API}/reviews/{t.review_id}/extraction/form", headers=t.viewer.headers)
    assert read.json()["version"] == 2
    assert read.json()["fields"][-1]["key"] == "funding"
    form_url = f"{API}/reviews/{t.review_id}/extraction/form"
    old = client.get(form_url, params={"version": 1}, headers=t.viewer.headers).json()
    assert (old["version"], [f["key"] for f in old["fields"]]) == (1, [f["key"] for f in FIELDS])
    missing = client.get(form_url, params={"version": 7}, headers=t.viewer.headers)
    assert missing.status_code == 404
    bad = put_form(client, t, [{"key": "n", "label": "N", "type": "choice"}])
    assert bad.status_code == 422
    assert "fields[0] (n).options: a choice field needs options" in bad.json()["detail"]
    reviewer = client.put(
        f"{API}/reviews/{t.review_id}/extraction/form", json={"fields": FIELDS}, headers=t.a.headers
    )
    assert reviewer.status_code == 403


def test_values_are_checked_against_the_form(client: TestClient, build: Builder) -> None:
    t = team(build)
    put_form(client, t, FIELDS)
    sid = new_study(build.engine, t.review_id)
    response = extract(client, t, t.a, sid, {"sample_size": "many", "design": "Case series"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "values.sample_size: integer field 'Sample size' expects a whole number" in detail
    assert "values.design: choice field 'Study design' expects one of RCT, Cohort" in detail
    assert state(client, t, sid)["state"] == "not_started"  # nothing was stored
    missing = extract(client, t, t.a, sid, {"arms": [{"n": 4}]})
    assert "values.arms[0].name: 'Arm name' is required" in missing.json()["detail"]
    assert extract(client, t, t.a, 999_999, {"sample_size": 1}).status_code == 404


def test_extraction_needs_a_form(client: TestClient, build: Builder) -> None:
    t = team(build)
    sid = new_study(build.engine, t.review_id)
    response = extract(client, t, t.a, sid, {"sample_size": 1})
    assert response.status_code == 404
    assert "extraction form" in response.json()["detail"]


def test_dual_extraction_conflicts_and_consensus(client: TestClient, build: Builder) -> None:
    t = team(build)
    put_form(client, t, FIELDS)
    sid = new_study(build.engine, t.review_id, "Doe 2020")
    arms = [{"name": "Exercise", "n": 50}, {"name": "Usual care", "n": 50}]
    first = extract(client, t, t.a, sid, {"design": "RCT", "sample_size": 100, "arms": arms})
    assert first.status_code == 200, first.text
    assert first.json()["form_version"] == 1
    assert state(client, t, sid)["state"] == "needs_second"
    other_arms = [{"name": "exercise", "n": 50}, {"name": "Usual care", "n": 48}]
    values_b = {"design": "Cohort", "sample_size": 100, "arms": other_arms}
    assert extract(client, t, t.b, sid, values_b).status_code == 200
    third = extract(client, t, t.c, sid, {"sample_size": 100})
    assert third.status_code == 409
    assert "two people have already extracted" in third.json()["detail"]

    conflicts = client.get(
        f"{API}/reviews/{t.review_id}/extraction/conflicts", headers=t.lead.headers
    )
    [conflict] = conflicts.json()
    assert (conflict["study_id"], conflict["study"], conflict["first"], conflict["second"]) == (
        sid,
        "Doe 2020",
        t.a.id,
        t.b.id,
    )
    assert [(d["path"], d["first"], d["second"]) for d in conflict["differences"]] == [
        ("design", "RCT", "Cohort"),
        ("arms[1].n", 50, 48),
    ]
    url = f"{API}/reviews/{t.review_id}/studies/{sid}/extraction/consensus"
    assert (
        client.post(url, json={"values": {"design": "RCT"}}, headers=t.a.headers).status_code == 403
    )
    partial = client.post(url, json={"values": {"design": "RCT"}}, headers=t.lead.headers)
    assert partial.status_code == 422
    assert "values.arms: the extractors disagree" in partial.json()["detail"]
    agreed = client.post(
        url, json={"values": {"design": "RCT", "arms": arms}}, headers=t.lead.headers
    )
    assert agreed.status_code == 200, agreed.text
    assert agreed.json()["kind"] == "consensus"
    final = state(client, t, sid)
    assert final["state"] == "consensus"
    assert final["final"] == {"design": "RCT", "sample_size": 100, "arms": arms}
    assert (
        client.get(
            f"{API}/reviews/{t.review_id}/extraction/conflicts", headers=t.lead.headers
        ).json()
        == []
    )
    closed = extract(client, t, t.a, sid, {"sample_size": 101})
    assert closed.status_code == 409


def test_a_revision_supersedes_and_a_repeat_records_nothing(
    client: TestClient, build: Builder
) -> None:
    t = team(build)
    put_form(client, t, FIELDS)
    sid = new_study(build.engine, t.review_id)
    first = extract(client, t, t.a, sid, {"sample_size": 10}).json()
    assert extract(client, t, t.a, sid, {"sample_size": 10}).json()["id"] == first["id"]
    revised = extract(client, t, t.a, sid, {"sample_size": 12}).json()
    assert revised["id"] != first["id"]
    extract(client, t, t.b, sid, {"sample_size": 12})
    assert state(client, t, sid)["state"] == "agreed"


def test_single_extraction_with_verification(client: TestClient, build: Builder) -> None:
    t = team(build, "single_with_verification")
    put_form(client, t, FIELDS)
    sid = new_study(build.engine, t.review_id)
    verify_url = f"{API}/reviews/{t.review_id}/studies/{sid}/extraction/verification"
    nothing = client.post(verify_url, json={}, headers=t.b.headers)
    assert nothing.status_code == 409
    assert extract(client, t, t.a, sid, {"design": "RCT", "sample_size": 30}).status_code == 200
    assert state(client, t, sid)["state"] == "awaiting_verification"
    second = extract(client, t, t.b, sid, {"sample_size": 31})
    assert second.status_code == 409
    assert "verify it instead" in second.json()["detail"]
    own = client.post(verify_url, json={}, headers=t.a.headers)
    assert own.status_code == 409
    signed = client.post(verify_url, json={}, headers=t.b.headers)
    assert signed.status_code == 200, signed.text
    assert signed.json()["kind"] == "verification"
    verified = state(client, t, sid)
    assert (verified["state"], verified["verifier_id"]) == ("verified", t.b.id)
    assert verified["final"] == {"design": "RCT", "sample_size": 30}
    bad = client.post(verify_url, json={"values": {"sample_size": "lots"}}, headers=t.b.headers)
    assert bad.status_code == 422
    corrected = client.post(verify_url, json={"values": {"sample_size": 32}}, headers=t.b.headers)
    assert corrected.status_code == 200
    assert state(client, t, sid)["final"] == {"sample_size": 32}
    consensus = client.post(
        f"{API}/reviews/{t.review_id}/studies/{sid}/extraction/consensus",
        json={"values": {}},
        headers=t.lead.headers,
    )
    assert consensus.status_code == 409


def _included_studies(build: Builder) -> tuple[Team, dict[str, int]]:
    flow = build_flow(build)  # studies "Doe 2020" (M1 + R1) and "Roe 2019" (C1) are included
    a = build.member(flow.lead, flow.review_id, "reviewer")
    t = Team(flow.review_id, flow.lead, flow.reviewer, a, a, flow.viewer)
    with Session(build.engine) as session:
        # The studies flow linked (each record also has its study of one, with the same label).
        studies = {
            s.label: s.id
            for s in session.exec(select(Study).order_by(col(Study.id))).all()
            if s.id is not None
        }
    return t, studies


def test_export_has_one_row_per_included_study_and_keeps_old_versions(
    client: TestClient, build: Builder
) -> None:
    t, studies = _included_studies(build)
    put_form(client, t, [FIELDS[0], {"key": "country", "label": "Country", "type": "text"}])
    doe, roe = studies["Doe 2020"], studies["Roe 2019"]
    for who in (t.a, t.b):
        extract(client, t, who, doe, {"design": "RCT", "country": "NZ"})
    put_form(client, t, FIELDS)  # version 2 drops nothing but adds arms and a required size
    arms = [{"name": "Exercise", "n": 20}, {"name": "Control", "n": 21}]
    for who in (t.a, t.b):
        extract(client, t, who, roe, {"design": "Cohort", "sample_size": 41, "arms": arms})
    url = f"{API}/reviews/{t.review_id}/extraction/export"
    response = client.get(url, params={"format": "json"}, headers=t.lead.headers)
    assert response.status_code == 200, response.text
    by_label = {s["study"]: s for s in response.json()["studies"]}
    assert set(by_label) == {"Doe 2020", "Roe 2019"}
    assert by_label["Doe 2020"]["form_version"] == 1
    assert by_label["Doe 2020"]["values"] == {"design": "RCT", "country": "NZ"}
    assert by_label["Roe 2019"]["state"] == "agreed"

    wide = client.get(url, params={"format": "csv"}, headers=t.lead.headers).text
    rows = list(csv.DictReader(io.StringIO(wide)))
    assert len(rows) == 2
    roe_row = next(r for r in rows if r["study"] == "Roe 2019")
    assert (roe_row["arms1_name"], roe_row["arms2_n"], roe_row["sample_size"]) == (
        "Exercise",
        "21",
        "41",
    )
    long = client.get(url, params={"format": "csv", "layout": "long"}, headers=t.lead.headers).text
    long_rows = list(csv.DictReader(io.StringIO(long)))
    arm_rows = [r for r in long_rows if r["group"] == "arms"]
    assert [(r["item"], r["field"], r["value"]) for r in arm_rows] == [
        ("1", "name", "Exercise"),
        ("1", "n", "20"),
        ("2", "name", "Control"),
        ("2", "n", "21"),
    ]
    assert client.get(url, headers=t.a.headers).status_code == 403


def test_dual_extraction_is_blind_until_agreed(client: TestClient, build: Builder) -> None:
    t = team(build)
    put_form(client, t, FIELDS)
    sid = new_study(build.engine, t.review_id)
    extract(client, t, t.a, sid, {"design": "RCT", "sample_size": 80})
    url = f"{API}/reviews/{t.review_id}/studies/{sid}/extraction"
    seen_by_b = client.get(url, headers=t.b.headers).json()
    assert (seen_by_b["state"], seen_by_b["final"], seen_by_b["mine"]) == (
        "needs_second",
        None,
        None,
    )
    seen_by_a = client.get(url, headers=t.a.headers).json()
    assert seen_by_a["mine"]["values"] == {"design": "RCT", "sample_size": 80}
    extract(client, t, t.b, sid, {"design": "Cohort", "sample_size": 80})
    in_conflict = client.get(url, headers=t.b.headers).json()
    assert (in_conflict["state"], in_conflict["final"]) == ("conflict", None)
    conflicts = f"{API}/reviews/{t.review_id}/extraction/conflicts"
    assert client.get(conflicts, headers=t.b.headers).status_code == 403
    assert client.get(url, headers=t.viewer.headers).status_code == 403
