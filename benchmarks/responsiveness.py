"""Wall-clock bounds that used to be asserted inside tests, measured here instead.

Run: ``.venv/bin/python -m benchmarks.responsiveness``. Prints how long it takes to refuse an
XML entity bomb and an external entity (tests/importers/test_pubmed_xml.py checks that they are
refused; the bar here is 1 s), and how long a job runner with a one-hour poll takes to stop
(tests/api/test_jobs_runner.py checks that it stops; the bar here is 5 s).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from api.db import make_engine
from api.jobs import JobRunner
from api.migrate import upgrade_to_head
from api.settings import Settings
from importers.errors import ImportFormatError
from importers.registry import parse_bytes
from tests.importers.test_pubmed_xml import BILLION_LAUGHS, EXTERNAL_ENTITY


def _refusal_seconds(document: str) -> float:
    started = time.perf_counter()
    try:
        parse_bytes(document.encode("utf-8"))
    except ImportFormatError:
        return time.perf_counter() - started
    raise AssertionError("the document was not refused")


def _stop_seconds(url: str) -> float:
    engine = make_engine(url)
    runner = JobRunner(engine, Settings(), poll_seconds=3600)
    runner.start()
    started = time.perf_counter()
    runner.stop(timeout=30)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def main() -> int:
    print(f"load average: {os.getloadavg()[0]:.2f}")
    failed = False
    for name, document in (("entity bomb", BILLION_LAUGHS), ("external entity", EXTERNAL_ENTITY)):
        seconds = statistics.median(_refusal_seconds(document) for _ in range(5))
        failed |= seconds >= 1.0
        print(f"refuse {name:<16} median {seconds * 1000:8.1f} ms  (bar 1 s)")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'jobs.db'}"
        upgrade_to_head(url)
        seconds = statistics.median(_stop_seconds(url) for _ in range(3))
    failed |= seconds >= 5.0
    print(f"stop the job runner      median {seconds * 1000:8.1f} ms  (bar 5 s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
