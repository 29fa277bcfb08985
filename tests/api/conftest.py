"""An app on the test database, and builders for users, tokens and reviews."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from api.settings import Settings
from tests.api.builders import Builder


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        max_upload_mb=1,
        max_json_kb=64,
        login_max_failures_per_account=3,
        login_max_failures_per_address=5,
    )


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(engine, settings)) as client:
        yield client


@pytest.fixture
def build(client: TestClient, engine: Engine) -> Builder:
    return Builder(client, engine)
