"""Models and migrations do not drift, and downgrade/upgrade round-trips, on each database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from api.db import make_engine
from api.migrate import alembic_config
from api.permissions import Role
from api.repositories.screening.state import StateRepository
from api.services.accounts import create_user
from api.services.screening.store import rebuild
from api.tables import Decision, FullText, FullTextStatus, Membership, Review, utc_now
from api.tables.base import Timestamp
from screening.model import Stage, Vote
from tests.api.builders import screening_records


@pytest.fixture
def empty_database_url(empty_database_url: str, database_url: str) -> str:
    """The shared fresh database, asking for ``database_url`` too so that the PostgreSQL lane,
    which keeps only the tests that use a database, runs these."""
    del database_url
    return empty_database_url


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_match_models_and_round_trip(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "head")
    command.check(config)  # raises if the models have changes no migration describes
    assert _tables(empty_database_url) == set(SQLModel.metadata.tables)
    command.downgrade(config, "base")
    assert _tables(empty_database_url) == set()
    command.upgrade(config, "head")
    command.check(config)
    assert _tables(empty_database_url) == set(SQLModel.metadata.tables)


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
    engine.dispose()


def test_studies_of_one_are_backfilled_for_records_stored_before(
    empty_database_url: str, database_url: str
) -> None:
    # database_url: run on both lanes (the migration's data step differs by backend).
    from sqlmodel import Session, col, select

    from api.tables import ImportBatch, Record, Review, Source, Study

    config = alembic_config(empty_database_url)
    command.upgrade(config, "9555e0e51814")  # the revision before studies were stored
    engine = make_engine(empty_database_url)
    try:
        with Session(engine) as session, session.begin():
            review = Review(title="Old review")
            session.add(review)
            session.flush()
            assert review.id is not None
            source = Source(review_id=review.id, name="MEDLINE")
            session.add(source)
            session.flush()
            assert source.id is not None
            batch = ImportBatch(review_id=review.id, source_id=source.id, format="ris")
            session.add(batch)
            session.flush()
            assert batch.id is not None
            for title, authors, year in (("Kept", ["Doe, Jane"], 2020), ("No one", [], None)):
                session.add(
                    Record(
                        review_id=review.id,
                        batch_id=batch.id,
                        source_id=source.id,
                        title=title,
                        authors=authors,
                        year=year,
                    )
                )
        command.upgrade(config, "head")
        with Session(engine) as session:
            records = session.exec(select(Record).order_by(col(Record.id))).all()
            labels = {s.id: s.label for s in session.exec(select(Study)).all()}
        assert [labels[r.study_id] for r in records if r.study_id] == ["Doe 2020", "Anonymous n.d."]
    finally:
        engine.dispose()


PREVIOUS_HEAD = "5d1f0c3a9b27"  # the schema before the stored screening state


def test_the_migration_fills_the_stage_state_of_existing_reviews(
    empty_database_url: str,
) -> None:
    """A database screened before the stored state existed: after the upgrade, every record's
    rows say what its log says (the rebuild check finds nothing), and new records get rows."""
    config = alembic_config(empty_database_url)
    command.upgrade(config, PREVIOUS_HEAD)
    engine = make_engine(empty_database_url)
    try:
        review_id, records, people = _screened_before(engine)
        command.upgrade(config, "head")
        with Session(engine) as session, session.begin():
            review = session.get_one(Review, review_id)
            assert rebuild(session, review, write=False) == []
            rows = StateRepository(session).rows(review_id, Stage.TITLE_ABSTRACT)
            full_text = StateRepository(session).rows(review_id, Stage.FULL_TEXT)
        assert {r: rows[r].state.value for r in records} == {
            records[0]: "included",
            records[1]: "excluded",
            records[2]: "included",  # the conflict resolved
            records[3]: "needs_votes",
        }
        assert rows[records[3]].votes_needed == 1
        assert full_text[records[0]].in_stage
        assert not full_text[records[2]].in_stage  # included, but no report retrieved
        first = rows[records[2]].first_votes
        assert (first.count, first.first, first.second) == (
            2,
            (people[0], Vote.INCLUDE),
            (people[1], Vote.EXCLUDE),
        )
        [late] = screening_records(engine, review_id, [("Late", "after the upgrade")])
        with Session(engine) as session:
            assert StateRepository(session).row(late, Stage.TITLE_ABSTRACT) is not None
    finally:
        engine.dispose()


def _screened_before(engine: Engine) -> tuple[int, list[int], list[int]]:
    """A review with votes, a resolved conflict and a retrieved report, written as the old
    schema's rows."""
    with Session(engine) as session, session.begin():
        people = [
            create_user(
                session, email=f"p{i}@example.org", name=f"P{i}", password="a long password"
            )
            for i in range(2)
        ]
        review = Review(title="Before", settings={})
        session.add(review)
        session.flush()
        assert review.id is not None
        for person in people:
            session.add(Membership(review_id=review.id, user_id=person.id or 0, role=Role.REVIEWER))
        review_id = review.id
        ids = [p.id or 0 for p in people]
    records = screening_records(engine, review_id, [(f"R{i}", "") for i in range(4)])
    votes = [
        (records[0], ids[0], Vote.INCLUDE), (records[0], ids[1], Vote.INCLUDE),
        (records[1], ids[0], Vote.EXCLUDE), (records[1], ids[1], Vote.EXCLUDE),
        (records[2], ids[0], Vote.INCLUDE), (records[2], ids[1], Vote.EXCLUDE),
        (records[3], ids[0], Vote.EXCLUDE),
    ]  # fmt: skip
    with Session(engine) as session, session.begin():
        for record_id, reviewer_id, vote in votes:
            session.add(
                Decision(
                    review_id=review_id, record_id=record_id, reviewer_id=reviewer_id,
                    stage=Stage.TITLE_ABSTRACT, vote=vote,
                )
            )  # fmt: skip
            session.flush()
        # In SQL: the model has columns this old schema lacks (resolution.withdrawn, issue 17).
        session.execute(
            text(
                "INSERT INTO resolution (review_id, record_id, stage, vote, reason, resolver_id,"
                " created_at) VALUES (:review, :record, 'title_abstract', 'include', 'discussed',"
                " :resolver, :at)"
            ).bindparams(bindparam("at", type_=Timestamp)),
            {"review": review_id, "record": records[2], "resolver": ids[0], "at": utc_now()},
        )
        session.add(
            FullText(review_id=review_id, record_id=records[0], status=FullTextStatus.RETRIEVED)
        )
    return review_id, records, ids
