"""The stored stage state: kept in step with the log through every kind of change, checked and
repaired by `winnow screening rebuild`, guarded by constraints, and read by an indexed `next`."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.cli import main
from api.db import hold_writer, make_engine
from api.main import create_app
from api.repositories.screening.prioritization import RankingRepository
from api.repositories.screening.state import STAGE, STATE, StateRepository
from api.services.screening import prioritization
from api.services.screening.store import rebuild
from api.settings import Settings
from api.tables import Decision, Record, Review, ScreeningState, utc_now
from screening.model import Stage
from tests.api.builders import Builder, screening_records
from tests.api.test_screening import TA, World, make_world

FT = "full_text"


def differences(engine: Engine, review_id: int) -> list[str]:
    with Session(engine) as session, session.begin():
        review = session.get_one(Review, review_id)
        return [str(d) for d in rebuild(session, review, write=False)]


def _row(engine: Engine, record_id: int, stage: str = TA) -> ScreeningState:
    with Session(engine) as session:
        return session.get_one(ScreeningState, (record_id, Stage(stage)))


def _screen_everything(world: World, build: Builder) -> None:
    """Votes, changed votes, a conflict resolved, full text, a reviewer leaving, a duplicate,
    a removal, records imported late and a settings change: every kind of change."""
    one, two, lead = world.one, world.two, world.lead
    a, b, c, d, e, f = world.records[:6]
    for who, record_id, vote in [
        (one, a, "include"), (two, a, "include"),  # included
        (one, b, "exclude"), (two, b, "exclude"),  # excluded
        (one, c, "include"), (two, c, "exclude"),  # conflict
        (one, d, "maybe"), (two, d, "include"),    # maybe goes forward
        (one, e, "include"),                       # open, one vote
    ]:  # fmt: skip
        assert world.vote(who, record_id, vote).status_code == 201
    assert world.vote(one, e, "exclude", note="changed my mind").status_code == 201
    resolved = world.client.post(
        world.url(f"/records/{c}/resolution"),
        json={"stage": TA, "decision": "include", "reason": "discussed"},
        headers=lead.headers,
    )
    assert resolved.status_code == 201, resolved.text
    pdf = {"file": ("trial.pdf", b"%PDF-1.4 report", "application/pdf")}
    for record_id in (a, c):
        url = world.url(f"/records/{record_id}/full-text")
        assert world.client.put(url, files=pdf, headers=one.headers).status_code == 200
    gone = world.client.put(
        world.url(f"/records/{d}/full-text"), json={"status": "not_retrieved"}, headers=one.headers
    )
    assert gone.status_code == 200
    reasons = world.client.get(world.url("/exclusion-reasons"), headers=one.headers).json()
    reason = next(r["id"] for r in reasons if r["stage"] == FT)
    world.vote(one, a, "include", stage=FT)
    world.vote(two, a, "exclude", stage=FT, reason_id=reason)
    world.vote(one, c, "exclude", stage=FT, reason_id=reason)
    # One record's title/abstract inclusion is revised: it leaves full text again.
    world.vote(two, c, "exclude")
    third = build.member(lead, world.rid, "reviewer")
    world.vote(third, f, "include")
    removed = world.client.delete(world.url(f"/members/{third.id}"), headers=lead.headers)
    assert removed.status_code in (200, 204)
    with Session(build.engine) as session, session.begin():
        duplicate = session.get_one(Record, world.records[1])
        duplicate.duplicate_of_id = a
        session.add(duplicate)
    late = screening_records(build.engine, world.rid, [("Late", "Imported later")])
    remove = world.client.post(
        world.url("/records/remove"),
        json={"record_ids": late, "removed": "other", "reason": "outside the dates"},
        headers=lead.headers,
    )
    assert remove.status_code == 200, remove.text
    world.patch_settings({"title_abstract": {"maybe_semantics": "conflict"}})


def test_every_kind_of_change_leaves_the_stored_state_equal_to_the_log(build: Builder) -> None:
    world = make_world(build, n=8)
    _screen_everything(world, build)
    assert differences(build.engine, world.rid) == []
    # The rows say what the reports show: c was resolved to include at title/abstract, then
    # reviewer two's revised vote (include -> exclude) left the resolution standing.
    row = _row(build.engine, world.records[2])
    assert (row.state.value, row.resolution_id is not None, row.in_stage) == (
        "included",
        True,
        True,
    )
    maybe = _row(build.engine, world.records[3])
    assert maybe.state.value == "conflict"  # under the "conflict" maybe policy now
    assert not _row(build.engine, world.records[3], FT).in_stage  # not retrieved


def test_an_undone_resolution_updates_the_rows_as_a_resolution_does(build: Builder) -> None:
    """Issue 17: undoing a resolution recomputes the record's rows in the same transaction; a
    record that had reached full text (resolved include, report attached) leaves it again."""
    world = make_world(build, n=2)
    record_id = world.records[0]
    world.vote(world.one, record_id, "include")
    world.vote(world.two, record_id, "exclude")
    url = world.url(f"/records/{record_id}/resolution")
    made = world.client.post(
        url, json={"stage": TA, "decision": "include"}, headers=world.lead.headers
    )
    assert made.status_code == 201, made.text
    pdf = {"file": ("trial.pdf", b"%PDF-1.4 report", "application/pdf")}
    attached = world.client.put(
        world.url(f"/records/{record_id}/full-text"), files=pdf, headers=world.one.headers
    )
    assert attached.status_code == 200, attached.text
    assert _row(build.engine, record_id, FT).in_stage
    undone = world.client.delete(f"{url}?stage={TA}", headers=world.lead.headers)
    assert undone.status_code == 200, undone.text
    row = _row(build.engine, record_id)
    assert (row.state.value, row.resolution_id) == ("conflict", None)
    assert not _row(build.engine, record_id, FT).in_stage
    assert differences(build.engine, world.rid) == []
    again = world.client.post(
        url, json={"stage": TA, "decision": "include"}, headers=world.lead.headers
    )
    assert again.status_code == 201, again.text
    assert _row(build.engine, record_id).resolution_id == again.json()["id"]
    assert _row(build.engine, record_id, FT).in_stage
    assert differences(build.engine, world.rid) == []


def test_rebuild_check_reports_a_tampered_row_and_rebuild_repairs_it(
    build: Builder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(build, n=3)
    record_id = world.records[0]
    for who in (world.one, world.two):
        world.vote(who, record_id, "include")
    monkeypatch.setenv("WINNOW_DATABASE_URL", str(build.engine.url))
    assert main(["screening", "rebuild", "--check", str(world.rid)]) == 0
    with Session(build.engine) as session, session.begin():
        session.execute(
            update(STATE)
            .where(STATE.c.record_id == record_id, STATE.c.stage == Stage.TITLE_ABSTRACT)
            .values(state="excluded", voters=1)
        )
    assert main(["screening", "rebuild", "--check", str(world.rid)]) == 1
    out = capsys.readouterr()
    assert f"record {record_id} at title_abstract: state is " in out.out
    assert "voters is 1, the log says 2" in out.out
    assert "2 difference(s) found" in out.err
    assert main(["screening", "rebuild", str(world.rid)]) == 0
    assert "repaired" in capsys.readouterr().err
    assert main(["screening", "rebuild", "--check", str(world.rid)]) == 0
    assert _row(build.engine, record_id).state.value == "included"
    assert main(["screening", "rebuild", "--check", "999999"]) == 1


@pytest.mark.parametrize(
    "values",
    [
        {"state": "included", "votes_needed": 1},  # settled yet waiting for a vote
        {"state": "needs_votes", "votes_needed": 0},  # waiting for no vote
        {"open": False},  # waiting for votes at its stage, yet out of the queue
        {"duplicate": True},  # a duplicate left in the queue
        {"voters": 3},  # more counted voters than ever voted
        {"reason_id": 1},  # a reason on a record that is not excluded
        {"in_stage": False},  # every record is at title/abstract
        {"first_votes": 1},  # a first vote without its reviewer
        {"state": "maybe"},  # not a state
    ],
)
def test_constraints_refuse_impossible_rows(build: Builder, values: dict[str, Any]) -> None:
    world = make_world(build, n=1)
    with pytest.raises(IntegrityError), Session(build.engine) as session, session.begin():
        session.execute(
            update(STATE)
            .where(STATE.c.record_id == world.records[0], STATE.c.stage == Stage.TITLE_ABSTRACT)
            .values(**values)
        )


def test_records_inserted_by_any_path_get_rows_with_their_review_rules(build: Builder) -> None:
    single = make_world(build, n=0, settings={"title_abstract": {"mode": "single"}})
    dual = make_world(build, n=0)
    [one] = screening_records(build.engine, single.rid, [("Single", "mode")])
    [two] = screening_records(build.engine, dual.rid, [("Dual", "mode")])
    needs = {
        r: (_row(build.engine, r).votes_needed, _row(build.engine, r).open) for r in (one, two)
    }
    assert needs == {one: (1, True), two: (2, True)}
    full_text = _row(build.engine, one, FT)
    assert (full_text.in_stage, full_text.open) == (False, False)


def test_an_import_removed_takes_its_rows_and_frees_what_was_merged_into_it(
    build: Builder,
) -> None:
    """Removing an import made into the wrong source (before screening) deletes its records'
    rows with them; a record merged into one of them stands alone again (the database sets its
    link to NULL) and is back in the queue, as the log says."""
    world = make_world(build, n=2)
    [mistaken] = screening_records(build.engine, world.rid, [("Wrong source", "Imported twice")])
    kept = world.records[0]
    with Session(build.engine) as session, session.begin():
        record = session.get_one(Record, kept)
        record.duplicate_of_id = mistaken
        session.add(record)
        batch_id = session.get_one(Record, mistaken).batch_id
    assert not _row(build.engine, kept).open
    removed = world.client.delete(world.url(f"/imports/{batch_id}"), headers=world.lead.headers)
    assert removed.status_code in (200, 204), removed.text
    with Session(build.engine) as session:
        left = session.exec(
            select(func.count()).select_from(STATE).where(STATE.c.record_id == mistaken)
        ).one()
    assert left == 0
    row = _row(build.engine, kept)
    assert (row.duplicate, row.open) == (False, True)
    assert world.next(world.one).json()["record"]["id"] == kept
    assert differences(build.engine, world.rid) == []


def test_next_is_one_scan_of_the_queue_index(build: Builder) -> None:
    """The query `next` runs reads the queue index in priority order and stops at the first
    record that fits: no sort, no scan of the stage (so its cost does not grow with it)."""
    world = make_world(build, n=3)
    engine = build.engine
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    with Session(engine) as session:
        event.listen(engine, "before_cursor_execute", capture)
        try:
            StateRepository(session).best_for(
                world.rid, Stage.TITLE_ABSTRACT, world.one.id, utc_now(), after=None
            )
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        [(query, parameters)] = captured
        connection = session.connection()
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", parameters)
            plan = "\n".join(str(row[-1]) for row in rows)
        else:
            # A few rows: the planner's cheapest plan depends on stale statistics (a bitmap scan
            # and a sort won now and then). Told what a large table makes it prefer, an ordered
            # index scan; with sorting priced out, a Sort left in the plan means the index cannot
            # give the order.
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                connection.exec_driver_sql(f"SET LOCAL {setting} = off")
            rows = connection.exec_driver_sql(f"EXPLAIN {query}", parameters)
            plan = "\n".join(str(row[0]) for row in rows)
    assert "ix_screening_state_queue" in plan, plan
    assert "TEMP B-TREE" not in plan.upper(), plan
    assert "Sort" not in plan, plan


def test_two_app_instances_on_one_database_share_the_queue_and_the_votes(
    build: Builder, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """Two instances of the app (two engines, two pools, as two workers or machines would have)
    serve the same reviewers in turn: each serves every record once, and every vote counts."""
    world = make_world(build, n=10)
    other_engine = make_engine(database_url)
    settings = Settings(database_url=database_url, data_dir=tmp_path / "second")
    try:
        with TestClient(create_app(other_engine, settings)) as second:
            clients = [world.client, second]
            served: dict[int, list[int]] = {world.one.id: [], world.two.id: []}
            turn = 0
            while True:
                progressed = False
                for who in (world.one, world.two):
                    client = clients[turn % 2]  # each reviewer alternates between instances
                    turn += 1
                    response = client.get(world.url(f"/screening/{TA}/next"), headers=who.headers)
                    if response.status_code == 204:
                        continue
                    record_id = response.json()["record"]["id"]
                    served[who.id].append(record_id)
                    vote = clients[turn % 2].post(
                        world.url(f"/records/{record_id}/decisions"),
                        json={"stage": TA, "decision": "include"},
                        headers=who.headers,
                    )
                    assert vote.status_code == 201, vote.text
                    progressed = True
                if not progressed:
                    break
            for client in clients:
                body = client.get(world.url("/progress"), headers=world.lead.headers).json()
                assert body["title_abstract"]["by_state"]["included"] == 10
    finally:
        other_engine.dispose()
    assert sorted(served[world.one.id]) == world.records
    assert sorted(served[world.two.id]) == world.records
    assert differences(engine, world.rid) == []
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Decision)).one()
    assert count == 20  # every accepted vote, once


def test_two_app_instances_serve_concurrent_reviewers_as_one(
    build: Builder, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """Six reviewers at once, each asking one instance for the next record and voting through
    the other (single screening: a record served twice would get two votes): every record is
    voted on exactly once, and both instances report the same state, which the log confirms."""
    world = make_world(build, n=24, settings={"title_abstract": {"mode": "single"}})
    reviewers = [build.member(world.lead, world.rid, "reviewer") for _ in range(6)]
    other_engine = make_engine(database_url)
    settings = Settings(database_url=database_url, data_dir=tmp_path / "second")
    try:
        with TestClient(create_app(other_engine, settings)) as second:
            clients = [world.client, second]
            start = threading.Barrier(len(reviewers))

            def screen(index: int) -> list[tuple[int, int]]:
                who, outcomes = reviewers[index], []
                start.wait()
                for turn in range(len(world.records)):
                    asking, voting = clients[(index + turn) % 2], clients[(index + turn + 1) % 2]
                    card = asking.get(world.url(f"/screening/{TA}/next"), headers=who.headers)
                    if card.status_code == 204:
                        break
                    record_id = card.json()["record"]["id"]
                    vote = voting.post(
                        world.url(f"/records/{record_id}/decisions"),
                        json={"stage": TA, "decision": "exclude"},
                        headers=who.headers,
                    )
                    outcomes.append((record_id, vote.status_code))
                return outcomes

            with ThreadPoolExecutor(len(reviewers)) as pool:
                outcomes = [o for done in pool.map(screen, range(len(reviewers))) for o in done]
            progress = [
                client.get(world.url("/progress"), headers=world.lead.headers).json()
                for client in clients
            ]
    finally:
        other_engine.dispose()
    assert {status for _record, status in outcomes} == {201}
    assert sorted(record for record, _status in outcomes) == world.records  # each exactly once
    assert progress[0] == progress[1]
    assert progress[0]["title_abstract"]["by_state"]["excluded"] == len(world.records)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Decision)).one()
    assert count == len(world.records)
    assert differences(engine, world.rid) == []


def test_sqlite_readers_never_wait_for_a_writer_and_writers_take_turns(build: Builder) -> None:
    """While a write transaction is open, pages read at once (WAL); a vote waits its turn
    and is recorded once the write ends."""
    engine = build.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has row locks and a pool; SQLite has one writer")
    world = make_world(build, n=2)
    holder = Session(engine)
    try:
        hold_writer(holder)
        holder.execute(
            update(STATE).where(STATE.c.record_id == world.records[1]).values(kept=False)
        )
        started = time.monotonic()
        page = world.client.get(world.url("/progress"), headers=world.lead.headers)
        assert page.status_code == 200
        assert time.monotonic() - started < 5  # did not wait for the 30 s write lock timeout
        with ThreadPoolExecutor(1) as pool:
            vote = pool.submit(world.vote, world.one, world.records[0], "include")
            time.sleep(0.5)
            assert not vote.done()  # its turn comes after the open write
            holder.commit()
            assert vote.result(timeout=30).status_code == 201
    finally:
        holder.close()


def test_next_never_waits_for_the_ranker(build: Builder) -> None:
    """With the model busy (another training holds the ranking process), a reviewer still gets
    the next record at once, in the order already stored."""
    world = make_world(build, n=6, settings={"title_abstract": {"mode": "single"}})
    busy = prioritization._model().submit(time.sleep, 6)
    try:
        for decision in ("include", "exclude"):  # the ranker could learn now: it queues up
            record_id = world.next(world.one).json()["record"]["id"]
            world.vote(world.one, record_id, decision)
        started = time.monotonic()
        card = world.next(world.one)
        took = time.monotonic() - started
        assert card.status_code == 200
        assert card.json()["prioritised"] is False
        assert took < 3, took
    finally:
        busy.result()
    prioritization.wait_idle()
    assert world.next(world.one).json()["prioritised"] is True


def test_a_stage_is_ranked_by_the_holder_of_its_lease_only(build: Builder) -> None:
    """Another worker (another process or machine) holds the stage's ranking lease: this one
    leaves the stage alone until that lease expires, then takes it over."""
    world = make_world(build, n=6, settings={"title_abstract": {"mode": "single"}})
    engine = build.engine
    with Session(engine) as session, session.begin():
        repo = RankingRepository(session)
        assert repo.take_lease(
            world.rid, Stage.TITLE_ABSTRACT, "elsewhere:1", utc_now(), timedelta(minutes=5)
        )
        assert not repo.take_lease(
            world.rid, Stage.TITLE_ABSTRACT, "here:2", utc_now(), timedelta(minutes=5)
        )
    for decision in ("include", "exclude"):
        record_id = world.next(world.one).json()["record"]["id"]
        world.vote(world.one, record_id, decision)
    prioritization.wait_idle()
    assert world.next(world.one).json()["prioritised"] is False  # the holder ranks, not us
    with Session(engine) as session, session.begin():
        session.execute(
            update(STAGE)
            .where(STAGE.c.review_id == world.rid)
            .values(rank_lease_until=utc_now() - timedelta(seconds=1))
        )
    record_id = world.next(world.one).json()["record"]["id"]
    world.vote(world.one, record_id, "exclude")  # activity again: the expired lease is taken
    prioritization.wait_idle()
    assert world.next(world.one).json()["prioritised"] is True


def test_a_stage_whose_lease_holder_stopped_is_ranked_without_new_decisions(
    build: Builder,
) -> None:
    """The holder of a stage's lease stops (a restarted server): once its lease ends, another
    worker ranks the decisions it left unranked, without waiting for someone to vote again."""
    world = make_world(build, n=6, settings={"title_abstract": {"mode": "single"}})
    with Session(build.engine) as session, session.begin():
        assert RankingRepository(session).take_lease(
            world.rid, Stage.TITLE_ABSTRACT, "stopped:1", utc_now(), timedelta(seconds=2)
        )
    for decision in ("include", "exclude"):
        record_id = world.next(world.one).json()["record"]["id"]
        world.vote(world.one, record_id, decision)
    prioritization.wait_idle()
    assert world.next(world.one).json()["prioritised"] is False  # the lease is still held
    deadline = time.monotonic() + 20
    while not world.next(world.one).json()["prioritised"]:
        assert time.monotonic() < deadline, "nobody ranked the stage after the lease ended"
        time.sleep(0.2)


def test_ranks_never_wait_for_a_vote_in_progress(build: Builder) -> None:
    """On PostgreSQL the prioritiser moves the records nobody holds and leaves a record that a
    vote (or `next`) has locked where it is, without waiting for it."""
    engine = build.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take turns; PostgreSQL locks rows")
    world = make_world(build, n=3)
    held, free, other = world.records
    with Session(engine) as voting, Session(engine) as ranking:
        StateRepository(voting).row(held, Stage.TITLE_ABSTRACT, lock=True)
        started = time.monotonic()
        StateRepository(ranking).set_priorities(
            Stage.TITLE_ABSTRACT, {held: -30, free: -20, other: -10}
        )
        ranking.commit()
        assert time.monotonic() - started < 5
        voting.rollback()
    priorities = {r: _row(engine, r).priority for r in world.records}
    assert priorities == {held: held, free: -20, other: -10}


def test_one_reviewer_asking_for_next_many_times_at_once_gets_one_record(
    build: Builder, database_url: str, tmp_path: Path
) -> None:
    """Double clicks and open tabs: a reviewer's concurrent `next` requests, on two instances,
    all answer (no error: on PostgreSQL each used to drop the claims the others were taking, in
    an order that deadlocked) and all show the one record the reviewer holds."""
    world = make_world(build, n=6)
    other_engine = make_engine(database_url)
    settings = Settings(database_url=database_url, data_dir=tmp_path / "second")
    try:
        with TestClient(create_app(other_engine, settings)) as second:
            clients = [world.client, second]
            start = threading.Barrier(8)

            def ask(index: int) -> tuple[int, int | None]:
                start.wait()
                card = clients[index % 2].get(
                    world.url(f"/screening/{TA}/next"), headers=world.one.headers
                )
                body = card.json() if card.status_code == 200 else {}
                return card.status_code, body.get("record", {}).get("id")

            for _round in range(5):
                with ThreadPoolExecutor(8) as pool:
                    answers = list(pool.map(ask, range(8)))
                assert {status for status, _ in answers} == {200}, answers
                assert len({record for _, record in answers}) == 1, answers
    finally:
        other_engine.dispose()


def test_a_claim_takes_only_a_vote_still_free(build: Builder) -> None:
    """Dual screening: two reviewers' live claims take both votes of a record, so a third
    reviewer's claim is refused (and stored nowhere) until one of them lapses; a reviewer may
    extend their own claim."""
    world = make_world(build, n=1)
    [record_id] = world.records
    now, later = utc_now(), utc_now() + timedelta(minutes=10)
    until = now + timedelta(minutes=5)
    with Session(build.engine) as session:
        state = StateRepository(session)

        def claim(who: int, at: Any = now) -> bool:
            return state.claim_if_free(world.rid, record_id, Stage.TITLE_ABSTRACT, who, at, until)

        assert claim(world.one.id)
        assert claim(world.two.id)
        assert not claim(world.lead.id)
        assert claim(world.one.id)  # extends their own
        holders = {
            r for r, _live in state.my_claims(world.rid, Stage.TITLE_ABSTRACT, world.lead.id, now)
        }
        assert holders == set()
        assert claim(world.lead.id, later)  # the others' claims have lapsed by then
        session.rollback()
