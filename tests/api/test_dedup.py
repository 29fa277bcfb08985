"""Deduplication through the API: run, queue, confirm, reject, undo (hand-made records)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.tables import AuditEvent, DuplicateLink, Record
from tests.api.builders import Account, Builder, insert_records

REMOTE: dict[str, Any] = {
    "title": "Remote ischaemic preconditioning before cardiac surgery: a randomised trial",
    "authors": ["Halvorsen, K. T.", "Mbeki, A.", "Oyelaran, P. J."],
    "year": 2015,
    "journal": "New England Journal of Medicine",
    "volume": "373",
    "issue": "15",
    "pages": "1408-1417",
    "doi": "10.5555/trial.2015.1408",
    "abstract": "Background: remote ischemic preconditioning reduces myocardial injury in "
    "patients undergoing coronary artery bypass graft surgery. We tested whether it improves "
    "clinical outcomes in a multicentre sham-controlled trial of 1612 adults.",
    "type": "journal_article",
}
STATINS: dict[str, Any] = {
    "title": "Statin therapy for the prevention of cardiovascular events in adults over "
    "seventy: a cohort study",
    "authors": ["Smith, J.", "Brown, K.", "Lee, M."],
    "year": 2018,
    "journal": "Heart",
    "volume": "104",
    "issue": "7",
    "pages": "553-560",
    "doi": "10.5555/heart-2017-312345",
    "abstract": "Objective: to estimate whether statins prevent cardiovascular events in people "
    "older than seventy years without known vascular disease, in a national cohort.",
    "type": "journal_article",
}
EXERCISE: dict[str, Any] = {
    "title": "Supervised exercise therapy for chronic low back pain in office workers: "
    "a randomised controlled trial",
    "authors": ["Jones, A.", "Patel, R."],
    "year": 2020,
    "journal": "BMJ",
    "volume": "368",
    "pages": "m123",
    "doi": "10.5555/bmj.m123",
    "abstract": "Objective: to compare supervised exercise with usual care for chronic low back "
    "pain among office workers in twelve clinics.",
    "type": "journal_article",
}
# The second database's export of the same three studies, each in a different guise.
EMBASE: dict[str, dict[str, Any]] = {
    "remote_copy": {
        **REMOTE,
        "title": REMOTE["title"].upper(),
        "doi": "https://doi.org/10.5555/trial.2015.1408",
    },
    "remote_erratum": {
        **REMOTE,
        "title": "Erratum: " + REMOTE["title"],
        "doi": None,
        "issue": "16",
        "pages": "1589",
        "abstract": "",
    },
    "statins_other_doi": {**STATINS, "doi": "10.5555/heart-2017-999999"},
    "exercise_abstract": {
        **EXERCISE,
        "doi": None,
        "type": "conference_abstract",
        "journal": "BMJ. Conference: Annual Scientific Meeting",
        "pages": "",
        "abstract": "",
    },
}
# Found later in a third database: the trial again, without its DOI.
LATER = {"remote_no_doi": {**REMOTE, "doi": None, "journal": "N Engl J Med", "pages": "1408-17"}}


@dataclass
class World:
    build: Builder
    client: TestClient
    engine: Engine
    lead: Account
    librarian: Account
    viewer: Account
    review_id: int
    ids: dict[str, int]

    def url(self, path: str = "") -> str:
        return f"/api/v1/reviews/{self.review_id}{path}"

    def run(self, who: Account | None = None) -> dict[str, Any]:
        response = self.client.post(self.url("/dedup"), headers=(who or self.librarian).headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def queue(self, status: str = "pending") -> dict[str, Any]:
        response = self.client.get(
            self.url("/duplicates"), params={"status": status}, headers=self.viewer.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def link(self, left: str, right: str) -> int:
        a, b = sorted((self.ids[left], self.ids[right]))
        with Session(self.engine) as session:
            statement = select(DuplicateLink.id).where(
                DuplicateLink.record_a_id == a, DuplicateLink.record_b_id == b
            )
            link_id = session.exec(statement).one()
        assert link_id is not None
        return link_id

    def decide(self, link_id: int, decision: str, who: Account | None = None) -> Any:
        return self.client.post(
            self.url(f"/duplicates/{link_id}"),
            json={"decision": decision},
            headers=(who or self.librarian).headers,
        )

    def undo(self, link_id: int) -> Any:
        return self.client.post(
            self.url(f"/duplicates/{link_id}/undo"), headers=self.librarian.headers
        )

    def load(self, records: dict[str, dict[str, Any]], source: str) -> None:
        source_id = self.build.source(self.lead, self.review_id, source)["id"]
        new_ids = insert_records(self.engine, self.review_id, source_id, list(records.values()))
        self.ids.update(zip(records, new_ids, strict=True))

    def kept(self) -> dict[str, str]:
        """Each record's kept record, by name (itself when not merged)."""
        names = {record_id: name for name, record_id in self.ids.items()}
        with Session(self.engine) as session:
            rows = session.exec(select(Record.id, Record.duplicate_of_id)).all()
        return {names[rid]: names[dup or rid] for rid, dup in rows if rid is not None}


def make_world(build: Builder, client: TestClient, engine: Engine) -> World:
    """A review with a lead, a librarian and a viewer; three studies from MEDLINE and their
    four look-alikes from Embase."""
    lead = build.user()
    review_id = build.review(lead)["id"]
    librarian = build.member(lead, review_id, "librarian")
    viewer = build.member(lead, review_id, "viewer")
    world = World(build, client, engine, lead, librarian, viewer, review_id, {})
    world.load({"remote": REMOTE, "statins": STATINS, "exercise": EXERCISE}, "MEDLINE")
    world.load(EMBASE, "Embase")
    return world


@pytest.fixture
def world(build: Builder, client: TestClient, engine: Engine) -> World:
    return make_world(build, client, engine)


def _pairs(page: dict[str, Any], world: World) -> set[frozenset[str]]:
    names = {record_id: name for name, record_id in world.ids.items()}
    return {
        frozenset((names[item["record_a"]["id"]], names[item["record_b"]["id"]]))
        for item in page["items"]
    }


def _audit_actions(engine: Engine, review_id: int) -> list[str]:
    with Session(engine) as session:
        statement = (
            select(AuditEvent.action)
            .where(AuditEvent.review_id == review_id, col(AuditEvent.action).like("d%"))
            .order_by(col(AuditEvent.id))
        )
        return list(session.exec(statement).all())


def test_a_run_merges_certain_pairs_and_queues_the_uncertain(world: World) -> None:
    summary = world.run()
    assert summary == {
        "records": 7,
        "duplicates": 1,
        "auto_merged": 1,
        "pending": 3,
        "new_pairs": 5,
    }
    kept = world.kept()
    assert kept["remote_copy"] == "remote"
    assert {name for name, root in kept.items() if name != root} == {"remote_copy"}
    # Both copies of the trial look like the erratum: one question about the two clusters.
    queue = world.queue()
    assert queue["total"] == 3
    questions = _pairs(queue, world)
    assert questions - {frozenset({"remote_copy", "remote_erratum"})} == {
        frozenset({"remote", "remote_erratum"}),
        frozenset({"statins", "statins_other_doi"}),
        frozenset({"exercise", "exercise_abstract"}),
    } or questions - {frozenset({"remote", "remote_erratum"})} == {
        frozenset({"remote_copy", "remote_erratum"}),
        frozenset({"statins", "statins_other_doi"}),
        frozenset({"exercise", "exercise_abstract"}),
    }
    merged = world.queue("auto")
    assert merged["total"] == 1
    assert _audit_actions(world.engine, world.review_id) == ["dedup.run"]


def test_the_queue_shows_both_records_with_their_sources_scores_and_reason(world: World) -> None:
    world.run()
    page = world.queue()
    item = next(i for i in page["items"] if i["record_b"]["id"] == world.ids["statins_other_doi"])
    assert item["record_a"]["id"] == world.ids["statins"]
    assert item["record_a"]["title"] == item["record_b"]["title"] == STATINS["title"]
    assert item["record_a"]["source_id"] != item["record_b"]["source_id"]
    assert item["reason"].startswith("different DOIs")
    assert item["scores"]["title"] == 100
    assert item["scores"]["doi"] == "different"
    assert item["status"] == "pending"
    assert (item["decided_by_id"], item["decided_at"]) == (None, None)


def test_a_second_run_without_new_records_changes_nothing(world: World) -> None:
    world.run()
    before = (world.kept(), world.queue())
    summary = world.run()
    assert summary["new_pairs"] == 0
    assert (world.kept(), world.queue()) == before


def test_confirming_merges_into_the_most_complete_record(world: World) -> None:
    world.run()
    link_id = world.link("exercise", "exercise_abstract")
    response = world.decide(link_id, "confirmed")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["decided_by_id"] == world.librarian.id
    assert body["record_b"]["duplicate_of_id"] == world.ids["exercise"]
    assert world.kept()["exercise_abstract"] == "exercise"
    assert frozenset({"exercise", "exercise_abstract"}) not in _pairs(world.queue(), world)
    assert _audit_actions(world.engine, world.review_id)[-1] == "duplicate.confirmed"


def test_a_person_may_confirm_a_queued_pair_with_different_dois(world: World) -> None:
    world.run()
    link_id = world.link("statins", "statins_other_doi")
    response = world.decide(link_id, "confirmed", world.lead)
    assert response.status_code == 200, response.text
    assert world.kept()["statins_other_doi"] == "statins"
    assert world.queue()["total"] == 2
    # A later run keeps the person's merge and does not ask again.
    assert world.run()["pending"] == 2
    assert world.kept()["statins_other_doi"] == "statins"


def test_rejecting_keeps_the_records_apart(world: World) -> None:
    world.run()
    question = next(
        item
        for item in world.queue()["items"]
        if world.ids["remote_erratum"] in (item["record_a"]["id"], item["record_b"]["id"])
    )
    response = world.decide(question["id"], "rejected")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    assert world.kept()["remote_erratum"] == "remote_erratum"
    assert world.queue("rejected")["total"] == 1
    # The answer is about the two clusters: the other copy of the trial is not asked about.
    assert world.queue()["total"] == 2


def test_undoing_an_automatic_merge_restores_the_record(world: World) -> None:
    world.run()
    link_id = world.link("remote", "remote_copy")
    response = world.undo(link_id)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "undone"
    assert response.json()["record_b"]["duplicate_of_id"] is None
    assert world.kept()["remote_copy"] == "remote_copy"
    assert _audit_actions(world.engine, world.review_id)[-1] == "duplicate.undo"


def test_confirm_then_undo_restores_the_state(world: World) -> None:
    world.run()
    before = world.kept()
    link_id = world.link("exercise", "exercise_abstract")
    assert world.decide(link_id, "confirmed").status_code == 200
    assert world.kept() != before
    response = world.undo(link_id)
    assert response.status_code == 200, response.text
    assert world.kept() == before


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("pending", "undo", "is pending: only a merge (auto or confirmed) can be undone"),
        ("confirmed", "confirmed", "is already confirmed"),
        ("rejected", "rejected", "is already rejected"),
    ],
)
def test_impossible_transitions_are_conflicts(
    world: World, status: str, action: str, expected: str
) -> None:
    world.run()
    link_id = world.link("exercise", "exercise_abstract")
    if status != "pending":
        assert world.decide(link_id, status).status_code == 200
    before = world.kept()
    response = world.undo(link_id) if action == "undo" else world.decide(link_id, action)
    assert response.status_code == 409
    assert response.json()["detail"] == f"duplicate pair {link_id} {expected}"
    assert world.kept() == before


def test_bad_requests_get_precise_errors_and_change_nothing(world: World) -> None:
    world.run()
    link_id = world.link("exercise", "exercise_abstract")
    response = world.decide(link_id, "maybe")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("body.decision: Input should be 'confirmed'")
    response = world.client.get(
        world.url("/duplicates"), params={"status": "merged"}, headers=world.viewer.headers
    )
    assert response.status_code == 422
    assert "query.status" in response.json()["detail"]
    assert world.decide(999_999, "confirmed").status_code == 404
    assert world.undo(999_999).json() == {
        "error": "NotFound",
        "detail": "duplicate pair 999999 not found",
    }
    assert world.queue()["total"] == 3


def test_a_pair_of_another_review_is_not_found(world: World) -> None:
    world.run()
    link_id = world.link("exercise", "exercise_abstract")
    other_review = world.build.review(world.lead)["id"]
    response = world.client.post(
        f"/api/v1/reviews/{other_review}/duplicates/{link_id}",
        json={"decision": "confirmed"},
        headers=world.lead.headers,
    )
    assert response.status_code == 404
    assert world.kept()["exercise_abstract"] == "exercise_abstract"


def test_viewers_read_the_queue_but_cannot_decide(world: World) -> None:
    world.run()
    link_id = world.link("exercise", "exercise_abstract")
    assert world.queue()["total"] == 3
    response = world.decide(link_id, "confirmed", world.viewer)
    assert response.status_code == 403
    response = world.client.post(world.url("/dedup"), headers=world.viewer.headers)
    assert response.status_code == 403


def test_a_large_review_is_deduplicated_in_a_background_job(world: World) -> None:
    app = world.client.app
    app.state.settings = app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"dedup_job_min_records": len(world.ids)}
    )
    response = world.client.post(world.url("/dedup"), headers=world.librarian.headers)
    assert response.status_code == 202, response.text
    job = response.json()
    assert (job["kind"], job["status"] in ("queued", "running", "succeeded")) == ("dedup", True)
    deadline = time.monotonic() + 60
    while job["status"] not in ("succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
        job = world.client.get(f"/api/v1/jobs/{job['id']}", headers=world.viewer.headers).json()
    assert job["status"] == "succeeded", job["error"]
    assert job["result"] == {
        "records": 7,
        "duplicates": 1,
        "auto_merged": 1,
        "pending": 3,
        "new_pairs": 5,
    }
    assert (job["done"], job["total"]) == (100, 100)
    assert world.kept()["remote_copy"] == "remote"
    assert _audit_actions(world.engine, world.review_id) == ["dedup.start", "dedup.run"]


def test_a_corrected_doi_is_audited_and_read_by_the_next_run(world: World) -> None:
    world.run()
    record_id = world.ids["statins_other_doi"]
    url = world.url(f"/records/{record_id}")
    response = world.client.patch(
        url,
        json={"doi": "https://doi.org/10.5555/HEART-2017-312345"},
        headers=world.librarian.headers,
    )
    assert response.status_code == 200, response.text
    assert (response.json()["doi"], response.json()["pmid"]) == ("10.5555/heart-2017-312345", None)
    with Session(world.engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "record.identifiers")
        ).one()
    assert event.target == f"record:{record_id}"
    assert event.details == {"doi": ["10.5555/heart-2017-999999", "10.5555/heart-2017-312345"]}
    # The queued question about the two DOIs is gone: the next run merges the pair itself.
    summary = world.run()
    assert world.kept()["statins_other_doi"] == "statins"
    assert summary["pending"] == 2
    assert world.queue("auto")["total"] == 2


def test_identifier_corrections_are_checked(world: World) -> None:
    record_id = world.ids["remote"]
    url = world.url(f"/records/{record_id}")
    cases = [
        ({"doi": "not a doi"}, "body.doi: Value error, 'not a doi' is not a DOI"),
        ({"pmid": "PMC123"}, "body.pmid: Value error, 'PMC123' is not a PubMed id"),
        ({}, "body: Value error, give doi, pmid or both"),
        ({"title": "x"}, "body.title: Extra inputs are not permitted"),
    ]
    for body, message in cases:
        response = world.client.patch(url, json=body, headers=world.lead.headers)
        assert response.status_code == 422, body
        assert response.json()["detail"].startswith(message), response.json()
    cleared = world.client.patch(
        url, json={"doi": "", "pmid": "PMID: 123"}, headers=world.lead.headers
    )
    assert (cleared.json()["doi"], cleared.json()["pmid"]) == (None, "123")
    other_review = world.build.review(world.lead)["id"]
    response = world.client.patch(
        f"/api/v1/reviews/{other_review}/records/{record_id}",
        json={"pmid": "1"},
        headers=world.lead.headers,
    )
    assert response.status_code == 404
    response = world.client.patch(url, json={"pmid": "1"}, headers=world.viewer.headers)
    assert response.status_code == 403
