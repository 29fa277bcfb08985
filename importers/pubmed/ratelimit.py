"""Request rate limiting for NCBI: at most N requests in any sliding window, shared by threads.

``RateLimiter`` is the interface the client depends on; the in-process
``SlidingWindowLimiter`` serves one worker. Several API workers need a limiter backed by
shared storage (e.g. a PostgreSQL advisory lock around a timestamp table) with the same
``acquire()`` method.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

# NCBI's published limits (requests per second).
NCBI_RATE_WITHOUT_KEY = 3
NCBI_RATE_WITH_KEY = 10
# NCBI counts on arrival; network jitter can pull two sends closer together, so the window is
# kept a little longer than one second.
SAFETY_MARGIN_SECONDS = 0.1


def next_slot(recent: Sequence[float], now: float, *, max_requests: int, period: float) -> float:
    """The earliest start >= *now* that keeps at most *max_requests* starts per *period*.

    *recent* holds the latest reserved starts, oldest first. This is the whole rule, kept
    apart from storage so a limiter shared by several processes (slots in a table, read and
    written under an advisory lock, times from the database clock) can reuse it.
    """
    if len(recent) < max_requests:
        return now
    return max(now, recent[-max_requests] + period)


class RateLimiter(Protocol):
    """Blocks the caller until one more request may be sent."""

    def acquire(self) -> None:
        """Wait (if needed) and reserve a slot for one request."""


class SlidingWindowLimiter:
    """At most ``max_requests`` start in any window of ``period`` seconds; thread-safe.

    Slots are reserved under a lock and waited for outside it, so threads queue in order
    without holding the lock while they sleep.
    """

    def __init__(
        self,
        max_requests: int,
        period: float = 1.0 + SAFETY_MARGIN_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_requests < 1 or period <= 0:
            raise ValueError("max_requests must be >= 1 and period > 0")
        self.max_requests = max_requests
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: deque[float] = deque(maxlen=max_requests)

    def acquire(self) -> None:
        """Reserve the earliest slot that keeps the window rule, then sleep until it."""
        with self._lock:
            now = self._clock()
            slot = next_slot(self._slots, now, max_requests=self.max_requests, period=self.period)
            self._slots.append(slot)
        if slot > now:
            self._sleep(slot - now)


_process_limiters: dict[bool, SlidingWindowLimiter] = {}
_process_lock = threading.Lock()


def process_rate_limiter(*, has_api_key: bool) -> SlidingWindowLimiter:
    """The limiter every client of this process shares unless it is given its own.

    Two clients with private limiters would together send twice NCBI's rate; sharing one
    per process (and per key mode: NCBI counts keyless traffic per IP, keyed per key) avoids it.
    """
    with _process_lock:
        if has_api_key not in _process_limiters:
            _process_limiters[has_api_key] = ncbi_rate_limiter(has_api_key=has_api_key)
        return _process_limiters[has_api_key]


def ncbi_rate_limiter(
    *,
    has_api_key: bool,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> SlidingWindowLimiter:
    """The in-process limiter for NCBI's limit: 10 requests/s with an API key, else 3."""
    rate = NCBI_RATE_WITH_KEY if has_api_key else NCBI_RATE_WITHOUT_KEY
    return SlidingWindowLimiter(rate, clock=clock, sleep=sleep)
