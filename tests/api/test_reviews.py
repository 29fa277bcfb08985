"""Reviews, settings, members and sources through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.tables import AuditEvent
from tests.api.builders import Builder


def test_creator_becomes_lead_and_sees_default_settings(client: TestClient, build: Builder) -> None:
    lead = build.user()
    review = build.review(lead, description="Adults with chronic pain")
    assert review["role"] == "lead"
    assert review["settings"]["title_abstract"]["mode"] == "dual"
    assert review["settings"]["full_text"]["blinding"] is True
    listed = client.get("/api/v1/reviews", headers=lead.headers).json()
    assert [r["id"] for r in listed] == [review["id"]]


def test_reviews_list_only_the_callers_reviews_with_their_role(
    client: TestClient, build: Builder
) -> None:
    lead, other = build.user(), build.user()
    mine = build.review(lead)
    build.review(other, title="Someone else's review")
    viewer = build.member(lead, mine["id"], "viewer")
    assert [r["id"] for r in client.get("/api/v1/reviews", headers=lead.headers).json()] == [
        mine["id"]
    ]
    assert [
        (r["id"], r["role"]) for r in client.get("/api/v1/reviews", headers=viewer.headers).json()
    ] == [(mine["id"], "viewer")]


def test_patch_merges_settings_and_validates_them(client: TestClient, build: Builder) -> None:
    lead = build.user()
    review = build.review(lead)
    url = f"/api/v1/reviews/{review['id']}"
    response = client.patch(
        url,
        json={
            "settings": {"title_abstract": {"mode": "single"}, "keywords": {"include": ["random*"]}}
        },
        headers=lead.headers,
    )
    assert response.status_code == 200, response.text
    settings = response.json()["settings"]
    assert settings["title_abstract"]["mode"] == "single"
    assert settings["title_abstract"]["blinding"] is True  # untouched keys keep their value
    assert settings["keywords"]["include"] == ["random*"]

    bad = client.patch(
        url, json={"settings": {"title_abstract": {"mode": "triple"}}}, headers=lead.headers
    )
    assert bad.status_code == 422
    assert "title_abstract.mode" in bad.json()["detail"]
    unknown = client.patch(url, json={"settings": {"colour": "blue"}}, headers=lead.headers)
    assert unknown.status_code == 422
    assert "colour" in unknown.json()["detail"]
    rapid = client.patch(
        url,
        json={"settings": {"full_text": {"rapid": {"dual_fraction": 0.1}}}},
        headers=lead.headers,
    )
    assert rapid.status_code == 422
    assert "dual_fraction" in rapid.json()["detail"]
    after = client.get(url, headers=lead.headers).json()["settings"]
    assert after == settings  # refused patches changed nothing


def test_empty_patch_is_refused(client: TestClient, build: Builder) -> None:
    lead = build.user()
    review = build.review(lead)
    response = client.patch(f"/api/v1/reviews/{review['id']}", json={}, headers=lead.headers)
    assert response.status_code == 422
    assert "nothing to update" in response.json()["detail"]


def test_members_are_added_listed_changed_and_removed(client: TestClient, build: Builder) -> None:
    lead = build.user()
    review = build.review(lead)
    rid = review["id"]
    reviewer = build.member(lead, rid, "reviewer")
    members = client.get(f"/api/v1/reviews/{rid}/members", headers=reviewer.headers).json()
    assert {(m["user_id"], m["role"]) for m in members} == {
        (lead.id, "lead"),
        (reviewer.id, "reviewer"),
    }
    changed = client.put(
        f"/api/v1/reviews/{rid}/members/{reviewer.id}",
        json={"role": "viewer"},
        headers=lead.headers,
    )
    assert changed.json()["role"] == "viewer"
    gone = client.delete(f"/api/v1/reviews/{rid}/members/{reviewer.id}", headers=lead.headers)
    assert gone.status_code == 204
    assert client.get(f"/api/v1/reviews/{rid}", headers=reviewer.headers).status_code == 404


def test_unknown_role_and_unknown_user_are_refused(client: TestClient, build: Builder) -> None:
    lead, someone = build.user(), build.user()
    rid = build.review(lead)["id"]
    bad_role = client.put(
        f"/api/v1/reviews/{rid}/members/{someone.id}", json={"role": "boss"}, headers=lead.headers
    )
    assert bad_role.status_code == 422
    assert "body.role" in bad_role.json()["detail"]
    assert "'lead', 'reviewer', 'librarian' or 'viewer'" in bad_role.json()["detail"]
    ghost = client.put(
        f"/api/v1/reviews/{rid}/members/99999", json={"role": "viewer"}, headers=lead.headers
    )
    assert ghost.status_code == 404
    assert ghost.json()["detail"] == "user 99999 not found"


def test_a_lead_adds_a_member_by_the_email_they_sign_in_with(
    client: TestClient, build: Builder
) -> None:
    lead, someone = build.user(), build.user(name="Sam Someone")
    rid = build.review(lead)["id"]
    url = f"/api/v1/reviews/{rid}/members"
    added = client.post(
        url, json={"email": someone.email.upper(), "role": "librarian"}, headers=lead.headers
    )
    assert added.status_code == 200, added.text
    assert (added.json()["user_id"], added.json()["role"]) == (someone.id, "librarian")
    members = client.get(url, headers=someone.headers).json()
    assert (someone.id, "librarian") in {(m["user_id"], m["role"]) for m in members}
    # An address without an account is invited (this used to be a 404: issue 17 changed it).
    invited = client.post(
        url, json={"email": "nobody@example.org", "role": "viewer"}, headers=lead.headers
    )
    assert invited.status_code == 200, invited.text
    assert invited.json()["invitation"]["url"].startswith("/set-password#token=")
    assert "invitation" not in added.json()  # a known account gets no link
    not_an_email = client.post(url, json={"email": "sam", "role": "viewer"}, headers=lead.headers)
    assert not_an_email.status_code == 422
    assert "body.email" in not_an_email.json()["detail"]
    by_member = client.post(
        url, json={"email": lead.email, "role": "viewer"}, headers=someone.headers
    )
    assert by_member.status_code == 403


def test_the_last_lead_cannot_leave_or_be_demoted(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    demote = client.put(
        f"/api/v1/reviews/{rid}/members/{lead.id}", json={"role": "viewer"}, headers=lead.headers
    )
    assert demote.status_code == 409
    leave = client.delete(f"/api/v1/reviews/{rid}/members/{lead.id}", headers=lead.headers)
    assert leave.status_code == 409
    second = build.member(lead, rid, "lead")
    assert (
        client.delete(
            f"/api/v1/reviews/{rid}/members/{lead.id}", headers=second.headers
        ).status_code
        == 204
    )


def test_sources_are_created_listed_and_corrected(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    librarian = build.member(lead, rid, "librarian")
    created = client.post(
        f"/api/v1/reviews/{rid}/sources",
        json={
            "name": "Embase (Ovid)",
            "kind": "database",
            "query": "exp back pain/",
            "searched_on": "2026-01-15",
        },
        headers=librarian.headers,
    )
    assert created.status_code == 201, created.text
    source = created.json()
    assert (source["name"], source["kind"], source["searched_on"]) == (
        "Embase (Ovid)",
        "database",
        "2026-01-15",
    )
    fixed = client.patch(
        f"/api/v1/reviews/{rid}/sources/{source['id']}",
        json={"kind": "register"},
        headers=librarian.headers,
    )
    assert fixed.json()["kind"] == "register"
    listed = client.get(f"/api/v1/reviews/{rid}/sources", headers=lead.headers).json()
    assert [s["name"] for s in listed] == ["Embase (Ovid)"]


def test_source_names_are_unique_per_review_and_kinds_are_checked(
    client: TestClient, build: Builder
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    build.source(lead, rid, "MEDLINE")
    again = client.post(
        f"/api/v1/reviews/{rid}/sources", json={"name": "MEDLINE"}, headers=lead.headers
    )
    assert again.status_code == 409
    bad_kind = client.post(
        f"/api/v1/reviews/{rid}/sources",
        json={"name": "Google", "kind": "search engine"},
        headers=lead.headers,
    )
    assert bad_kind.status_code == 422
    assert "body.kind" in bad_kind.json()["detail"]
    other_review = build.review(lead)["id"]
    source_id = client.get(f"/api/v1/reviews/{rid}/sources", headers=lead.headers).json()[0]["id"]
    cross = client.get(f"/api/v1/reviews/{other_review}/sources/{source_id}", headers=lead.headers)
    assert cross.status_code == 404


def test_changes_are_written_to_the_audit_log(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    member = build.member(lead, rid, "reviewer")
    build.source(lead, rid)
    client.delete(f"/api/v1/reviews/{rid}/members/{member.id}", headers=lead.headers)
    with Session(engine) as session:
        statement = (
            select(AuditEvent).where(AuditEvent.review_id == rid).order_by(col(AuditEvent.id))
        )
        events = session.exec(statement).all()
    assert [e.action for e in events] == [
        "review.create",
        "member.set",
        "source.create",
        "member.remove",
    ]
    assert all(e.actor_id == lead.id for e in events)
    assert events[1].details == {"role": "reviewer", "previous": None}
