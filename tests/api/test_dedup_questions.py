"""What the queue tells the person who decides: both groups of records, why the matcher asks in
plain words, a CENTRAL accession recognised, and the pairs about one record's group."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.builders import Builder
from tests.api.test_dedup import World, make_world


def _question(world: World, record: str) -> dict[str, Any]:
    return next(
        item
        for item in world.queue()["items"]
        if world.ids[record] in (item["record_a"]["id"], item["record_b"]["id"])
    )


def _plain(sentences: list[str]) -> None:
    """No record ids, no rule codes, no raw scores: words a reader of citations uses."""
    text = " ".join(sentences)
    assert " vs " not in text
    assert "record" not in text.lower()
    assert not re.search(r"\b(?:title|authors|abstract) \d+(?![\d%])", text), text


def test_a_question_shows_both_groups_and_why_it_was_asked(
    build: Builder, client: TestClient, engine: Engine
) -> None:
    world = make_world(build, client, engine)
    world.run()
    question = _question(world, "remote_erratum")
    ids = {world.ids["remote"], world.ids["remote_copy"]}
    # The erratum is asked about once, against the trial's group of two copies.
    shown = {question["record_a"]["id"], question["record_b"]["id"]}
    erratum_side = "a" if question["record_a"]["id"] == world.ids["remote_erratum"] else "b"
    trial_side = "b" if erratum_side == "a" else "a"
    assert question[f"group_{erratum_side}"] == []
    assert [r["id"] for r in question[f"group_{trial_side}"]] == sorted(ids - shown)
    assert question["explanation"][0] == (
        "Not merged automatically: one is "
        + (
            "a correction notice (erratum) and the other an article."
            if erratum_side == "a"
            else "an article and the other a correction notice (erratum)."
        )
    )
    _plain(question["explanation"])

    statins = _question(world, "statins_other_doi")
    assert statins["explanation"] == [
        "Not merged automatically: they carry different DOIs, and the matcher never merges two "
        "DOIs on its own (if one DOI is wrong, correct it).",
        "Titles 100% alike, authors 100% alike, abstracts 100% alike, journal names 100% alike. "
        "Same year, volume, issue and pages. Different: DOI.",
    ]
    assert statins["group_a"] == statins["group_b"] == []
    # Lists of decided pairs carry neither groups nor explanations.
    auto = world.queue("auto")["items"][0]
    assert (auto["explanation"], auto["group_a"], auto["group_b"]) == ([], [], [])


def test_a_central_accession_in_the_doi_field_is_named(
    build: Builder, client: TestClient, engine: Engine
) -> None:
    world = make_world(build, client, engine)
    record_id = world.ids["statins_other_doi"]
    response = client.patch(
        world.url(f"/records/{record_id}"),
        json={"doi": "10.1002/central/CN-01234567"},
        headers=world.librarian.headers,
    )
    assert response.status_code == 200, response.text
    world.run()
    # The accession is not a DOI: the two records now merge on their other fields.
    assert world.kept()["statins_other_doi"] == "statins"
    pair = world.queue("auto")["items"]
    central = [
        side
        for item in pair
        for side in (item["record_a"], item["record_b"])
        if side["id"] == record_id
    ]
    assert [side["central_accession"] for side in central] == ["CN-01234567"]
    others = [side for item in pair for side in (item["record_a"], item["record_b"])]
    assert {side["central_accession"] for side in others if side["id"] != record_id} == {None}


def test_pairs_can_be_asked_for_one_records_group(
    build: Builder, client: TestClient, engine: Engine
) -> None:
    world = make_world(build, client, engine)
    world.run()

    def pairs(status: str, record: str) -> list[frozenset[int]]:
        response = client.get(
            world.url("/duplicates"),
            params={"status": status, "record_id": world.ids[record]},
            headers=world.viewer.headers,
        )
        assert response.status_code == 200, response.text
        return [
            frozenset((item["record_a"]["id"], item["record_b"]["id"]))
            for item in response.json()["items"]
        ]

    merge = frozenset((world.ids["remote"], world.ids["remote_copy"]))
    # Either copy of the trial finds the merge of its group and the question about its group.
    assert pairs("auto", "remote_copy") == pairs("auto", "remote") == [merge]
    assert pairs("auto", "statins") == []
    [question] = pairs("pending", "remote_copy")
    assert world.ids["remote_erratum"] in question
    assert pairs("pending", "statins") == [
        frozenset((world.ids["statins"], world.ids["statins_other_doi"]))
    ]
    other_review = build.review(world.lead)["id"]
    response = client.get(
        f"/api/v1/reviews/{other_review}/duplicates",
        params={"record_id": world.ids["remote"]},
        headers=world.lead.headers,
    )
    assert response.status_code == 404


def test_decided_pairs_name_who_decided(build: Builder, client: TestClient, engine: Engine) -> None:
    world = make_world(build, client, engine)
    world.run()
    link_id = world.link("exercise", "exercise_abstract")
    decided = world.decide(link_id, "confirmed").json()
    name = world.librarian.email.split("@")[0]
    assert decided["decided_by"] == name
    assert [pair["decided_by"] for pair in world.queue("confirmed")["items"]] == [name]
    assert [pair["decided_by"] for pair in world.queue("auto")["items"]] == [None]
