"""A 12,000-hit PubMed query through the fake E-utilities server, with injected faults.

Run: ``.venv/bin/python -m benchmarks.pubmed_fake_query`` (from the repository root).
Checks every record arrives exactly once and NCBI's rate is never exceeded; prints figures.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass

import httpx

from importers.pubmed import EutilsClient, Progress, RetryPolicy, search_and_fetch
from importers.registry import parse_bytes
from tests.fakes.eutils_server import FakeEutilsServer, Fault, max_in_window

HITS = 12_000
QUERY = "benchmark[tiab]"
SEARCH_FAULTS = [Fault.TOO_MANY_REQUESTS, None, Fault.UNAVAILABLE, None, Fault.TRUNCATED]
FETCH_FAULTS = [
    None, Fault.TOO_MANY_REQUESTS, None, Fault.SERVER_ERROR, None, Fault.TIMEOUT, None,
    Fault.TRUNCATED, None, Fault.DISCONNECT, None, Fault.BAD_GATEWAY, Fault.UNAVAILABLE,
]  # fmt: skip


@dataclass(frozen=True)
class Run:
    mode: str
    limit: int
    listed: int
    fetched: int
    unique: int
    expected_unique: bool
    requests: int
    retries: int
    faults: int
    rate_429s: int
    max_per_second: int
    wall_seconds: float
    parsed: int
    parse_seconds: float


def count_pmids(documents: list[bytes]) -> Counter[str]:
    """Record PMIDs in the fetched XML, read independently of the client."""
    found: Counter[str] = Counter()
    for document in documents:
        for record in ET.fromstring(document):
            found[record.findtext("MedlineCitation/PMID") or ""] += 1
    return found


def parse_all(documents: list[bytes]) -> tuple[int, float]:
    """References the project's PubMed XML parser makes of the batches, and its time."""
    started = time.perf_counter()
    parsed = sum(len(parse_bytes(doc, format="pubmed-xml").references) for doc in documents)
    return parsed, time.perf_counter() - started


def run(api_key: str | None) -> Run:
    with FakeEutilsServer(enforce_rate=True, timeout_delay=3.0) as server:
        records = server.add_synthetic(QUERY, HITS)
        server.retry_after = "1"
        server.inject("esearch.fcgi", *SEARCH_FAULTS)
        server.inject("efetch.fcgi", *FETCH_FAULTS)
        progress: list[Progress] = []
        started = time.monotonic()
        with httpx.Client(timeout=httpx.Timeout(2.0)) as http:
            client = EutilsClient(
                http,
                email="bench@example.org",
                api_key=api_key,
                base_url=server.base_url,
                retry=RetryPolicy(initial_delay=0.5),
            )
            documents = list(search_and_fetch(client, QUERY, on_progress=progress.append))
        wall = time.monotonic() - started
        found = count_pmids(documents)
        parsed, parse_seconds = parse_all(documents)
        limit = 10 if api_key else 3
        return Run(
            mode="api_key" if api_key else "no key",
            limit=limit,
            listed=progress[0].total,
            fetched=sum(found.values()),
            unique=len(found),
            expected_unique=set(found) == {r.pmid for r in records},
            requests=len(server.requests),
            retries=client.stats.retries,
            faults=sum(f is not None for f in SEARCH_FAULTS + FETCH_FAULTS),
            rate_429s=server.rate_violations,
            max_per_second=max_in_window(server.times()),
            wall_seconds=wall,
            parsed=parsed,
            parse_seconds=parse_seconds,
        )


def main() -> None:
    results = [run(None), run("benchmark-key")]
    header = (
        "mode", "limit/s", "listed", "fetched", "unique", "exactly once", "requests",
        "retries", "faults", "rate 429s", "max req/1s", "wall s", "parsed", "parse s",
    )  # fmt: skip
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for r in results:
        once = r.fetched == r.unique == HITS and r.expected_unique
        row = (
            r.mode, r.limit, r.listed, r.fetched, r.unique, "yes" if once else "NO",
            r.requests, r.retries, r.faults, r.rate_429s, r.max_per_second,
            f"{r.wall_seconds:.1f}", r.parsed, f"{r.parse_seconds:.1f}",
        )  # fmt: skip
        print(" | ".join(str(cell) for cell in row))
    ok = all(
        r.fetched == r.unique == HITS and r.expected_unique and r.max_per_second <= r.limit
        for r in results
    )
    print("PASS" if ok else "FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
