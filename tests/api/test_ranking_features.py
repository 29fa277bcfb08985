"""The prioritiser's text features: built once per stage when records are imported, kept
through merges and removals, and kept by the one worker that built them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from api.repositories.screening.state import STAGE
from api.services.screening import prioritization
from api.tables import Record, utc_now
from screening.model import Stage
from tests.api.builders import Builder, screening_records
from tests.api.test_screening import make_world

SINGLE = {"title_abstract": {"mode": "single"}}


@pytest.fixture
def child_cache() -> Iterator[None]:
    """`rank_in_child` called in this process keeps its features here: start and end empty."""
    prioritization._RANKERS.clear()
    yield
    prioritization._RANKERS.clear()


def _owner(build: Builder, review_id: int) -> tuple[str | None, datetime | None]:
    with Session(build.engine) as session:
        row = session.execute(
            select(STAGE.c.rank_owner, STAGE.c.rank_lease_until).where(
                STAGE.c.review_id == review_id, STAGE.c.stage == Stage.TITLE_ABSTRACT
            )
        ).one_or_none()
    return (row[0], row[1]) if row is not None else (None, None)


@pytest.mark.usefixtures("child_cache")
def test_features_are_built_for_imports_and_kept_through_merges_and_removals(
    build: Builder, database_url: str
) -> None:
    world = make_world(build, n=8, settings=SINGLE)
    stage = Stage.TITLE_ABSTRACT
    prepared = prioritization.rank_in_child(database_url, world.rid, stage, "", prepare=True)
    assert prepared.ranking is None  # no decision yet: nothing to learn from
    assert prepared.kept == ((world.rid, stage),)
    assert prepared.build_seconds > 0

    first, second, merged, kept, removed = world.records[:5]
    assert world.vote(world.one, first, "include").status_code == 201
    assert world.vote(world.one, second, "exclude").status_code == 201
    with Session(build.engine) as session, session.begin():
        duplicate = session.get_one(Record, merged)
        duplicate.duplicate_of_id = kept
        session.add(duplicate)
    response = world.client.post(
        world.url("/records/remove"),
        json={"record_ids": [removed], "removed": "other", "reason": "outside the dates"},
        headers=world.lead.headers,
    )
    assert response.status_code == 200, response.text

    ranked = prioritization.rank_in_child(database_url, world.rid, stage, "")
    assert ranked.build_seconds == 0.0  # the features of the imported records still serve
    assert ranked.ranking is not None
    digest, order, settled, _fit = ranked.ranking
    assert settled == 2
    assert sorted(order) == sorted(set(world.records) - {first, second, merged, removed})

    late = screening_records(build.engine, world.rid, [("Late trial", "Imported later.")])
    again = prioritization.rank_in_child(database_url, world.rid, stage, digest)
    assert again.build_seconds > 0  # an import brought records the features lack
    assert again.ranking is not None
    assert late[0] in again.ranking[1]


def test_without_prepare_nothing_is_built_before_the_model_can_rank(
    build: Builder, database_url: str, child_cache: None
) -> None:
    world = make_world(build, n=4, settings=SINGLE)
    answer = prioritization.rank_in_child(database_url, world.rid, Stage.TITLE_ABSTRACT, "")
    assert answer == prioritization.Answer(None, (), 0.0)


def test_the_model_process_keeps_the_features_of_stages_screened_side_by_side(
    build: Builder, database_url: str, child_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two reviews screened at once keep their features (they used to take turns building
    them); past the budget of records the least recently used stage gives way."""
    stage = Stage.TITLE_ABSTRACT
    first, second = make_world(build, n=4), make_world(build, n=4)
    for world in (first, second):
        prepared = prioritization.rank_in_child(database_url, world.rid, stage, "", prepare=True)
        assert prepared.build_seconds > 0
    again = prioritization.rank_in_child(database_url, first.rid, stage, "", prepare=True)
    assert again.build_seconds == 0.0
    assert set(again.kept) == {(first.rid, stage), (second.rid, stage)}
    monkeypatch.setattr(prioritization, "FEATURE_RECORDS", 9)
    third = make_world(build, n=4)
    answer = prioritization.rank_in_child(database_url, third.rid, stage, "", prepare=True)
    assert set(answer.kept) == {(first.rid, stage), (third.rid, stage)}  # second: least used


def test_records_imported_into_a_running_service_are_prepared_by_one_worker_that_keeps_them(
    build: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker that builds a stage's features after an import renews its lease while it
    runs, with no decision coming in (another worker would build them again), and gives the
    lease back when it stops."""
    monkeypatch.setattr(prioritization, "LEASE", timedelta(seconds=4))
    world = make_world(build, n=6, settings=SINGLE)
    deadline = time.monotonic() + 60
    while (owner := _owner(build, world.rid)[0]) is None:
        assert time.monotonic() < deadline, "no worker prepared the imported records"
        time.sleep(0.2)
    time.sleep(9)  # more than two leases, and nobody voted
    holder, until = _owner(build, world.rid)
    assert holder == owner
    assert until is not None
    assert until > utc_now()
    worker = next(w for w in list(prioritization._WORKERS) if w.name == owner)
    worker.stop()
    assert _owner(build, world.rid)[0] != owner
