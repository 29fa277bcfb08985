"""The real limiter, real threads, the fake server policing NCBI's limit like NCBI does."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest

from importers.pubmed import (
    EutilsClient,
    EutilsUnavailable,
    RateLimiter,
    RetryPolicy,
    SlidingWindowLimiter,
    ncbi_rate_limiter,
)
from tests.fakes.eutils_server import FakeEutilsServer, max_in_window
from tests.importers.pubmed.helpers import recorded_esearch_ids

QUERY = "science[journal] AND breast cancer AND 2008[pdat]"
EXPECTED = recorded_esearch_ids(
    "hawc__TestPubMedSearch.test_changes_from_previous_search__01_esearch.xml"
)


def search_from_threads(
    server: FakeEutilsServer,
    limiter: RateLimiter,
    *,
    threads: int,
    searches_each: int,
    api_key: str | None = None,
    retry: RetryPolicy = RetryPolicy(),
) -> list[Future[list[tuple[str, ...]]]]:
    """Run searches from several threads, one client each, all sharing *limiter*."""
    barrier = threading.Barrier(threads)

    def worker(http: httpx.Client) -> list[tuple[str, ...]]:
        client = EutilsClient(
            http,
            email="librarian@example.org",
            api_key=api_key,
            base_url=server.base_url,
            limiter=limiter,
            retry=retry,
        )
        barrier.wait()  # start together: the worst case for the limiter
        return [client.search(QUERY).ids for _ in range(searches_each)]

    with httpx.Client(timeout=10) as http, ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(worker, http) for _ in range(threads)]
        for future in futures:
            future.exception()  # wait for every thread before the client closes
        return futures


@pytest.mark.parametrize(("api_key", "limit", "threads"), [(None, 3, 3), ("secret", 10, 5)])
def test_requests_across_threads_stay_under_ncbis_limit(
    policing_server: FakeEutilsServer, api_key: str | None, limit: int, threads: int
) -> None:
    limiter = ncbi_rate_limiter(has_api_key=api_key is not None)
    started = time.monotonic()

    futures = search_from_threads(
        policing_server, limiter, threads=threads, searches_each=4, api_key=api_key
    )

    elapsed = time.monotonic() - started
    assert all(list(ids) == EXPECTED for future in futures for ids in future.result())
    times = policing_server.times()
    assert len(times) == threads * 4
    assert max_in_window(times) <= limit
    assert policing_server.rate_violations == 0
    # The limiter really waited: n requests need at least (n - 1) // limit full windows.
    assert elapsed >= (len(times) - 1) // limit * 1.0


def test_without_the_limiter_the_server_sees_the_burst(policing_server: FakeEutilsServer) -> None:
    """The control: the same load with no effective limit trips the server's rate check."""
    unlimited = SlidingWindowLimiter(1_000)

    futures = search_from_threads(
        policing_server, unlimited, threads=3, searches_each=3, retry=RetryPolicy(max_attempts=1)
    )

    failures = [future.exception() for future in futures]
    assert max_in_window(policing_server.times()) > 3
    assert policing_server.rate_violations > 0
    assert any(isinstance(failure, EutilsUnavailable) for failure in failures)
