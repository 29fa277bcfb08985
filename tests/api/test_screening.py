"""Screening through the API: queue, votes, blinding, conflicts, agreement, resolution, errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.services.screening import reports
from api.tables import Record, Review
from tests.api.builders import Account, Builder, screening_records

API = "/api/v1"
TA = "title_abstract"


@dataclass
class World:
    client: TestClient
    lead: Account
    one: Account
    two: Account
    rid: int
    records: list[int]

    def url(self, path: str) -> str:
        return f"{API}/reviews/{self.rid}{path}"

    def vote(self, who: Account, record_id: int, decision: str, **extra: Any) -> Any:
        body = {"stage": extra.pop("stage", TA), "decision": decision, **extra}
        return self.client.post(
            self.url(f"/records/{record_id}/decisions"), json=body, headers=who.headers
        )

    def next(self, who: Account, stage: str = TA) -> Any:
        return self.client.get(self.url(f"/screening/{stage}/next"), headers=who.headers)

    def patch_settings(self, settings: dict[str, Any]) -> None:
        response = self.client.patch(
            self.url(""), json={"settings": settings}, headers=self.lead.headers
        )
        assert response.status_code == 200, response.text


def make_world(build: Builder, n: int = 6, settings: dict[str, Any] | None = None) -> World:
    lead = build.user()
    rid = build.review(lead, settings=settings or {})["id"]
    one = build.member(lead, rid, "reviewer")
    two = build.member(lead, rid, "reviewer")
    texts = [
        (f"Exercise trial {i} for back pain", f"Randomised study number {i}.") for i in range(n)
    ]
    records = screening_records(build.engine, rid, texts)
    return World(build.client, lead, one, two, rid, records)


@pytest.fixture
def world(build: Builder) -> World:
    return make_world(build, settings={"keywords": {"include": ["random*"], "exclude": ["rat"]}})


def test_next_serves_each_reviewer_every_record_once_then_204(world: World) -> None:
    for who in (world.one, world.two):
        seen = []
        while (response := world.next(who)).status_code == 200:
            record_id = response.json()["record"]["id"]
            assert record_id not in seen
            seen.append(record_id)
            assert world.vote(who, record_id, "include").status_code == 201
        assert response.status_code == 204
        assert sorted(seen) == world.records
    assert world.next(world.lead).status_code == 204  # dual: two votes settle every record


def test_next_returns_keyword_spans_and_no_votes(world: World) -> None:
    world.vote(world.one, world.records[0], "exclude", note="not an RCT")
    card = world.next(world.two).json()
    assert card["stage"] == TA
    record = card["record"]
    assert "votes" not in record
    assert "not an RCT" not in str(card)
    spans = record["spans"]
    assert {
        "field": "abstract",
        "start": 0,
        "end": 10,
        "kind": "include",
        "keyword": "random*",
    } in (spans)
    assert record["abstract"][0:10] == "Randomised"


def test_asking_twice_serves_the_same_record_and_single_mode_splits_work(build: Builder) -> None:
    world = make_world(build, n=3, settings={"title_abstract": {"mode": "single"}})
    first = world.next(world.one).json()["record"]["id"]
    assert world.next(world.one).json()["record"]["id"] == first
    # In single mode one vote settles a record: the other reviewer is sent elsewhere.
    assert world.next(world.two).json()["record"]["id"] != first


def test_duplicates_are_never_served_and_cannot_be_voted(world: World, engine: Engine) -> None:
    duplicate = world.records[1]
    with Session(engine) as session, session.begin():
        row = session.get(Record, duplicate)
        assert row is not None
        row.duplicate_of_id = world.records[0]
        session.add(row)
    served = []
    while (response := world.next(world.one)).status_code == 200:
        served.append(response.json()["record"]["id"])
        world.vote(world.one, served[-1], "exclude")
    assert duplicate not in served
    response = world.vote(world.two, duplicate, "include")
    assert response.status_code == 409
    assert "duplicate" in response.json()["detail"]


def test_a_changed_vote_supersedes_and_a_repeat_records_nothing(world: World) -> None:
    record_id = world.records[0]
    first = world.vote(world.one, record_id, "include")
    assert first.status_code == 201
    repeat = world.vote(world.one, record_id, "include")
    assert repeat.status_code == 200
    assert repeat.json() == {"vote": first.json()["vote"], "recorded": False}
    changed = world.vote(world.one, record_id, "exclude", note="adults only")
    assert changed.status_code == 201
    assert changed.json()["vote"]["supersedes_id"] == first.json()["vote"]["id"]
    log = world.client.get(world.url("/decisions/export"), headers=world.lead.headers).json()
    rows = {row["decision_id"]: row for row in log["items"]}
    # The lead has not voted and the record is open: blinding withholds the reviewer's votes.
    assert rows == {}
    own = world.client.get(
        world.url(f"/records/{record_id}/decisions?stage={TA}"), headers=world.one.headers
    ).json()
    assert [v["decision"] for v in own] == ["exclude"]


def test_blinding_holds_on_every_route_until_the_record_is_settled(world: World) -> None:
    record_id = world.records[0]
    world.vote(world.one, record_id, "exclude", note="secret note")
    world.client.post(
        world.url(f"/records/{record_id}/notes"),
        json={"text": "hidden thought", "tags": ["rct?"]},
        headers=world.one.headers,
    )
    routes = [
        f"/records/{record_id}/decisions?stage={TA}",
        f"/records/{record_id}/notes",
        f"/conflicts?stage={TA}",
        f"/my-decisions?stage={TA}",
        "/progress",
        f"/agreement?stage={TA}",
        "/studies",
        "/screening/methods",
    ]
    for path in routes:
        body = world.client.get(world.url(path), headers=world.two.headers).text
        assert "secret note" not in body, path
        assert "hidden thought" not in body, path
        assert '"exclude"' not in body, path
    card = world.next(world.two).text
    assert "secret note" not in card
    for fmt in ("json", "csv"):
        export = world.client.get(
            world.url(f"/decisions/export?format={fmt}"), headers=world.lead.headers
        )
        assert "secret note" not in export.text
    # Once both have voted the same way the record is settled and everything is visible.
    world.vote(world.two, record_id, "exclude")
    votes = world.client.get(
        world.url(f"/records/{record_id}/decisions?stage={TA}"), headers=world.two.headers
    ).json()
    assert {v["note"] for v in votes} == {"secret note", ""}
    notes = world.client.get(world.url(f"/records/{record_id}/notes"), headers=world.two.headers)
    assert notes.json()[0]["tags"] == ["rct?"]
    export = world.client.get(world.url("/decisions/export?format=csv"), headers=world.lead.headers)
    assert "secret note" in export.text
    assert export.text.splitlines()[0].startswith("decision_id,record_id,stage,reviewer_id")


def test_the_resolver_sees_votes_and_notes_and_resolves_without_saying_why(world: World) -> None:
    # Issue 17 changes what this test asserted: blinding is for the screeners, so the lead who
    # resolves sees each vote with its reason and note (it saw only who voted), and "why" is
    # optional (a blank one was a 422).
    record_id = world.records[0]
    world.vote(world.one, record_id, "include", note="adults, as planned")
    world.vote(world.two, record_id, "exclude")
    world.client.post(
        world.url(f"/records/{record_id}/notes"),
        json={"text": "check the age range"},
        headers=world.two.headers,
    )
    conflicts = world.client.get(world.url(f"/conflicts?stage={TA}"), headers=world.lead.headers)
    assert conflicts.status_code == 200
    [conflict] = conflicts.json()["items"]
    assert conflict["record_id"] == record_id
    assert conflict["voters"] == sorted([world.one.id, world.two.id])
    votes = {v["reviewer_id"]: (v["decision"], v["note"]) for v in conflict["votes"]}
    assert votes == {world.one.id: ("include", "adults, as planned"), world.two.id: ("exclude", "")}
    assert [n["text"] for n in conflict["notes"]] == ["check the age range"]
    # The screeners are not resolvers: they get no conflicts, so no one else's vote.
    for screener in (world.one, world.two):
        mine = world.client.get(world.url(f"/conflicts?stage={TA}"), headers=screener.headers)
        assert mine.status_code == 200
        assert mine.json() == {"items": [], "total": 0}
    resolved = world.client.post(
        world.url(f"/records/{record_id}/resolution"),
        json={"stage": TA, "decision": "include", "reason": "  "},
        headers=world.lead.headers,
    )
    assert resolved.status_code == 201, resolved.text
    assert resolved.json()["resolver_id"] == world.lead.id
    assert resolved.json()["reason"] == ""
    assert world.client.get(
        world.url(f"/conflicts?stage={TA}"), headers=world.lead.headers
    ).json() == {"items": [], "total": 0}


def test_an_undone_resolution_puts_the_conflict_back_and_stays_in_the_record(
    world: World,
) -> None:
    record_id = world.records[0]
    world.vote(world.one, record_id, "include")
    world.vote(world.two, record_id, "exclude")
    url = world.url(f"/records/{record_id}/resolution")
    first = world.client.post(
        url, json={"stage": TA, "decision": "exclude"}, headers=world.lead.headers
    ).json()
    assert world.client.delete(f"{url}?stage={TA}", headers=world.one.headers).status_code == 403
    undone = world.client.delete(f"{url}?stage={TA}", headers=world.lead.headers)
    assert undone.status_code == 200, undone.text
    assert undone.json()["withdrawn"] is True
    assert undone.json()["supersedes_id"] == first["id"]
    [back] = world.client.get(
        world.url(f"/conflicts?stage={TA}"), headers=world.lead.headers
    ).json()["items"]
    assert back["record_id"] == record_id
    progress = world.client.get(world.url("/progress"), headers=world.lead.headers).json()
    assert progress[TA]["conflicts"] == 1
    again = world.client.delete(f"{url}?stage={TA}", headers=world.lead.headers)
    assert again.status_code == 409
    assert "no resolution to undo" in again.json()["detail"]
    # Resolved again, the new resolution continues the chain from the undo.
    second = world.client.post(
        url, json={"stage": TA, "decision": "include"}, headers=world.lead.headers
    ).json()
    assert second["supersedes_id"] == undone.json()["id"]
    assert world.client.get(
        world.url(f"/conflicts?stage={TA}"), headers=world.lead.headers
    ).json() == {"items": [], "total": 0}
    audit = world.client.get(f"{API}/reviews/{world.rid}/audit", headers=world.lead.headers)
    assert "resolution.undo" in audit.text


def test_only_a_designated_third_reviewer_who_did_not_vote_may_resolve(
    world: World, build: Builder
) -> None:
    third = build.member(world.lead, world.rid, "reviewer")
    record_id = world.records[0]
    world.vote(world.one, record_id, "include")
    world.vote(world.two, record_id, "exclude")
    body = {"stage": TA, "decision": "exclude", "reason": "third reviewer arbitration"}
    url = world.url(f"/records/{record_id}/resolution")
    refused = world.client.post(url, json=body, headers=third.headers)
    # A permission refusal, like every other: 403 (issue 15; it was 422).
    assert refused.status_code == 403
    assert refused.json()["error"] == "Forbidden"
    assert "designated" in refused.json()["detail"]
    world.patch_settings({"resolvers": [third.id, world.one.id]})
    voter = world.client.post(url, json=body, headers=world.one.headers)
    assert voter.status_code == 403
    assert "who voted on the record" in voter.json()["detail"]
    # The designated third reviewer sees the conflicts they did not vote on, votes included;
    # a designated reviewer who voted does not see that one.
    listed = world.client.get(world.url(f"/conflicts?stage={TA}"), headers=third.headers).json()[
        "items"
    ]
    assert [c["record_id"] for c in listed] == [record_id]
    assert {v["decision"] for v in listed[0]["votes"]} == {"include", "exclude"}
    assert world.client.get(
        world.url(f"/conflicts?stage={TA}"), headers=world.one.headers
    ).json() == {"items": [], "total": 0}
    assert world.client.post(url, json=body, headers=third.headers).status_code == 201
    # The lead takes it back, or the third reviewer who made it; not another designated one.
    assert world.client.delete(f"{url}?stage={TA}", headers=world.one.headers).status_code == 403
    assert world.client.delete(f"{url}?stage={TA}", headers=third.headers).status_code == 200


def test_bad_votes_get_a_precise_4xx_and_change_nothing(world: World, build: Builder) -> None:
    other_lead = build.user()
    other_rid = build.review(other_lead)["id"]
    [foreign] = screening_records(build.engine, other_rid, [("Other", "review")])
    record_id = world.records[0]
    cases = [
        (world.vote(world.one, foreign, "include"), 404, "record"),
        (
            world.vote(world.one, record_id, "exclude", stage="full_text", reason_id=1),
            409,
            "full_text",
        ),
        (
            world.vote(world.one, record_id, "exclude", reason_id=999_999),
            422,
            "unknown exclusion reason",
        ),
        (world.vote(world.one, record_id, "include", reason_id=1), 422, "exclude"),
        (world.vote(world.one, record_id, "perhaps"), 422, "decision"),
    ]
    for response, status, words in cases:
        assert response.status_code == status, response.text
        assert words in response.json()["detail"]
    votes = world.client.get(
        world.url(f"/records/{record_id}/decisions?stage={TA}"), headers=world.one.headers
    )
    assert votes.json() == []


def test_a_removed_reviewer_keeps_votes_in_the_log_and_their_records_return(
    world: World, build: Builder
) -> None:
    record_id = world.records[0]
    world.vote(world.one, record_id, "include")
    removed = world.client.delete(world.url(f"/members/{world.one.id}"), headers=world.lead.headers)
    assert removed.status_code in (200, 204)
    newcomer = build.member(world.lead, world.rid, "reviewer")
    served = set()
    while (response := world.next(newcomer)).status_code == 200:
        served.add(response.json()["record"]["id"])
        world.vote(newcomer, response.json()["record"]["id"], "include")
    assert record_id in served
    world.vote(world.two, record_id, "include")
    log = world.client.get(world.url("/decisions/export"), headers=world.lead.headers).json()
    assert world.one.id in {row["reviewer_id"] for row in log["items"]}


def test_a_third_reviewer_joining_later_only_gets_records_still_needing_a_vote(
    world: World, build: Builder
) -> None:
    for record_id in world.records[:4]:
        world.vote(world.one, record_id, "include")
        world.vote(world.two, record_id, "include")
    third = build.member(world.lead, world.rid, "reviewer")
    served = set()
    while (response := world.next(third)).status_code == 200:
        served.add(response.json()["record"]["id"])
        world.vote(third, response.json()["record"]["id"], "include")
    assert served == set(world.records[4:])


def test_records_imported_later_join_the_queue(world: World, build: Builder) -> None:
    while (response := world.next(world.one)).status_code == 200:
        world.vote(world.one, response.json()["record"]["id"], "exclude")
    [late] = screening_records(build.engine, world.rid, [("A late record", "Imported later.")])
    assert world.next(world.one).json()["record"]["id"] == late


def test_next_after_serves_the_following_record_and_keeps_the_current_one_held(
    world: World, build: Builder
) -> None:
    single = make_world(build, n=3, settings={"title_abstract": {"mode": "single"}})
    current = single.next(single.one).json()["record"]["id"]
    url = single.url(f"/screening/{TA}/next?after={current}")
    following = single.client.get(url, headers=single.one.headers).json()["record"]["id"]
    assert following != current
    # The record on the first reviewer's screen stays held: single mode needs one vote, so the
    # second reviewer is served neither it nor the prefetched one.
    other = single.next(single.two).json()["record"]["id"]
    assert other not in {current, following}
    assert single.vote(single.one, current, "include").status_code == 201
    assert single.next(single.one).json()["record"]["id"] == following
    bad = single.client.get(single.url(f"/screening/{TA}/next?after=0"), headers=single.one.headers)
    assert bad.status_code == 422


def test_my_decisions_lists_my_current_votes_newest_first_in_pages(world: World) -> None:
    first, second, third = world.records[:3]
    world.vote(world.one, first, "include")
    world.vote(world.one, second, "exclude", note="adults only")
    world.vote(world.one, first, "maybe")  # revised: only the current vote is listed
    world.vote(world.one, third, "include", stage=TA)
    world.vote(world.two, first, "exclude")  # someone else's: never listed
    url = world.url(f"/my-decisions?stage={TA}")
    page = world.client.get(f"{url}&limit=2", headers=world.one.headers)
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["total"] == 3
    assert [(v["record_id"], v["decision"]) for v in body["items"]] == [
        (third, "include"),
        (first, "maybe"),
    ]
    assert body["items"][1]["title"] == "Exercise trial 0 for back pain"
    rest = world.client.get(f"{url}&limit=2&offset=2", headers=world.one.headers).json()
    assert [(v["record_id"], v["decision"], v["note"]) for v in rest["items"]] == [
        (second, "exclude", "adults only")
    ]
    theirs = world.client.get(url, headers=world.two.headers).json()
    assert [(v["record_id"], v["decision"]) for v in theirs["items"]] == [(first, "exclude")]
    full_text = world.client.get(
        world.url("/my-decisions?stage=full_text"), headers=world.one.headers
    )
    assert full_text.json() == {"items": [], "total": 0}
    assert world.client.get(f"{url}&limit=0", headers=world.one.headers).status_code == 422


def test_notes_saved_with_n_reach_the_decision_log_once_blinding_allows(world: World) -> None:
    # Issue 17: the log's note column was empty because notes written with `n` are stored
    # beside the votes (record_note), not in the vote; each now goes with the vote it was for.
    record_id = world.records[0]
    notes_url = world.url(f"/records/{record_id}/notes")
    world.client.post(notes_url, json={"text": "only adults?"}, headers=world.one.headers)
    world.vote(world.one, record_id, "include")
    world.client.post(notes_url, json={"text": "", "tags": ["rct"]}, headers=world.one.headers)
    export = world.client.get(world.url("/decisions/export?format=csv"), headers=world.lead.headers)
    assert "only adults?" not in export.text  # blinded: the record is open
    world.vote(world.two, record_id, "include")
    rows = world.client.get(world.url("/decisions/export"), headers=world.lead.headers).json()
    notes = {row["reviewer_id"]: row["note"] for row in rows["items"]}
    assert notes == {world.one.id: "only adults?\n#rct", world.two.id: ""}
    csv_text = world.client.get(
        world.url("/decisions/export?format=csv"), headers=world.lead.headers
    ).text
    assert '"only adults?\n#rct"' in csv_text


def test_the_decision_log_read_a_few_votes_at_a_time_is_the_log_read_at_once(
    world: World, engine: Engine
) -> None:
    """The log streams a chunk of votes at a time: a vote replaced, or a note written for a
    vote, in another chunk than the vote still reads as in the whole log."""
    first, second, third = world.records[:3]
    notes_url = world.url(f"/records/{first}/notes")
    world.client.post(notes_url, json={"text": "only adults?"}, headers=world.one.headers)
    for who, record_id, vote in [
        (world.one, first, "include"),
        (world.two, second, "exclude"),
        (world.one, second, "exclude"),
        (world.two, first, "exclude"),
        (world.one, first, "exclude"),  # replaces the first vote, four votes later
        (world.one, third, "include"),  # open: the other reviewer's vote stays blinded
    ]:
        assert world.vote(who, record_id, vote).status_code == 201
    world.client.post(notes_url, json={"text": "", "tags": ["rct"]}, headers=world.one.headers)
    with Session(engine) as session:
        review = session.get_one(Review, world.rid)
        whole = list(reports.iter_decision_log(session, review, world.two.id))
        for chunk in (1, 2, 4):
            assert list(reports.iter_decision_log(session, review, world.two.id, chunk)) == whole
    assert [row["superseded"] for row in whole] == [True, False, False, False, False]
    assert whole[0]["note"] == "only adults?"
    assert whole[-1]["note"] == "#rct"  # written after the vote that replaced the first
    streamed = world.client.get(world.url("/decisions/export"), headers=world.lead.headers)
    assert streamed.headers["content-type"] == "application/json"
    body = streamed.json()
    assert body["total"] == len(body["items"]) == 5  # the open record's vote: blinded


def test_a_streamed_decision_log_is_one_moment_of_the_log(world: World, engine: Engine) -> None:
    """A vote cast while the log is being sent is not in it (both backends: SQLite's driver
    opens no transaction for reads, so the export opens one). JSON sends its opening before
    reading any vote, so the vote lands between the first read and the rest."""
    first, second = world.records[:2]
    world.vote(world.one, first, "include")
    world.vote(world.two, first, "include")
    body = reports.stream_decision_log(engine, world.rid, world.lead.id, fmt="json")
    head = next(body)  # the snapshot is taken before the first chunk
    assert world.vote(world.one, second, "exclude").status_code == 201
    assert world.vote(world.two, second, "exclude").status_code == 201
    sent = json.loads(head + b"".join(body))
    assert [row["record_id"] for row in sent["items"]] == [first, first]
    later = world.client.get(world.url("/decisions/export"), headers=world.lead.headers).json()
    assert later["total"] == 4


def test_a_blinded_agreement_says_how_many_records_it_leaves_out(world: World) -> None:
    agreed_in, agreed_out, disputed = world.records[:3]
    for who, votes in (
        (world.one, ("include", "exclude", "include")),
        (world.two, ("include", "exclude", "exclude")),
    ):
        for record_id, vote in zip((agreed_in, agreed_out, disputed), votes, strict=True):
            world.vote(who, record_id, vote)
    url = world.url(f"/agreement?stage={TA}")
    blinded = world.client.get(url, headers=world.one.headers).json()
    assert (blinded["settled_only"], blinded["n"], blinded["left_out"]) == (True, 2, 1)
    assert blinded["percent_agreement"] == 1.0  # true of what it counts; left_out says the rest
    lead = world.client.get(url, headers=world.lead.headers).json()
    assert (lead["settled_only"], lead["n"], lead["left_out"]) == (False, 3, 0)
    assert lead["kappa"] == lead["pairs"][0]["kappa"]  # one pair: one computation
    world.client.post(
        world.url(f"/records/{disputed}/resolution"),
        json={"stage": TA, "decision": "include"},
        headers=world.lead.headers,
    )
    settled = world.client.get(url, headers=world.one.headers).json()
    assert (settled["n"], settled["left_out"]) == (3, 0)
    assert settled["kappa"] == lead["kappa"]  # first votes: the resolution changes nothing
