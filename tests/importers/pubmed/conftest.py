"""Fixtures: a fake E-utilities server per test, and clients pointed at it.

Most tests use a virtual clock (the limiter and the backoff never really sleep) and a server
that does not police the rate; the rate tests use the real limiter against a policing server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from importers.pubmed import EutilsClient, RetryPolicy, SlidingWindowLimiter
from tests.fakes.eutils_server import FakeEutilsServer


class VirtualClock:
    """A monotonic clock that only moves when someone sleeps on it.

    Backoff sleeps (``sleep``) and rate-limit waits (``wait``) are recorded apart.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


ClientFactory = Callable[..., EutilsClient]
SMALL_CEILING = 100


@pytest.fixture
def eutils_server() -> Iterator[FakeEutilsServer]:
    with FakeEutilsServer(enforce_rate=False) as server:
        yield server


@pytest.fixture
def small_ceiling_server() -> Iterator[FakeEutilsServer]:
    """PubMed's behaviour with a ceiling of 100 ids, so slicing tests fetch little XML."""
    with FakeEutilsServer(enforce_rate=False, ceiling=SMALL_CEILING) as server:
        yield server


@pytest.fixture
def policing_server() -> Iterator[FakeEutilsServer]:
    """Answers 429 like NCBI once a client exceeds 3 (or, with a key, 10) requests per second."""
    with FakeEutilsServer(enforce_rate=True) as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    # Short enough for the TIMEOUT fault (the server waits 1.5 s) to trip it quickly, long
    # enough for a normal answer on a busy machine.
    with httpx.Client(timeout=httpx.Timeout(1.0)) as client:
        yield client


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def make_client(
    eutils_server: FakeEutilsServer, http: httpx.Client, clock: VirtualClock
) -> ClientFactory:
    """A client on the virtual clock; keyword arguments override the defaults."""

    def build(**overrides: Any) -> EutilsClient:
        options: dict[str, Any] = {
            "email": "librarian@example.org",
            "tool": "winnow-tests",
            "base_url": eutils_server.base_url,
            "limiter": SlidingWindowLimiter(3, clock=clock, sleep=clock.wait),
            "retry": RetryPolicy(),
            "sleep": clock.sleep,
            **overrides,
        }
        return EutilsClient(http, **options)

    return build
