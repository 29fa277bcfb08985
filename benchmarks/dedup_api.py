"""Dedup through the API on srsr (53,001 records) on SQLite and PostgreSQL: wall time, peak memory.

    .venv/bin/python -m benchmarks.dedup_api [--postgres URL|none]

The records go straight into the database (one import batch), then a child process serves the
app in-process and calls ``POST /reviews/{rid}/dedup`` (a background job at this size), polls
the job, runs it again (nothing new), and times one confirm and one undo. Each step's peak
memory is its own child's max RSS. PostgreSQL's ``public`` schema is dropped and rebuilt.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SRSR = SHARED / "data" / "dedup" / "srsr" / "records.csv"
DEFAULT_POSTGRES = "postgresql+psycopg://winnow@127.0.0.1:54329/winnow_dedup"
EMAIL, PASSWORD = "bench@example.org", "benchmark password"
JOB_TIMEOUT_SECONDS = 1800


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(url: str) -> dict[str, Any]:
    """Child: migrate an empty database and store srsr as one batch of one source."""
    from sqlalchemy import insert, text
    from sqlmodel import Session

    from api.db import make_engine
    from api.migrate import upgrade_to_head
    from api.permissions import Role
    from api.services.accounts import create_user
    from api.tables import ImportBatch, Membership, Record, Review, Source
    from importers.dedup.csv_text import read_dedup_csv

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_to_head(url)
    rows = read_dedup_csv(SRSR.read_text(encoding="utf-8")).references
    with Session(engine) as session, session.begin():
        user = create_user(session, email=EMAIL, name="Bench", password=PASSWORD, is_admin=False)
        review = Review(title="srsr benchmark")
        session.add(review)
        session.flush()
        assert review.id is not None
        assert user.id is not None
        source = Source(review_id=review.id, name="srsr")
        session.add_all([Membership(review_id=review.id, user_id=user.id, role=Role.LEAD), source])
        session.flush()
        assert source.id is not None
        batch = ImportBatch(review_id=review.id, source_id=source.id, format="csv")
        session.add(batch)
        session.flush()
        fixed = {"review_id": review.id, "source_id": source.id, "batch_id": batch.id}
        session.execute(insert(Record), [{**fixed, **_record(ref)} for ref in rows])
        review_id = review.id
    engine.dispose()
    return {"review_id": review_id, "records": len(rows)}


def _record(ref: Any) -> dict[str, Any]:
    return {
        "title": ref.title,
        "abstract": ref.abstract,
        "authors": list(ref.authors),
        "year": ref.year,
        "journal": ref.journal,
        "volume": ref.volume[:64],
        "issue": ref.issue[:64],
        "pages": ref.pages[:64],
        "doi": ref.doi[:255] if ref.doi else None,
        "pmid": ref.pmid,
        "isbn": ref.isbn[:64] if ref.isbn else None,
        "type": ref.type.value,
        "record_number": ref.record_number,
    }


def run(url: str, review_id: int) -> dict[str, Any]:
    """Child: the API in-process; dedup twice, then one confirm and one undo."""
    from fastapi.testclient import TestClient

    from api.db import make_engine
    from api.main import create_app
    from api.settings import Settings

    engine = make_engine(url)
    settings = Settings(database_url=url, data_dir=Path(tempfile.mkdtemp()))
    figures: dict[str, Any] = {}
    with TestClient(create_app(engine, settings)) as client:
        token = client.post("/api/v1/auth/token", data={"username": EMAIL, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        base = f"/api/v1/reviews/{review_id}"
        for label in ("first run", "second run"):
            start = time.perf_counter()
            job = _dedup(client, base, headers)
            figures[label] = {"seconds": time.perf_counter() - start, **job["result"]}
        figures["queue page"] = _timed(lambda: client.get(f"{base}/duplicates", headers=headers))
        figures.update(_confirm_and_undo(client, base, headers))
    engine.dispose()
    figures["peak_mb"] = _peak_mb()
    return figures


def _confirm_and_undo(client: Any, base: str, headers: dict[str, str]) -> dict[str, Any]:
    """Time the first confirm the queue allows, and its undo."""
    page = client.get(f"{base}/duplicates", params={"limit": 100}, headers=headers).json()
    for item in page["items"]:
        url = f"{base}/duplicates/{item['id']}"
        start = time.perf_counter()
        if client.post(url, json={"decision": "confirmed"}, headers=headers).status_code == 200:
            confirmed = time.perf_counter() - start
            undo = _timed(lambda url=url: client.post(f"{url}/undo", headers=headers))
            return {"confirm": {"seconds": confirmed}, "undo": undo}
    raise RuntimeError("no pair of the first queue page could be confirmed")


def _dedup(client: Any, base: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(f"{base}/dedup", headers=headers)
    if response.status_code == 200:
        return {"result": response.json()}
    assert response.status_code == 202, response.text
    job: dict[str, Any] = response.json()
    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    while job["status"] not in ("succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).json()
    assert job["status"] == "succeeded", job
    return job


def _timed(call: Any) -> dict[str, Any]:
    start = time.perf_counter()
    response = call()
    assert response.status_code == 200, response.text
    return {"seconds": time.perf_counter() - start}


def _child(*args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.dedup_api", "--child", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:1])} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench(url: str) -> dict[str, Any]:
    start = time.perf_counter()
    loaded = _child("load", url)
    loaded["load_seconds"] = time.perf_counter() - start
    return {**loaded, **_child("run", url, str(loaded["review_id"]))}


STEPS = ("first run", "second run", "queue page", "confirm", "undo")


def _print_table(results: dict[str, dict[str, Any]]) -> None:
    header = ("database", "records", "step", "seconds", "rec/s", "merged", "auto", "pending")
    print(f"{header[0]:<11}" + "".join(f"{h:>11}" for h in header[1:]) + f"{'peak MB':>11}")
    for name, figures in results.items():
        for step in STEPS:
            row = figures[step]
            cells = [
                figures["records"],
                step,
                f"{row['seconds']:.2f}",
                f"{figures['records'] / row['seconds']:.0f}" if "run" in step else "",
                row.get("duplicates", ""),
                row.get("auto_merged", ""),
                row.get("pending", ""),
                f"{figures['peak_mb']:.0f}" if step == STEPS[0] else "",
            ]
            print(f"{name:<11}" + "".join(f"{cell:>11}" for cell in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="URL, or 'none' to skip")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, url, *rest = args.child
        print(json.dumps(load(url) if mode == "load" else run(url, int(rest[0]))))
        return 0
    if not SRSR.exists():
        print(f"skipped: {SRSR} is absent (the shared data is not in this checkout)")
        return 0
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = bench(f"sqlite:///{tmp}/bench.db")
    if args.postgres != "none":
        results["postgresql"] = bench(args.postgres)
    _print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
