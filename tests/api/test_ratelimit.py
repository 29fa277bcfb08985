"""The NCBI limiter holds across workers: several engines (as separate processes would have)
share one PostgreSQL rate; SQLite uses the process-wide limiter."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.engine import Engine

from api.db import is_sqlite, make_engine
from api.ratelimit import DatabaseRateLimiter, ncbi_limiter
from importers.pubmed.ratelimit import SlidingWindowLimiter


def _max_in_any_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_sqlite_uses_the_process_limiter(engine: Engine) -> None:
    if not is_sqlite(engine):
        pytest.skip("the SQLite lane checks the in-process limiter")
    assert isinstance(ncbi_limiter(engine, api_key=""), SlidingWindowLimiter)
    assert ncbi_limiter(engine, api_key="") is ncbi_limiter(engine, api_key="")


def test_workers_sharing_postgresql_stay_under_the_rate(database_url: str, engine: Engine) -> None:
    if is_sqlite(engine):
        pytest.skip("a rate shared by several workers needs PostgreSQL")
    engines = [make_engine(database_url) for _ in range(3)]  # one per simulated worker
    started: list[float] = []
    lock = threading.Lock()

    def worker(worker_engine: Engine) -> None:
        limiter = DatabaseRateLimiter(worker_engine, "test:shared", 3)  # period 1.1 s
        for _ in range(3):
            limiter.acquire()
            with lock:
                started.append(time.monotonic())

    threads = [threading.Thread(target=worker, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for worker_engine in engines:
        worker_engine.dispose()
    assert len(started) == 9
    # 9 requests at 3 per 1.1 s: no 1-second window holds more than 3 (0.1 s for wake-up jitter).
    assert _max_in_any_window(started, 1.0) <= 3
    assert max(started) - min(started) >= 2.1


def test_keyed_and_keyless_traffic_use_separate_keys(engine: Engine) -> None:
    if is_sqlite(engine):
        pytest.skip("database-backed limiters exist on PostgreSQL only")
    keyless = ncbi_limiter(engine, api_key="")
    keyed = ncbi_limiter(engine, api_key="secret")
    assert isinstance(keyless, DatabaseRateLimiter)
    assert isinstance(keyed, DatabaseRateLimiter)
    assert (keyless.max_requests, keyed.max_requests) == (3, 10)
    assert keyless.key != keyed.key
    assert "secret" not in keyed.key
