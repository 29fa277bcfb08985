"""Under load a server process reuses its PostgreSQL connections: requests never hold more
sessions than the pool keeps, so no connection (a PostgreSQL server process) is opened and
closed per request once the pool is warm."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.db import POOL_RESERVE, POOL_SIZE, make_engine, request_session_slots
from api.main import create_app
from api.settings import Settings
from tests.api.builders import Builder
from tests.api.test_screening import TA, make_world

CONCURRENT = 40  # more reviewers at once than the pool keeps connections


def test_requests_hold_no_more_sessions_than_the_pool_keeps(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        if database_url.startswith("postgresql"):
            assert request_session_slots(engine) == POOL_SIZE - POOL_RESERVE
        assert request_session_slots(engine) <= engine.pool.size()  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_a_warm_pool_opens_no_connection_under_load(
    build: Builder, database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite connections are files, not server processes")
    world = make_world(build, n=4)
    engine = make_engine(database_url)
    opened: list[int] = []

    @event.listens_for(engine, "connect")
    def count(*_args: Any) -> None:
        opened.append(1)

    @event.listens_for(engine, "checkout")
    def hold(*_args: Any) -> None:
        time.sleep(0.02)  # every request overlaps the others, as under a flood

    settings = Settings(database_url=database_url, data_dir=tmp_path / "pool")
    url = world.url(f"/screening/{TA}/next")
    try:
        with TestClient(create_app(engine, settings)) as client:

            def flood() -> list[int]:
                with ThreadPoolExecutor(CONCURRENT) as pool:
                    return list(
                        pool.map(
                            lambda _: client.get(url, headers=world.one.headers).status_code,
                            range(3 * CONCURRENT),
                        )
                    )

            assert set(flood()) == {200}
            warm = len(opened)  # the requests' and the background work's (token use, ranking)
            assert set(flood()) == {200}
            assert len(opened) == warm, f"{len(opened) - warm} connections opened on a warm pool"
    finally:
        engine.dispose()
