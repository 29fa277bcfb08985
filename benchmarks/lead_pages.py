"""A lead's pages on a large review, through a real uvicorn server: GET /studies (paged, read
only) and the streamed exports, references (CSV) and the decision log (CSV and JSON) (issue
13's lead-page list).

Run: ``.venv/bin/python -m benchmarks.lead_pages [--records 100000] [--postgres URL]``.
Seeds synthetic records (benchmarks.screening_load.seed) plus their studies of one, as an
import stores them, and two votes on half of them, then times each page three times (median)
and each export's first byte, total and the server's peak memory before and after it.
PostgreSQL runs when ``--postgres`` (or ``WINNOW_BENCH_POSTGRES_URL``) names a database that may
be wiped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlmodel import Session

from api.db import make_engine
from api.repositories.studies import StudyRepository
from benchmarks.screening_load import Server, fresh_database, rebuild, seed, seed_votes


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _prepare(url: str, records: int) -> tuple[int, str, float]:
    fresh_database(url)
    seeded = seed(url, records, 2)
    review_id, token = seeded.review_id, seeded.lead
    seed_votes(url, seeded, 0.5)  # two votes on half the records: the decision log to export
    code, _seconds, report = rebuild(url, review_id, check=False)
    assert code == 0, report
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        started = time.perf_counter()
        StudyRepository(session).add_studies_of_one(review_id)
        studies_s = time.perf_counter() - started
    engine.dispose()
    return review_id, token, studies_s


def _time_download(
    client: httpx.Client, pid: int, name: str, path: str, params: dict[str, str]
) -> None:
    before = _peak_rss_mb(pid)
    started = time.perf_counter()
    size = 0
    first = None
    with client.stream("GET", path, params=params) as response:
        assert response.status_code == 200
        for chunk in response.iter_raw():
            first = first or time.perf_counter() - started
            size += len(chunk)
    total = time.perf_counter() - started
    print(
        f"  {name:<40} first byte {first or 0:.2f} s, total {total:.2f} s, "
        f"{size / 1e6:.1f} MB; server peak RSS {before:.0f} -> {_peak_rss_mb(pid):.0f} MB"
    )


def measure(label: str, url: str, records: int) -> None:
    review_id, token, studies_s = _prepare(url, records)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        server = Server(url, 1, data_dir)
        process, base = server.process, server.base
        try:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(
                base_url=f"{base}/reviews/{review_id}", headers=headers, timeout=600
            ) as client:
                pages = {
                    "GET /studies?limit=100": "/studies?limit=100",
                    "GET /studies, a middle page": f"/studies?limit=100&offset={records // 2}",
                    "GET /studies?status=included": "/studies?status=included",
                    "GET /records?limit=50": "/records?limit=50",
                }
                print(
                    f"\n{label}: {records:,} records; studies of one backfilled "
                    f"(the migration path) in {studies_s:.2f} s"
                )
                for name, path in pages.items():
                    times = []
                    for _ in range(3):
                        started = time.perf_counter()
                        response = client.get(path)
                        times.append(time.perf_counter() - started)
                        assert response.status_code == 200, response.text[:200]
                    print(f"  {name:<40} median {statistics.median(times):6.3f} s")
                for name, path, params in (
                    ("GET /export?format=csv&status=all", "/export", {"format": "csv"}),
                    ("GET /decisions/export?format=csv", "/decisions/export", {"format": "csv"}),
                    ("GET /decisions/export (JSON)", "/decisions/export", {}),
                ):
                    _time_download(client, process.pid, name, path, params)
        finally:
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("WINNOW_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        measure("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.records)
    if args.postgres:
        measure("PostgreSQL", args.postgres, args.records)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
