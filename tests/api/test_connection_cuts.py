"""PostgreSQL connections cut between requests (a restart, a proxy's idle timeout) are replaced
without a reviewer seeing an error, although a recently used connection is not pinged."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.db import PING_AFTER_IDLE_SECONDS, make_engine
from api.main import create_app
from api.settings import Settings
from tests.api.builders import Builder
from tests.api.test_screening import TA, make_world

CUT = "winnow-cut-test"


def _cut_every_connection(database_url: str) -> int:
    """Terminate the backends of the engine under test, as a database restart would."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name"
                    ),
                    {"name": CUT},
                ).all()
            )
    finally:
        engine.dispose()


def test_cut_connections_are_replaced_before_anyone_sees_an_error(
    build: Builder, database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to lose the connection to")
    world = make_world(build, n=4)
    engine = make_engine(database_url, connect_args={"application_name": CUT})
    settings = Settings(database_url=database_url, data_dir=tmp_path / "cut")
    try:
        with TestClient(create_app(engine, settings)) as client:
            for _ in range(2):
                card = client.get(world.url(f"/screening/{TA}/next"), headers=world.one.headers)
                assert card.status_code == 200, card.text
                record_id = card.json()["record"]["id"]
                assert _cut_every_connection(database_url) >= 1
                # Used a moment ago, so not pinged: the trip's first statement meets the cut.
                vote = client.post(
                    world.url(f"/records/{record_id}/decisions"),
                    json={"stage": TA, "decision": "include"},
                    headers=world.one.headers,
                )
                assert vote.status_code == 201, vote.text
        # Idle longer than PING_AFTER_IDLE_SECONDS: pinged and replaced before anyone uses it.
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert _cut_every_connection(database_url) >= 1
        time.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
