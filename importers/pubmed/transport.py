"""One E-utilities call: common parameters, rate limit, retries with backoff, body validation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from importers.pubmed.errors import EutilsError, EutilsRejected, EutilsUnavailable
from importers.pubmed.ratelimit import RateLimiter, process_rate_limiter
from importers.pubmed.xmlcheck import MalformedBody, check_body

DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff: delay = initial * multiplier**(attempt-1), capped; Retry-After wins."""

    max_attempts: int = 6
    initial_delay: float = 1.0
    multiplier: float = 2.0
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number *attempt* (1-based)."""
        backoff = min(self.max_delay, self.initial_delay * self.multiplier ** (attempt - 1))
        return max(backoff, retry_after or 0.0)


@dataclass(frozen=True, slots=True)
class Credentials:
    """What NCBI asks every client to identify itself with."""

    tool: str
    email: str
    api_key: str | None = None

    def params(self) -> dict[str, str]:
        """The identification parameters sent on every request."""
        sent = {"tool": self.tool, "email": self.email}
        if self.api_key:
            sent["api_key"] = self.api_key
        return sent


class _RetryableProblem(Exception):
    """A failure worth another attempt; ``retry_after`` comes from the server when it says."""

    def __init__(self, description: str, retry_after: float | None = None) -> None:
        super().__init__(description)
        self.retry_after = retry_after


@dataclass(slots=True)
class TransportStats:
    """Counters for reports and benchmarks (attempts include retries)."""

    requests: int = 0
    retries: int = 0


class EutilsTransport:
    """Sends E-utilities requests through a caller-owned ``httpx.Client``."""

    def __init__(
        self,
        http: httpx.Client,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._credentials = credentials
        self._base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._limiter = limiter or process_rate_limiter(has_api_key=bool(credentials.api_key))
        self._retry = retry
        self._sleep = sleep
        self._stats_lock = threading.Lock()
        self.stats = TransportStats()

    def call(
        self, endpoint: str, params: Mapping[str, str], *, expected_root: str, post: bool = False
    ) -> bytes:
        """Return the checked body, retrying transient failures."""
        problem = ""
        for attempt in range(1, self._retry.max_attempts + 1):
            try:
                return self._attempt(endpoint, params, expected_root=expected_root, post=post)
            except _RetryableProblem as exc:
                problem = str(exc)
                if attempt == self._retry.max_attempts:
                    break
                self._count(retry=True)
                self._sleep(self._retry.delay(attempt, exc.retry_after))
        raise EutilsUnavailable(endpoint, self._retry.max_attempts, problem)

    def _attempt(
        self, endpoint: str, params: Mapping[str, str], *, expected_root: str, post: bool
    ) -> bytes:
        self._limiter.acquire()
        self._count(retry=False)
        response = self._send(endpoint, {**params, **self._credentials.params()}, post=post)
        _raise_for_status(endpoint, response)
        try:
            check_body(endpoint, response.content, expected_root)
        except MalformedBody as exc:
            raise _RetryableProblem(str(exc)) from exc
        return response.content

    def _send(self, endpoint: str, params: dict[str, str], *, post: bool) -> httpx.Response:
        url = self._base_url + endpoint
        try:
            if post:
                return self._http.post(url, data=params)
            return self._http.get(url, params=params)
        except httpx.UnsupportedProtocol as exc:
            raise EutilsError(f"not an http(s) E-utilities URL: {url}") from exc
        except httpx.TimeoutException as exc:
            raise _RetryableProblem(f"timeout ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _RetryableProblem(f"connection error ({type(exc).__name__}: {exc})") from exc

    def _count(self, *, retry: bool) -> None:
        with self._stats_lock:
            if retry:
                self.stats.retries += 1
            else:
                self.stats.requests += 1


def _raise_for_status(endpoint: str, response: httpx.Response) -> None:
    status = response.status_code
    if status in _RETRYABLE_STATUS:
        retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
        raise _RetryableProblem(f"HTTP {status}", retry_after)
    if status != 200:
        raise EutilsRejected(endpoint, status, response.text[:200])


def _retry_after_seconds(header: str | None) -> float | None:
    # NCBI sends delta-seconds; an HTTP date would need the clock, so it falls back to backoff.
    if header is None:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        return None
