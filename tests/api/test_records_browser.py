"""The records browser's API: a search over title, abstract, authors, DOI and PMID; unique records
or merged duplicates; year ranges; and one record's history (import, merges, corrections,
removals). Hand-made records, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.builders import Account, Builder, ReviewRows, insert_records, screening_records
from tests.api.test_dedup import World, make_world
from tests.api.test_imports import upload

ACCENTS = b"""TY  - JOUR
TI  - Nordic walking after hip replacement
AU  - \xc3\x98stergaard, Lise
AU  - M\xc3\xbcller, Jonas
PY  - 2017
DO  - 10.5555/nordic.2017.12
AN  - 28000001
AB  - Walking poles improved gait speed at twelve weeks.
ER  -

TY  - JOUR
TI  - Hydrotherapy for knee pain: 50% less pain_score?
AU  - Quist, Anna
PY  - 2019
AB  - Pool exercise after knee replacement: a pragmatic trial of walking in water.
ER  -

TY  - JOUR
TI  - Balance training in older adults
AU  - Rahman, Omar
PY  - 2022
ER  -
"""


HYDRO = "Hydrotherapy for knee pain: 50% less pain_score?"


def _name(account: Account) -> str:
    """The name the builder gives an account."""
    return account.email.split("@")[0]


def _titles(client: TestClient, rid: int, who: Account, **params: Any) -> list[str]:
    response = client.get(f"/api/v1/reviews/{rid}/records", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] >= len(body["items"])
    return [item["title"] for item in body["items"]]


def test_the_search_looks_in_titles_abstracts_authors_dois_and_pmids(
    client: TestClient, build: Builder
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    viewer = build.member(lead, rid, "viewer")
    upload(client, lead, rid, build.source(lead, rid)["id"], ACCENTS)
    nordic, hydro = "Nordic walking after hip replacement", HYDRO

    def search(text: str) -> list[str]:
        return _titles(client, rid, viewer, search=text)

    assert search("walking") == [nordic, hydro]  # a title, and an abstract
    assert search("WALKING water") == [hydro]  # every word, anywhere
    assert search('"walking in water"') == [hydro]  # a phrase stays together
    assert search('"walking water"') == []
    assert search("müller") == search("Müller") == [nordic]  # an author, accents and all
    assert search("Østergaard") == [nordic]
    assert search("https://doi.org/10.5555/NORDIC.2017.12") == [nordic]  # a DOI in any form
    assert search("10.5555/nordic") == [nordic]
    assert search("50%") == [hydro]  # LIKE's wildcards are plain characters
    assert search("pain_score") == [hydro]
    assert search("_") == [hydro]
    assert search("") == _titles(client, rid, viewer)
    # The history names the file, the place in it, and who imported it.
    listed = client.get(f"/api/v1/reviews/{rid}/records", headers=viewer.headers).json()
    second = listed["items"][1]["id"]
    history = client.get(f"/api/v1/reviews/{rid}/records/{second}/history", headers=viewer.headers)
    origin = history.json()["origin"]
    assert (origin["filename"], origin["format"], origin["record_number"], origin["line"]) == (
        "search.ris",
        "ris",
        2,
        11,
    )
    assert (origin["imported_by"], origin["records_imported"]) == (_name(lead), 3)
    response = client.get(
        f"/api/v1/reviews/{rid}/records",
        params={"search": " ".join(f"w{i}" for i in range(13))},
        headers=viewer.headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "search: at most 12 words or phrases"


def test_years_are_filtered_by_range(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    upload(client, lead, rid, build.source(lead, rid)["id"], ACCENTS)
    assert len(_titles(client, rid, lead, year_from=2018)) == 2
    assert _titles(client, rid, lead, year_from=2018, year_to=2020) == [HYDRO]
    assert _titles(client, rid, lead, year_to=2016) == []
    response = client.get(
        f"/api/v1/reviews/{rid}/records", params={"year_from": -1}, headers=lead.headers
    )
    assert response.status_code == 422


@pytest.fixture
def world(build: Builder, client: TestClient, engine: Engine) -> World:
    world = make_world(build, client, engine)
    world.run()  # the trial's two copies merge automatically
    return world


def test_unique_records_and_merged_duplicates_are_told_apart(world: World) -> None:
    def listed(duplicates: str) -> dict[str, int]:
        response = world.client.get(
            world.url("/records"), params={"duplicates": duplicates}, headers=world.viewer.headers
        )
        assert response.status_code == 200, response.text
        names = {record_id: name for name, record_id in world.ids.items()}
        return {names[item["id"]]: item["merged"] for item in response.json()["items"]}

    everything = listed("include")
    assert len(everything) == 7
    assert listed("only") == {"remote_copy": 0}
    unique = listed("exclude")
    assert "remote_copy" not in unique
    assert unique["remote"] == 1  # one record merged into it
    assert {name: count for name, count in unique.items() if name != "remote"} == dict.fromkeys(
        ["statins", "exercise", "remote_erratum", "statins_other_doi", "exercise_abstract"], 0
    )
    response = world.client.get(
        world.url("/records"), params={"duplicates": "hidden"}, headers=world.viewer.headers
    )
    assert response.status_code == 422


def _history(world: World, name: str, who: Account | None = None) -> dict[str, Any]:
    response = world.client.get(
        world.url(f"/records/{world.ids[name]}/history"), headers=(who or world.viewer).headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_records_history_tells_its_import_merges_and_corrections(world: World) -> None:
    client, ids = world.client, world.ids
    # A person confirms the exercise pair, keeps the erratum apart, and corrects a DOI.
    exercise = world.link("exercise", "exercise_abstract")
    assert world.decide(exercise, "confirmed").status_code == 200
    erratum_question = next(
        item["id"]
        for item in world.queue()["items"]
        if ids["remote_erratum"] in (item["record_a"]["id"], item["record_b"]["id"])
    )
    assert world.decide(erratum_question, "rejected").status_code == 200
    response = client.patch(
        world.url(f"/records/{ids['remote_copy']}"),
        json={"doi": "10.5555/trial.2015.1408x"},
        headers=world.librarian.headers,
    )
    assert response.status_code == 200, response.text

    kept = _history(world, "remote")
    assert kept["record"]["id"] == ids["remote"]
    assert kept["merged_into"] is None
    assert [brief["id"] for brief in kept["group"]] == [ids["remote_copy"]]
    assert kept["group"][0]["source"] == "Embase"
    origin = kept["origin"]
    assert (origin["source"], origin["source_kind"], origin["kind"]) == (
        "MEDLINE",
        "database",
        "file",
    )
    merges = {(m["status"], m["by"]) for m in kept["merges"]}
    librarian_name = _name(world.librarian)
    # The matcher's merge, and the person's "not duplicates" about the erratum.
    assert merges == {("auto", None), ("rejected", librarian_name)}
    auto = next(m for m in kept["merges"] if m["status"] == "auto")
    assert {auto["record_a"]["id"], auto["record_b"]["id"]} == {ids["remote"], ids["remote_copy"]}
    assert kept["identifier_changes"] == []

    copy = _history(world, "remote_copy")
    assert copy["merged_into"]["id"] == ids["remote"]
    assert copy["group"] == []
    assert [(c["field"], c["before"], c["after"], c["by"]) for c in copy["identifier_changes"]] == [
        (
            "doi",
            "https://doi.org/10.5555/trial.2015.1408",
            "10.5555/trial.2015.1408x",
            librarian_name,
        )
    ]

    abstract = _history(world, "exercise_abstract")
    [merge] = abstract["merges"]
    assert (merge["status"], merge["by"], merge["pair_id"]) == (
        "confirmed",
        librarian_name,
        exercise,
    )
    assert abstract["merged_into"]["id"] == ids["exercise"]
    assert abstract["removals"] == []
    assert not {"decisions", "votes", "notes"} & set(abstract)


def test_a_removal_and_its_restore_are_in_the_history(world: World) -> None:
    body = {"record_ids": [world.ids["statins"]], "removed": "automation", "reason": "RCT tool"}
    response = world.client.post(
        world.url("/records/remove"), json=body, headers=world.librarian.headers
    )
    assert response.status_code == 200, response.text
    world.client.post(
        world.url("/records/restore"),
        json={"record_ids": [world.ids["statins"]]},
        headers=world.lead.headers,
    )
    removals = _history(world, "statins")["removals"]
    assert [(r["restored"], r["removed"], r["reason"]) for r in removals] == [
        (False, "automation", "RCT tool"),
        (True, None, None),
    ]
    assert [r["by"] for r in removals] == [_name(world.librarian), _name(world.lead)]
    assert _history(world, "exercise")["removals"] == []


def test_history_of_a_record_elsewhere_is_not_found(world: World, build: Builder) -> None:
    other = build.review(world.lead)["id"]
    response = world.client.get(
        f"/api/v1/reviews/{other}/records/{world.ids['remote']}/history",
        headers=world.lead.headers,
    )
    assert response.status_code == 404
    assert response.json()["detail"] == f"record {world.ids['remote']} not found"


def test_a_record_without_a_person_behind_its_import_says_so(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid, "Trial register")
    [record_id] = insert_records(engine, rid, source["id"], [{"title": "A registered trial"}])
    response = client.get(
        f"/api/v1/reviews/{rid}/records/{record_id}/history", headers=lead.headers
    )
    assert response.status_code == 200, response.text
    origin = response.json()["origin"]
    assert (origin["source"], origin["imported_by"]) == ("Trial register", None)


def test_records_are_filtered_by_stage_decision_and_a_notes_tag(
    client: TestClient, build: Builder
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]  # blinded at both stages by default
    first, second = build.member(lead, rid, "reviewer"), build.member(lead, rid, "reviewer")
    viewer = build.member(lead, rid, "viewer")
    texts = [("Included trial", ""), ("Excluded trial", ""), ("Disputed trial", ""), ("Open", "")]
    included, excluded, disputed, still_open = screening_records(build.engine, rid, texts)
    rows = ReviewRows(build.engine, rid)
    for record, votes in ((included, "II"), (excluded, "EE"), (disputed, "IE")):
        for reviewer, vote in zip((first, second), votes, strict=True):
            rows.vote(record, reviewer.id, "include" if vote == "I" else "exclude")

    assert _titles(client, rid, viewer, stage="title_abstract") == [t for t, _ in texts]
    assert _titles(client, rid, viewer, stage="full_text") == []  # no full text retrieved
    assert _titles(client, rid, viewer, decision="included") == ["Included trial"]
    assert _titles(client, rid, viewer, stage="title_abstract", decision="excluded") == [
        "Excluded trial"
    ]
    assert _titles(client, rid, lead, decision="conflict") == ["Disputed trial"]
    assert _titles(client, rid, lead, stage="title_abstract", decision="needs_votes") == ["Open"]
    assert _titles(client, rid, lead, stage="full_text", decision="included") == []
    # Which records are in conflict or still need votes tells of unsettled votes: leads only.
    for who in (first, viewer):
        for decision in ("conflict", "awaiting", "needs_votes"):
            response = client.get(
                f"/api/v1/reviews/{rid}/records",
                params={"decision": decision},
                headers=who.headers,
            )
            assert response.status_code == 403, response.text
            assert response.json()["detail"] == (
                f"decision: only a lead may list records that are {decision}"
            )
    for bad in ({"stage": "abstract"}, {"decision": "maybe"}, {"label": "x" * 101}):
        response = client.get(f"/api/v1/reviews/{rid}/records", params=bad, headers=lead.headers)
        assert response.status_code == 422, (bad, response.text)

    # Tags: another person's note counts once the title/abstract is settled, as notes read.
    for record in (included, still_open):
        response = client.post(
            f"/api/v1/reviews/{rid}/records/{record}/notes",
            json={"tags": ["pilot"]},
            headers=first.headers,
        )
        assert response.status_code == 201, response.text
    assert _titles(client, rid, first, label="pilot") == ["Included trial", "Open"]
    assert _titles(client, rid, first, label=" pilot ") == ["Included trial", "Open"]
    assert _titles(client, rid, second, label="pilot") == ["Included trial"]
    assert _titles(client, rid, viewer, label="pilot") == ["Included trial"]
    assert _titles(client, rid, first, label="pil") == []  # a whole tag, not a part of one
    assert _titles(client, rid, first, label="pilot", decision="included") == ["Included trial"]
    assert _titles(client, rid, first, label="") == [t for t, _ in texts]
