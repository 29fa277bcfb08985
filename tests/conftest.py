"""Database fixtures: every DB test runs on SQLite, and on PostgreSQL when
``WINNOW_TEST_DATABASE_URL`` points at one (``make test`` starts one when it can).

Both lanes run on a schema built by the Alembic migrations, not by ``create_all``."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import api.security
from api.db import make_engine
from api.migrate import upgrade_to_head
from api.services.screening import prioritization

TEST_DATABASE_URL = os.environ.get("WINNOW_TEST_DATABASE_URL") or None


def pytest_report_header() -> str:
    return f"winnow database lane: {'postgresql' if TEST_DATABASE_URL else 'sqlite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL lane run only the tests that touch a database; the pure ones ran on
    the SQLite lane already and would only repeat themselves."""
    if not TEST_DATABASE_URL:
        return
    keep = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Still argon2id, with the cheapest parameters: production's cost is deliberate, tests' is not.
    monkeypatch.setattr(
        api.security, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (cheaper than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "winnow.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    assert TEST_DATABASE_URL is not None
    engine = make_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_to_head(TEST_DATABASE_URL)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test (PostgreSQL is emptied again afterwards)."""
    if TEST_DATABASE_URL:
        postgres: Engine = request.getfixturevalue("postgres_engine")
        yield TEST_DATABASE_URL
        _truncate_all(postgres)
        return
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "winnow.db"
    shutil.copyfile(template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own (the shared test database stays migrated for the other tests)."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"winnow_migrations_{uuid.uuid4().hex[:8]}"
    admin = make_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    # A ranking started by `next` runs in the background with this engine: let it finish first,
    # or it reopens a connection on the disposed engine that a later test's GC reports as leaked.
    prioritization.wait_idle()
    engine.dispose()


def _truncate_all(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
