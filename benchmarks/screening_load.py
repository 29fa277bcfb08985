"""Load: N simulated reviewers screening a 10,000-record review through a real uvicorn server.

Run: ``.venv/bin/python -m benchmarks.screening_load [--reviewers 10,50] [--seconds 60]
[--postgres URL] [--workers 2]``. Each reviewer loops ``GET .../screening/title_abstract/next`` then
``POST .../records/{id}/decisions`` (dual mode, blinded). Reported: decisions/s and p50/p95/p99
latency of next, decision and the pair; the same harness against ``/api/v1/health`` gives the
machine's limit. PostgreSQL runs when ``--postgres`` (or ``WINNOW_BENCH_POSTGRES_URL``) names a
database that may be wiped. Records are synthetic (no shared data needed).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, text
from sqlmodel import Session

from api.db import make_engine
from api.migrate import upgrade_to_head
from api.permissions import Role
from api.services.accounts import create_user, issue_token
from api.tables import ImportBatch, Membership, Record, Review, Source

REPO = Path(__file__).resolve().parents[1]
WORDS = [
    "exercise",
    "back",
    "pain",
    "trial",
    "randomised",
    "adults",
    "therapy",
    "outcome",
    "cohort",
    "rat",
    "enzyme",
    "liver",
    "survey",
    "physiotherapy",
    "yoga",
    "placebo",
    "acupuncture",
    "chronic",
    "acute",
    "disability",
    "function",
    "quality",
    "life",
]


@dataclass
class Samples:
    next_ms: list[float] = field(default_factory=list)
    vote_ms: list[float] = field(default_factory=list)
    pair_ms: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def seed(url: str, n_records: int, n_reviewers: int) -> tuple[int, list[str]]:
    """A migrated, wiped database with one review, its records and reviewers; their tokens."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_to_head(url)
    rng = random.Random(7)
    with Session(engine) as session, session.begin():
        review = Review(title="Load test")
        session.add(review)
        session.flush()
        assert review.id is not None
        source = Source(review_id=review.id, name="Synthetic")
        session.add(source)
        session.flush()
        assert source.id is not None
        batch = ImportBatch(review_id=review.id, source_id=source.id, format="ris")
        session.add(batch)
        session.flush()
        rows = [_record(rng, review.id, source.id, batch.id or 0, i) for i in range(n_records)]
        session.execute(insert(Record), rows)
        tokens = []
        for i in range(n_reviewers):
            user = create_user(
                session, email=f"r{i}@bench.org", name=f"R{i}", password="benchmark pw 123"
            )
            session.add(Membership(review_id=review.id, user_id=user.id or 0, role=Role.REVIEWER))
            tokens.append(issue_token(session, user, ttl=timedelta(hours=2)).access_token)
        review_id = review.id
    engine.dispose()
    return review_id, tokens


def _record(rng: random.Random, review_id: int, source_id: int, batch_id: int, i: int) -> dict:  # type: ignore[type-arg]
    return {
        "review_id": review_id,
        "source_id": source_id,
        "batch_id": batch_id,
        "record_number": i + 1,
        "title": " ".join(rng.choices(WORDS, k=8)).capitalize(),
        "abstract": " ".join(rng.choices(WORDS, k=60)),
        "authors": ["Doe, J"],
        "keywords": [],
    }


def serve(url: str, workers: int, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "WINNOW_DATABASE_URL": url, "WINNOW_DATA_DIR": str(data_dir)}
    command = [
        sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
        "--port", str(port), "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    log = (data_dir.parent / f"server-{port}.log").open("wb")  # tracebacks stay out of the table
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}/api/v1"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(
    base: str, review_id: int, tokens: list[str], seconds: float, health_only: bool
) -> tuple[Samples, float]:
    samples = Samples()
    deadline = time.perf_counter() + seconds
    step: Callable[[httpx.Client, random.Random], None]

    def reviewer(token: str, index: int) -> None:
        rng = random.Random(index)
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            while time.perf_counter() < deadline:
                try:
                    step(client, rng)
                except httpx.HTTPError:  # a refused or dropped connection counts as an error
                    _add(samples, False)

    def health(client: httpx.Client, _rng: random.Random) -> None:
        started = time.perf_counter()
        ok = client.get("/health").status_code == 200
        _add(samples, ok, next_ms=(time.perf_counter() - started) * 1000)

    def screen(client: httpx.Client, rng: random.Random) -> None:
        started = time.perf_counter()
        response = client.get(f"/reviews/{review_id}/screening/title_abstract/next")
        after_next = time.perf_counter()
        if response.status_code != 200:
            _add(samples, response.status_code == 204, next_ms=(after_next - started) * 1000)
            time.sleep(0.5)
            return
        record_id = response.json()["record"]["id"]
        decision = "include" if rng.random() < 0.1 else "exclude"
        vote = client.post(
            f"/reviews/{review_id}/records/{record_id}/decisions",
            json={"stage": "title_abstract", "decision": decision},
        )
        done = time.perf_counter()
        _add(
            samples,
            vote.status_code in (200, 201),
            next_ms=(after_next - started) * 1000,
            vote_ms=(done - after_next) * 1000,
            pair_ms=(done - started) * 1000,
        )

    step = health if health_only else screen
    threads = [threading.Thread(target=reviewer, args=(t, i)) for i, t in enumerate(tokens)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


def _add(samples: Samples, ok: bool, **timings: float) -> None:
    with samples.lock:
        if not ok:
            samples.errors += 1
            return
        for name, value in timings.items():
            getattr(samples, name).append(value)


def _pct(values: list[float], q: int) -> str:
    if len(values) < 2:
        return "-"
    return f"{statistics.quantiles(values, n=100)[q - 1]:.0f}"


def row(label: str, samples: Samples, elapsed: float, health_only: bool) -> str:
    count = len(samples.next_ms) if health_only else len(samples.vote_ms)
    what = samples.next_ms if health_only else samples.pair_ms
    parts = [
        label,
        f"{count / elapsed:.1f}",
        *(_pct(samples.next_ms, q) for q in (50, 95, 99)),
        *(("-", "-", "-") if health_only else (_pct(samples.vote_ms, q) for q in (50, 95, 99))),
        *(_pct(what, q) for q in (50, 95, 99)),
        str(samples.errors),
    ]
    return " | ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument(
        "--reviewers", default="10,50", help="comma-separated reviewer counts (default 10,50)"
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers for PostgreSQL")
    parser.add_argument("--postgres", default=os.environ.get("WINNOW_BENCH_POSTGRES_URL", ""))
    args = parser.parse_args()
    counts = [int(n) for n in args.reviewers.split(",")]
    configs = [("sqlite", 1)] + ([("postgresql", args.workers)] if args.postgres else [])
    print(f"{args.records:,} records, {args.seconds:.0f} s each; latency in ms (p50 / p95 / p99)")
    print(
        "config | per s | next p50 | p95 | p99 | vote p50 | p95 | p99 | pair p50 | p95 | p99 | err"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for backend, workers in configs:
            for reviewers in counts:
                _measure(args, backend, workers, reviewers, Path(tmp))
    return 0


def _measure(
    args: argparse.Namespace, backend: str, workers: int, reviewers: int, tmp: Path
) -> None:
    """A fresh review per configuration, then screening and the health endpoint in turn."""
    url = f"sqlite:///{tmp}/load-{reviewers}.db" if backend == "sqlite" else args.postgres
    review_id, tokens = seed(url, args.records, reviewers)
    process, base = serve(url, workers, tmp / "data")
    try:
        for health_only in (False, True):
            samples, elapsed = run(base, review_id, tokens, args.seconds, health_only)
            what = "health" if health_only else "next+decision"
            label = f"{backend} x{workers}, {reviewers} reviewers, {what}"
            print(row(label, samples, elapsed, health_only), flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
