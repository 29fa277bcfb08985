"""Importing 100,000 RIS records through the API (POST /reviews/{rid}/imports), two backends.

Run: ``.venv/bin/python -m benchmarks.import_api [--records 100000] [--postgres URL]``. The input
is the corpus's RIS files concatenated (as in ``benchmarks.importers_speed``). PostgreSQL is
measured when ``--postgres`` (or ``WINNOW_BENCH_POSTGRES_URL``) names a database that may be
wiped. The bar: under 60 s into SQLite on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, func, select

from api.db import make_engine
from api.main import create_app
from api.migrate import upgrade_to_head
from api.schemas.reviews import ReviewCreate, SourceCreate
from api.services.accounts import create_user
from api.services.reviews import create_review, create_source
from api.settings import Settings
from api.tables import Record
from benchmarks.importers_speed import CORPUS_RIS, build_input
from importers.registry import parse_bytes

PASSWORD = "benchmark password"


@dataclass(frozen=True)
class Figure:
    backend: str
    imported: int
    seconds: float
    cpu_seconds: float
    stored: int


def prepare(database_url: str) -> tuple[int, int]:
    """A migrated, empty database with one user, review and source: (review id, source id)."""
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_to_head(database_url)
    with Session(engine) as session, session.begin():
        user = create_user(session, email="bench@example.org", name="Bench", password=PASSWORD)
        review = create_review(session, user, ReviewCreate(title="Benchmark"))
        source = create_source(session, review, user, SourceCreate(name="All databases"))
        ids = (review.id or 0, source.id or 0)
    engine.dispose()
    return ids


def import_through_api(backend: str, database_url: str, path: Path) -> Figure:
    review_id, source_id = prepare(database_url)
    engine = make_engine(database_url)
    settings = Settings(database_url=database_url, max_upload_mb=1024)
    data = path.read_bytes()
    with TestClient(create_app(engine, settings)) as client:
        login = {"username": "bench@example.org", "password": PASSWORD}
        token = client.post("/api/v1/auth/token", data=login).json()["access_token"]
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.post(
            f"/api/v1/reviews/{review_id}/imports",
            data={"source_id": str(source_id)},
            files={"file": (path.name, data, "application/x-research-info-systems")},
            headers={"Authorization": f"Bearer {token}"},
        )
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    if response.status_code != 201:
        raise SystemExit(f"{backend}: import failed: {response.status_code} {response.text[:500]}")
    with Session(engine) as session:
        stored = int(session.exec(select(func.count()).select_from(Record)).one())
    engine.dispose()
    return Figure(backend, response.json()["records_imported"], seconds, cpu_seconds, stored)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("WINNOW_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    if not CORPUS_RIS.is_dir():
        print(f"skipped: corpus not found at {CORPUS_RIS}")
        return 0
    load_before = _load()
    with tempfile.TemporaryDirectory() as tmp:
        path, in_file = build_input(args.records, Path(tmp))
        size_mb = path.stat().st_size / 1e6
        start = time.perf_counter()
        parse_bytes(path.read_bytes(), format="ris")
        parse_seconds = time.perf_counter() - start
        figures = [import_through_api("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", path)]
        if args.postgres:
            figures.append(import_through_api("PostgreSQL", args.postgres, path))
    print(f"input: {in_file:,} RIS records, {size_mb:.1f} MB; parsing alone: {parse_seconds:.1f} s")
    print(f"load average before: {load_before}, after: {_load()}")
    header = f"{'backend':<12}{'imported':>10}{'stored':>10}{'seconds':>10}{'cpu s':>8}"
    print(header + f"{'records/s':>12}")
    for figure in figures:
        rate = figure.imported / figure.seconds
        print(
            f"{figure.backend:<12}{figure.imported:>10,}{figure.stored:>10,}"
            f"{figure.seconds:>10.1f}{figure.cpu_seconds:>8.1f}{rate:>12,.0f}"
        )
    if not args.postgres:
        print("PostgreSQL: skipped (give --postgres URL or WINNOW_BENCH_POSTGRES_URL)")
    print("seconds = one POST (upload, parse, one transaction with every record), wall time;")
    print("cpu s = this process's CPU time meanwhile (SQLite's work included, PostgreSQL's not):")
    print("on a machine shared with other jobs it is the better guide to the unloaded wall time.")
    print("Bar: SQLite under 60 s on 2 cores.")
    return 0


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
