"""Models and migrations do not drift, and downgrade/upgrade round-trips, on each database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from api.db import make_engine
from api.migrate import alembic_config


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
