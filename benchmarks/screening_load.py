"""Load: 50 reviewers screening through real ``winnow serve`` processes, SQLite and PostgreSQL.

Run: ``.venv/bin/python -m benchmarks.screening_load`` (one command; ``--help`` for options).
Each configuration (SQLite with one worker; PostgreSQL with 2 and 4 workers) gets a fresh
database per review size (5,000 and 100,000 synthetic records, dual screening, blinded),
imported into the running server (stored as an import stores them); the phases start once the
service has done what the import set off (the prioritiser builds the records' text features:
its time and CPU are printed; ``--at-once`` starts without waiting), then:

1. ceiling: the reviewers' clients calling ``/api/v1/health`` as fast as they can (requests/s),
   just before and just after the flood, pooled (the load of a shared machine drifts);
2. flood: each reviewer loops ``GET .../next`` + ``POST .../decisions`` as fast as it can:
   decisions/s, and the ratio 2 x decisions/s / ceiling (two requests per decision);
3. human pace: each reviewer votes every 1-3 s: latency of next + decision (p50/p95/p99);
4. integrity: the decisions counted in the database equal the votes the server accepted (201),
   no record has more than two first votes (dual screening: a third means two reviewers were
   served its last free vote), and ``winnow screening rebuild --check`` finds no difference
   between the stored state and the log;
5. at the largest size (once per backend): half the records get two votes, written as rows and
   turned into stored state by ``winnow screening rebuild`` (timed), then a lead's pages are
   timed: ``/prisma``, ``/prisma.svg``, ``/progress``, ``/agreement``, ``/conflicts``.

PostgreSQL: ``--postgres URL`` (a database that may be wiped), or ``--pg-port PORT`` to start a
throwaway cluster with ``scripts/test-postgres.sh`` (stopped at the end). The client is one
asyncio process; the machine's load average is printed with each row (a shared machine: compare
the ratios, and run twice).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from sqlalchemy import insert, text
from sqlmodel import Session

import api.security
from api.db import make_engine
from api.migrate import upgrade_to_head
from api.permissions import Role
from api.repositories.records import RecordRepository
from api.services.accounts import create_user, issue_token
from api.tables import Decision, ImportBatch, Membership, Record, Review, Source, utc_now

REPO = Path(__file__).resolve().parents[1]
WORDS = (  # noqa: SIM905
    "exercise back pain trial randomised adults therapy outcome cohort rat enzyme liver survey "
    "physiotherapy yoga placebo acupuncture chronic acute disability function quality life"
).split()
PAGES = ("prisma", "prisma.svg", "progress", "agreement", "conflicts")
TA = "title_abstract"


@dataclass
class Seeded:
    review_id: int
    reviewers: list[str]  # tokens
    lead: str


@dataclass
class Phase:
    done: int = 0  # decisions (or health requests)
    accepted: int = 0  # 201 responses
    errors: int = 0
    empty: int = 0  # `next` answered 204: the reviewer had nothing left to screen
    pair_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float = 0.0  # CPU seconds the server's processes (and PostgreSQL's) spent

    @property
    def cpu_ms(self) -> float:
        """Server CPU per decision (or per health request), in ms: unlike throughput, it does
        not depend on what else the machine runs."""
        return 1000 * self.cpu / self.done if self.done else float("nan")

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


def fresh_database(url: str) -> None:
    """Wipe the database and migrate it (a server is started on it next)."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade_to_head(url)


def seed(url: str, n_records: int, n_reviewers: int) -> Seeded:
    """One dual-screening review, its records (one import batch, as an import stores them)
    and people, in a migrated database."""
    engine = make_engine(url)
    # Benchmark accounts only: the cheapest argon2 parameters (production keeps the defaults).
    api.security._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
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
        table = Record.__table__  # type: ignore[attr-defined]
        for start in range(0, n_records, 5_000):
            rows = [
                _record(rng, review.id, source.id, batch.id or 0, i)
                for i in range(start, min(n_records, start + 5_000))
            ]
            session.execute(insert(table), rows)
        RecordRepository(session).refresh_statistics()  # as an import of this size does
        tokens = []
        for i in range(n_reviewers + 1):
            user = create_user(
                session, email=f"r{i}@bench.org", name=f"R{i}", password="benchmark pw 123"
            )
            role = Role.LEAD if i == n_reviewers else Role.REVIEWER
            session.add(Membership(review_id=review.id, user_id=user.id or 0, role=role))
            tokens.append(issue_token(session, user, ttl=timedelta(hours=4)).access_token)
        review_id = review.id
    engine.dispose()
    return Seeded(review_id, tokens[:-1], tokens[-1])


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


class Server:
    """``winnow serve`` in a process of its own (it migrates, then starts the workers)."""

    def __init__(self, url: str, workers: int, data_dir: Path) -> None:
        self.port = _free_port()
        env = {**os.environ, "WINNOW_DATABASE_URL": url, "WINNOW_DATA_DIR": str(data_dir)}
        command = [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port)]
        command += ["--workers", str(workers)]
        self.log = (data_dir.parent / f"server-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=self.log, stderr=self.log
        )
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        for _ in range(600):
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


Step = Callable[[httpx.AsyncClient, random.Random, Phase], Awaitable[None]]


async def _drive(
    base: str, tokens: list[str], seconds: float, step: Step, roots: list[int]
) -> Phase:
    phase = Phase()
    cpu_before = cpu_seconds(roots)
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def reviewer(token: str, index: int) -> None:
        rng = random.Random(index)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            base_url=base, headers=headers, timeout=120, limits=limits
        ) as client:
            while time.perf_counter() < deadline:
                try:
                    await step(client, rng, phase)
                except httpx.HTTPError:
                    phase.errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(reviewer(t, i) for i, t in enumerate(tokens)))
    phase.seconds = time.perf_counter() - started
    phase.cpu = cpu_seconds(roots) - cpu_before
    return phase


def _tree(roots: list[int]) -> list[int]:
    """The processes *roots* started, themselves included (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found = [pid for pid in roots if pid in parents]
    queue = list(found)
    while queue:
        pid = queue.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        queue += children
    return found


def cpu_seconds(roots: list[int]) -> float:
    """User + system CPU of the running processes under *roots*."""
    return sum(_cpu_by_process(roots).values())


def health_step() -> Step:
    async def step(client: httpx.AsyncClient, _rng: random.Random, phase: Phase) -> None:
        if (await client.get("/health")).status_code == 200:
            phase.done += 1
        else:
            phase.errors += 1

    return step


def screening_step(review_id: int, pace: tuple[float, float] | None) -> Step:
    """next + decision; *pace*: wait a random 1-3 s (say) before each, as a person reads."""

    async def step(client: httpx.AsyncClient, rng: random.Random, phase: Phase) -> None:
        if pace is not None:
            await asyncio.sleep(rng.uniform(*pace))
        started = time.perf_counter()
        response = await client.get(f"/reviews/{review_id}/screening/{TA}/next")
        if response.status_code != 200:
            if response.status_code == 204:
                phase.empty += 1
            else:
                phase.errors += 1
            await asyncio.sleep(0.5)
            return
        record_id = response.json()["record"]["id"]
        decision = "include" if rng.random() < 0.1 else "exclude"
        vote = await client.post(
            f"/reviews/{review_id}/records/{record_id}/decisions",
            json={"stage": TA, "decision": decision},
        )
        if vote.status_code not in (200, 201):
            phase.errors += 1
            return
        phase.pair_ms.append((time.perf_counter() - started) * 1000)
        phase.done += 1
        phase.accepted += vote.status_code == 201

    return step


def _pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100)[q - 1]


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def count_decisions(url: str, review_id: int) -> tuple[int, int]:
    """The review's decisions in the database, and how many records have more than two first
    votes at a stage (each reviewer's first vote; changes of mind supersede one)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            stored = text("SELECT count(*) FROM decision WHERE review_id = :r")
            crowded = text(
                "SELECT count(*) FROM (SELECT record_id FROM decision WHERE review_id = :r"
                " AND supersedes_id IS NULL GROUP BY record_id, stage HAVING count(*) > 2) AS c"
            )
            return (
                int(connection.execute(stored, {"r": review_id}).scalar_one()),
                int(connection.execute(crowded, {"r": review_id}).scalar_one()),
            )
    finally:
        engine.dispose()


def rebuild(url: str, review_id: int, *, check: bool) -> tuple[int, float, str]:
    """``winnow screening rebuild`` as an operator runs it: exit code, seconds, report."""
    env = {**os.environ, "WINNOW_DATABASE_URL": url}
    command = [sys.executable, "-m", "api.cli", "screening", "rebuild", str(review_id)]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, *(["--check"] if check else [])],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, time.perf_counter() - started, (done.stdout + done.stderr).strip()


def seed_votes(url: str, review: Seeded, fraction: float) -> int:
    """Two reviewers' votes on the first *fraction* of the records, written as log rows."""
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            ids = [
                int(r[0])
                for r in session.execute(
                    text(
                        "SELECT r.id FROM record r WHERE r.review_id = :r AND NOT EXISTS "
                        "(SELECT 1 FROM decision d WHERE d.record_id = r.id) ORDER BY r.id"
                    ),
                    {"r": review.review_id},
                ).all()
            ]
            voters = [
                int(r[0])
                for r in session.execute(
                    text(
                        "SELECT user_id FROM membership WHERE review_id = :r AND role = 'reviewer'"
                    ),
                    {"r": review.review_id},
                ).all()
            ]
            rng = random.Random(3)
            chosen = ids[: int(len(ids) * fraction)]
            now = utc_now()
            rows = []
            for record_id in chosen:
                pair = rng.sample(voters, 2)
                agree = rng.random() < 0.9
                first = "include" if rng.random() < 0.1 else "exclude"
                second = first if agree else ("exclude" if first == "include" else "include")
                for reviewer_id, vote in zip(pair, (first, second), strict=True):
                    rows.append(
                        {
                            "review_id": review.review_id,
                            "record_id": record_id,
                            "reviewer_id": reviewer_id,
                            "stage": TA,
                            "vote": vote,
                            "note": "",
                            "created_at": now,
                        }
                    )
            table = Decision.__table__  # type: ignore[attr-defined]
            for start in range(0, len(rows), 10_000):
                session.execute(insert(table), rows[start : start + 10_000])
            return len(chosen)
    finally:
        engine.dispose()


def wait_for_ranking(url: str, review_id: int, *, since: datetime, limit: float = 600) -> float:
    """Seconds until the prioritiser has ranked the title/abstract stage again (its text
    features for 100,000 records are built first): pages are timed on a server at rest."""
    engine = make_engine(url)
    started = time.monotonic()
    statement = text(
        "SELECT ranked_at FROM screening_stage WHERE review_id = :r AND stage = 'title_abstract'"
    )
    try:
        while time.monotonic() - started < limit:
            with engine.connect() as connection:
                ranked = connection.execute(statement, {"r": review_id}).scalar()
            if ranked is not None and _aware(ranked) > since:
                break
            time.sleep(1)
    finally:
        engine.dispose()
    return time.monotonic() - started


def wait_until_prepared(
    url: str, review_id: int, roots: list[int], *, limit: float = 900
) -> tuple[float, float]:
    """Seconds until a ranking worker has taken the imported stage and the server's processes
    are quiet again (under 5% of a core for two seconds in a row), and the CPU they used (per
    process, sampled every second: a connection's process that ends takes its CPU with it)."""
    engine = make_engine(url)
    started = time.monotonic()
    statement = text(
        "SELECT rank_owner FROM screening_stage WHERE review_id = :r AND stage = 'title_abstract'"
    )
    busy, quiet = 0.0, 0
    sample = _cpu_by_process(roots)
    try:
        while quiet < 2 and time.monotonic() - started < limit:
            time.sleep(1)
            with engine.connect() as connection:
                taken = connection.execute(statement, {"r": review_id}).scalar() is not None
            before, sample = sample, _cpu_by_process(roots)
            used = sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in sample.items())
            busy += used
            quiet = quiet + 1 if taken and used < 0.05 else 0
    finally:
        engine.dispose()
    return time.monotonic() - started, busy


def _cpu_by_process(roots: list[int]) -> dict[int, float]:
    found = {}
    for pid in _tree(roots):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def _aware(value: datetime | str) -> datetime:
    found = datetime.fromisoformat(value) if isinstance(value, str) else value
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def time_pages(base: str, review: Seeded, repeat: int = 3) -> dict[str, float]:
    """The median of *repeat* timings of each lead page (seconds)."""
    headers = {"Authorization": f"Bearer {review.lead}"}
    out = {}
    with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
        for page in PAGES:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(f"/reviews/{review.review_id}/{page}")
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, (page, response.status_code, response.text)
            out[page] = statistics.median(times)
    return out


@dataclass
class Row:
    backend: str
    workers: int
    records: int
    phase: str
    per_second: float
    ceiling: float
    pair_ms: list[float]
    errors: int
    load: str
    cpu_ms: float  # server (and PostgreSQL) CPU per decision
    ceiling_cpu_ms: float  # ... per health request

    def line(self) -> str:
        flood = self.phase == "flood"
        ratio = 2 * self.per_second / self.ceiling if flood else float("nan")
        cpu_ratio = (
            2 * self.ceiling_cpu_ms / self.cpu_ms if self.phase != "health" else float("nan")
        )
        p50, p95, p99 = (_pct(self.pair_ms, q) for q in (50, 95, 99))
        return (
            f"{self.backend:<10} {self.workers:>2} {self.records:>8,} {self.phase:<6} "
            f"{self.per_second:>8.1f} {self.ceiling:>8.0f} {ratio:>6.2f} "
            f"{p50:>7.0f} {p95:>7.0f} {p99:>7.0f} {self.errors:>5} "
            f"{self.cpu_ms:>7.2f} {cpu_ratio:>6.2f}  {self.load}"
        )


HEADER = (
    f"{'backend':<10} {'wk':>2} {'records':>8} {'phase':<6} {'dec/s':>8} {'ceiling':>8} "
    f"{'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'err':>5} "
    f"{'cpu ms':>7} {'cpu r.':>6}  load (1/5/15 min)"
)
LEGEND = (
    "dec/s: decisions (next + vote) per second, or health requests per second; ceiling: health "
    "requests/s in the same run;\nratio = 2 x dec/s / ceiling; p50-p99: next + decision, ms; "
    "cpu ms: server and PostgreSQL CPU per decision (per request for health);\ncpu r. = 2 x health "
    "cpu / decision cpu, the ratio the server would reach on a machine of its own"
)


def measure(
    backend: str,
    workers: int,
    url: str,
    n_records: int,
    args: argparse.Namespace,
    tmp: Path,
    *,
    pages: bool,
) -> list[Row]:
    fresh_database(url)
    server = Server(url, workers, tmp / "data")
    rows = []
    accepted = 0
    try:
        roots = [server.process.pid, *postgres_root(url)]
        # The records are imported into the running service, as a librarian imports a search,
        # and the reviewers start once the service has done what an import sets off (the
        # prioritiser builds the new records' text features).
        review = seed(url, n_records, args.reviewers)
        if args.at_once:
            print(f"  import of {n_records:,} records: the reviewers start at once", flush=True)
        else:
            waited, cpu = wait_until_prepared(url, review.review_id, roots)
            print(
                f"  import of {n_records:,} records: the service's work after it took "
                f"{waited:.1f} s ({cpu:.1f} s of CPU)",
                flush=True,
            )

        def health() -> Phase:
            phase = asyncio.run(
                _drive(server.base, review.reviewers, args.seconds, health_step(), roots)
            )
            print(_row(backend, workers, n_records, "health", phase, phase).line(), flush=True)
            return phase

        def screen(pace: tuple[float, float] | None) -> Phase:
            step = screening_step(review.review_id, pace)
            return asyncio.run(_drive(server.base, review.reviewers, args.seconds, step, roots))

        # The ceiling is measured just before and just after the flood and the two pooled: on a
        # shared machine the load drifts, and one side alone would favour or handicap the flood.
        before = health()
        flood = screen(None)
        ceiling = _pooled(before, health())
        rows.append(_row(backend, workers, n_records, "health", ceiling, ceiling))
        for name, phase in (("flood", flood), ("human", screen((1.0, 3.0)))):
            accepted += phase.accepted
            rows.append(_row(backend, workers, n_records, name, phase, ceiling))
            print(rows[-1].line(), flush=True)
            if phase.empty:
                print(
                    f"  the {name} phase ran out of records ({phase.empty} empty answers): its "
                    "figures understate; run shorter phases (--seconds)",
                    flush=True,
                )
    finally:
        server.stop()
    stored, crowded = count_decisions(url, review.review_id)
    code, _seconds, report = rebuild(url, review.review_id, check=True)
    print(
        f"  integrity: {accepted:,} votes accepted, {stored:,} in the database "
        f"({'equal' if stored == accepted else 'DIFFERENT'}); records with more than two "
        f"votes: {crowded}; rebuild --check: "
        f"{'no difference' if code == 0 else 'DIFFERENCES'}" + ("" if code == 0 else f"\n{report}"),
        flush=True,
    )
    if pages:
        voted = seed_votes(url, review, 0.5)
        code, seconds, report = rebuild(url, review.review_id, check=False)
        print(
            f"  {voted:,} more records with two votes each; rebuild took {seconds:.1f} s",
            flush=True,
        )
        started = utc_now()
        server = Server(url, workers, tmp / "data")
        try:
            waited = wait_for_ranking(url, review.review_id, since=started)
            timed = time_pages(server.base, review)
        finally:
            server.stop()
        print(
            f"  lead pages (s, median of 3; timed after the prioritiser's {waited:.0f} s of "
            "retraining on the new votes): "
            + ", ".join(f"{page} {seconds:.2f}" for page, seconds in timed.items()),
            flush=True,
        )
    return rows


def _pooled(*phases: Phase) -> Phase:
    """Several runs of one phase as one: requests and CPU over their summed time."""
    return Phase(
        done=sum(p.done for p in phases),
        seconds=sum(p.seconds for p in phases),
        cpu=sum(p.cpu for p in phases),
    )


def _row(backend: str, workers: int, records: int, name: str, phase: Phase, ceiling: Phase) -> Row:
    return Row(
        backend, workers, records, name, phase.per_second, ceiling.per_second, phase.pair_ms,
        phase.errors, _load(), phase.cpu_ms, ceiling.cpu_ms,
    )  # fmt: skip


def postgres_root(url: str) -> list[int]:
    """The PostgreSQL server's main process, when it runs on this machine (its CPU counts)."""
    if not url.startswith("postgresql"):
        return []
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            backend = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
        stat = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return [int(stat[1])]
    except (OSError, ValueError):
        return []
    finally:
        engine.dispose()


def start_postgres(port: int) -> str:
    env = {**os.environ, "WINNOW_TEST_PGPORT": str(port)}
    done = subprocess.run(
        ["scripts/test-postgres.sh", "start"], cwd=REPO, env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return done.stdout.strip()


def stop_postgres(port: int) -> None:
    env = {**os.environ, "WINNOW_TEST_PGPORT": str(port)}
    subprocess.run(["scripts/test-postgres.sh", "stop"], cwd=REPO, env=env, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", default="5000,100000", help="review sizes, comma-separated")
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument(
        "--seconds",
        type=float,
        default=20,
        help="length of each phase (a 5,000-record review lasts a flood of about 25 s on SQLite)",
    )
    parser.add_argument("--workers", default="2,4", help="PostgreSQL worker counts")
    parser.add_argument("--postgres", default=os.environ.get("WINNOW_BENCH_POSTGRES_URL", ""))
    parser.add_argument("--pg-port", type=int, default=0, help="start a throwaway cluster here")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument(
        "--at-once",
        action="store_true",
        help="start the phases as soon as the records are stored, not once the service has "
        "done what the import set off (the prioritiser's text features)",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.records.split(",")]
    started_pg = False
    if not args.postgres and args.pg_port:
        args.postgres = start_postgres(args.pg_port)
        started_pg = True
    configs = [] if args.no_sqlite else [("sqlite", 1)]
    if args.postgres:
        configs += [("postgresql", int(w)) for w in args.workers.split(",")]
    print(
        f"{args.reviewers} reviewers, dual screening, {args.seconds:.0f} s per phase; "
        f"{os.cpu_count()} cores; ratio = 2 x decisions/s / health requests/s"
    )
    print(LEGEND)
    print(HEADER, flush=True)
    rows: list[Row] = []
    paged: set[str] = set()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for backend, workers in configs:
                for n in sizes:
                    url = (
                        f"sqlite:///{tmp}/load-{n}-{workers}.db"
                        if backend == "sqlite"
                        else args.postgres
                    )
                    pages = not args.no_pages and n == max(sizes) and backend not in paged
                    rows += measure(backend, workers, url, n, args, Path(tmp), pages=pages)
                    if pages:
                        paged.add(backend)
    finally:
        if started_pg:
            stop_postgres(args.pg_port)
    _summary(rows, sizes)
    return 0


def _summary(rows: list[Row], sizes: list[int]) -> None:
    """Time per vote at the largest size against the smallest, per configuration."""
    if len(sizes) < 2:
        return
    small, large = min(sizes), max(sizes)
    print(
        f"\ntime per vote at {large:,} records / at {small:,} (bar: 1.5x): human pace p50 and "
        "mean of next+decision; flood, 1 / decisions per second; server CPU per decision"
    )
    for backend, workers in sorted({(r.backend, r.workers) for r in rows}):
        found = {
            (r.records, r.phase): r for r in rows if (r.backend, r.workers) == (backend, workers)
        }
        keys = [(small, "human"), (large, "human"), (small, "flood"), (large, "flood")]
        if any(key not in found for key in keys):
            continue
        human_small, human_large, flood_small, flood_large = (found[key] for key in keys)
        a, b = human_small.pair_ms, human_large.pair_ms
        if not a or not b:
            continue
        print(
            f"  {backend} x{workers}: human p50 {_pct(b, 50) / _pct(a, 50):.2f}x, "
            f"mean {statistics.fmean(b) / statistics.fmean(a):.2f}x; "
            f"flood {flood_small.per_second / flood_large.per_second:.2f}x; "
            f"cpu {flood_large.cpu_ms / flood_small.cpu_ms:.2f}x"
        )


if __name__ == "__main__":
    raise SystemExit(main())
