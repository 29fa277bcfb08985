"""Deduplication rules across runs and people: decisions survive re-runs, no chaining, one
cluster per record after any sequence of operations, merge then undo restores, runs serialise."""

from __future__ import annotations

import random
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.services.dedup import run_dedup
from api.tables import DuplicateLink, DuplicateStatus, Record, Review
from importers.dedup.identifiers import doi_key
from tests.api.builders import Builder
from tests.api.test_dedup import LATER, REMOTE, World, make_world


@pytest.fixture
def world(build: Builder, client: TestClient, engine: Engine) -> World:
    return make_world(build, client, engine)


def _links(engine: Engine, review_id: int) -> list[DuplicateLink]:
    with Session(engine) as session:
        statement = (
            select(DuplicateLink)
            .where(DuplicateLink.review_id == review_id)
            .order_by(col(DuplicateLink.id))
        )
        return list(session.exec(statement).all())


def _status(world: World, left: str, right: str) -> DuplicateStatus:
    link_id = world.link(left, right)
    return next(link.status for link in _links(world.engine, world.review_id) if link.id == link_id)


def test_a_rerun_after_a_new_import_keeps_every_decision_people_made(world: World) -> None:
    world.run()
    confirmed = world.link("exercise", "exercise_abstract")
    rejected = world.link("remote", "remote_erratum")
    undone = world.link("remote", "remote_copy")
    assert world.decide(confirmed, "confirmed").status_code == 200
    assert world.decide(rejected, "rejected").status_code == 200
    assert world.undo(undone).status_code == 200
    world.load(LATER, "CENTRAL")
    summary = world.run()
    assert summary["records"] == 8
    assert _status(world, "exercise", "exercise_abstract") is DuplicateStatus.CONFIRMED
    assert _status(world, "remote", "remote_erratum") is DuplicateStatus.REJECTED
    assert _status(world, "remote", "remote_copy") is DuplicateStatus.UNDONE
    kept = world.kept()
    assert kept["exercise_abstract"] == "exercise"
    assert kept["remote_erratum"] == "remote_erratum"
    assert kept["remote"] != kept["remote_copy"]
    # The new record matches both; it joins one of them and the other pair waits for a person.
    assert kept["remote_no_doi"] in {kept["remote"], kept["remote_copy"]}
    refused = [
        link
        for link in _links(world.engine, world.review_id)
        if link.reason.startswith("not merged: would join records")
    ]
    assert len(refused) == 1
    assert refused[0].status is DuplicateStatus.PENDING
    assert "which a person kept apart" in refused[0].reason


def test_a_confirm_that_would_chain_two_records_kept_apart_is_refused(world: World) -> None:
    world.load(LATER, "CENTRAL")
    world.run()
    assert world.kept()["remote_no_doi"] == world.kept()["remote"] == "remote"
    assert world.undo(world.link("remote", "remote_copy")).status_code == 200
    # remote_copy now stands alone, remote_no_doi is still merged into remote.
    waiting = world.link("remote_copy", "remote_no_doi")
    assert _status(world, "remote_copy", "remote_no_doi") is DuplicateStatus.PENDING
    before = world.kept()
    response = world.decide(waiting, "confirmed")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert f"records {world.ids['remote']} and {world.ids['remote_copy']}" in detail
    assert "which a person kept apart" in detail
    assert world.kept() == before


def test_rejecting_a_merged_pair_splits_it_even_through_a_third_record(world: World) -> None:
    world.load(LATER, "CENTRAL")
    world.run()
    kept = world.kept()
    assert kept["remote"] == kept["remote_copy"] == kept["remote_no_doi"]
    response = world.decide(world.link("remote", "remote_copy"), "rejected")
    assert response.status_code == 200, response.text
    kept = world.kept()
    assert kept["remote"] != kept["remote_copy"]
    assert kept["remote_no_doi"] in {kept["remote"], kept["remote_copy"]}


def test_rejecting_a_pair_joined_through_confirmed_merges_is_a_conflict(world: World) -> None:
    world.load(LATER, "CENTRAL")
    world.run()
    for left, right in (("remote", "remote_no_doi"), ("remote_copy", "remote_no_doi")):
        assert world.decide(world.link(left, right), "confirmed").status_code == 200
    response = world.decide(world.link("remote", "remote_copy"), "rejected")
    assert response.status_code == 409
    assert "undo that merge first" in response.json()["detail"]
    assert _status(world, "remote", "remote_copy") is DuplicateStatus.AUTO


def _check_invariants(world: World) -> None:
    """Every record in exactly one cluster; the clusters are the components of the merge links;
    no cluster holds a pair people kept apart, nor two DOIs unless a person merged it."""
    with Session(world.engine) as session:
        rows = session.exec(
            select(col(Record.id), Record.duplicate_of_id, Record.doi).where(
                Record.review_id == world.review_id
            )
        ).all()
    root = {rid: dup or rid for rid, dup, _doi in rows if rid is not None}
    assert all(root[r] == r for r in root.values()), "a kept record is itself merged"
    clusters: dict[int, set[int]] = {}
    for rid, kept in root.items():
        clusters.setdefault(kept, set()).add(rid)
    assert sorted(r for members in clusters.values() for r in members) == sorted(root)
    component = {rid: rid for rid in root}

    def find(rid: int) -> int:
        while component[rid] != rid:
            rid = component[rid]
        return rid

    links = _links(world.engine, world.review_id)
    for link in links:
        if link.status in (DuplicateStatus.AUTO, DuplicateStatus.CONFIRMED):
            component[find(link.record_a_id)] = find(link.record_b_id)
        if link.status in (DuplicateStatus.REJECTED, DuplicateStatus.UNDONE):
            assert root[link.record_a_id] != root[link.record_b_id]
    confirmed = [link for link in links if link.status is DuplicateStatus.CONFIRMED]
    for members in clusters.values():
        assert len({find(m) for m in members}) == 1
        dois = {doi_key(doi) for rid, _d, doi in rows if rid in members} - {""}
        assert len(dois) <= 1 or any(link.record_a_id in members for link in confirmed)
    assert len({find(rid) for rid in root}) == len(clusters)


def test_any_sequence_of_operations_keeps_the_invariants(world: World) -> None:
    world.load(LATER, "CENTRAL")
    world.load({"remote_again": {**REMOTE, "title": REMOTE["title"] + "."}}, "Scopus")
    world.run()
    rng = random.Random(20261126)
    applied = 0
    for _step in range(40):
        links = _links(world.engine, world.review_id)
        link = rng.choice(links)
        action = rng.choice(["confirmed", "rejected", "undo", "run"])
        if action == "run":
            world.run()
            continue
        if action == "undo":
            status = world.undo(link.id or 0).status_code
        else:
            status = world.decide(link.id or 0, action).status_code
        assert status in (200, 409)
        applied += status == 200
        _check_invariants(world)
    assert applied >= 10, "the sequence should mostly change things"


def test_merge_then_undo_restores_the_state_for_every_queued_pair(world: World) -> None:
    world.load(LATER, "CENTRAL")
    world.run()
    for link in _links(world.engine, world.review_id):
        if link.status is not DuplicateStatus.PENDING:
            continue
        before = world.kept()
        if world.decide(link.id or 0, "confirmed").status_code != 200:
            continue  # refused (records a person kept apart), nothing changed
        assert world.undo(link.id or 0).status_code == 200
        assert world.kept() == before


def test_concurrent_runs_on_one_review_do_not_interleave(world: World) -> None:
    errors: list[BaseException] = []

    def run_once() -> None:
        try:
            with Session(world.engine) as session, session.begin():
                review = session.get(Review, world.review_id)
                assert review is not None
                run_dedup(session, review, None)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run_once) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    links = _links(world.engine, world.review_id)
    assert len(links) == 5
    assert len({(link.record_a_id, link.record_b_id) for link in links}) == 5
    assert world.kept()["remote_copy"] == "remote"


def test_records_imported_while_the_core_runs_are_included(world: World) -> None:
    imported: list[str] = []

    def import_meanwhile(stage: str, _done: int, _total: int) -> None:
        if stage == "clusters" and not imported:
            world.load(LATER, "CENTRAL")
            imported.append(stage)

    with Session(world.engine) as session, session.begin():
        review = session.get(Review, world.review_id)
        assert review is not None
        summary = run_dedup(session, review, None, on_progress=import_meanwhile)
    assert imported == ["clusters"]
    assert summary.records == 8
    assert world.kept()["remote_no_doi"] == "remote"
