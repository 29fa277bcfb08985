"""A local fake NCBI E-utilities server (real sockets) for the PubMed client's tests.

It replays recordings from ``tests/fixtures/eutils``, serves synthetic result sets of any
size with PubMed's 9,999-id esearch ceiling, injects faults on demand, answers 429 like NCBI
when the rate limit is exceeded, and records every request's arrival time.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.eutils_data import (
    EFETCH_PROLOG,
    FIXTURES,
    RECORDED_SEARCHES,
    ArticleTemplate,
    FakeRecord,
    error_body,
    esearch_body,
    recorded_articles,
    synthetic_records,
)

CEILING = 9999
ENTITY_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE eSearchResult [\n<!ENTITY a "aaaaaaaaaa">\n'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n'
    b"]>\n<eSearchResult><Count>&c;</Count></eSearchResult>"
)
RETSTART_ERROR = (
    "Search Backend failed: Exception:\n'retstart' cannot be larger than 9998. For PubMed, "
    "ESearch can only retrieve the first 9,999 records matching the query."
)


class Fault(StrEnum):
    """What the next request to an endpoint gets instead of a normal answer."""

    TOO_MANY_REQUESTS = "429"
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    UNAVAILABLE = "503"
    TIMEOUT = "timeout"  # answers only after ``timeout_delay`` seconds
    TRUNCATED = "truncated"  # 200 whose XML stops half way (consistent Content-Length)
    DISCONNECT = "disconnect"  # promises the whole body, sends half, closes the socket
    ERROR_IN_200 = "error200"  # an <ERROR> element inside an HTTP 200
    BAD_REQUEST = "400"  # a refusal no retry can fix
    ENTITY_BOMB = "entities"  # a 200 whose XML declares nested entities (billion laughs)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    at: float
    endpoint: str
    method: str
    params: dict[str, str]


@dataclass(slots=True)
class _Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The largest number of *times* inside any half-open interval of *window* seconds."""
    ordered = sorted(times)
    best, left = 0, 0
    for right, at in enumerate(ordered):
        while at - ordered[left] >= window:
            left += 1
        best = max(best, right - left + 1)
    return best


class FakeEutilsServer:
    """Use as ``with FakeEutilsServer() as server:`` and point clients at ``server.base_url``."""

    def __init__(
        self,
        *,
        enforce_rate: bool = True,
        timeout_delay: float = 1.5,
        ignore_dates: bool = False,
        ceiling: int = CEILING,
    ) -> None:
        self.enforce_rate = enforce_rate
        self.ceiling = ceiling  # PubMed's is 9,999; smaller ones keep tests light
        self.ignore_dates = ignore_dates  # a broken proxy that drops mindate/maxdate
        self.served_ids: list[str] = []  # every id listed by any esearch answer
        self.timeout_delay = timeout_delay
        self.retry_after = "0"
        self.error_message = "Search Backend failed: Database is not supported: pubmed"
        self.requests: list[RecordedRequest] = []
        self.rate_violations = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._faults: dict[str, deque[Fault | None]] = {}
        self._synthetic: dict[str, list[FakeRecord]] = {}
        self._synthetic_by_pmid: dict[str, FakeRecord] = {}
        self._recorded = recorded_articles()
        self._template = ArticleTemplate()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/entrez/eutils/"

    def start(self) -> FakeEutilsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> FakeEutilsServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- configuration -------------------------------------------------------------------

    def add_synthetic(self, term: str, records: list[FakeRecord] | int) -> list[FakeRecord]:
        """Serve *records* (or that many generated ones) for the query *term*."""
        if isinstance(records, int):
            records = synthetic_records(records)
        ordered = sorted(records, key=lambda r: int(r.pmid), reverse=True)  # newest first
        with self._lock:
            self._synthetic[term] = ordered
            self._synthetic_by_pmid.update((r.pmid, r) for r in ordered)
        return ordered

    def inject(self, endpoint: str, *faults: Fault | None) -> None:
        """Queue faults for the next requests to *endpoint* (``None`` = answer normally)."""
        with self._lock:
            self._faults.setdefault(endpoint, deque()).extend(faults)

    def times(self, endpoint: str | None = None) -> list[float]:
        """Arrival times of the requests (to one endpoint, or all)."""
        with self._lock:
            return [r.at for r in self.requests if endpoint in (None, r.endpoint)]

    # --- request handling ----------------------------------------------------------------

    def answer(self, endpoint: str, method: str, params: dict[str, str]) -> _Answer | Fault:
        now = time.monotonic()
        with self._lock:
            self.requests.append(RecordedRequest(now, endpoint, method, params))
            if self.enforce_rate and self._over_rate(now, has_key="api_key" in params):
                self.rate_violations += 1
                return _rate_limited()
            queue = self._faults.get(endpoint)
            fault = queue.popleft() if queue else None
        if fault is not None:
            return fault
        if endpoint == "esearch.fcgi":
            return self._esearch(params)
        if endpoint == "efetch.fcgi":
            return self._efetch(params)
        return _Answer(404, b"unknown endpoint")

    def _over_rate(self, now: float, *, has_key: bool) -> bool:
        limit = 10 if has_key else 3
        recent = [r for r in self.requests[-(limit + 1) :] if now - r.at < 1.0]
        return len(recent) > limit

    def _esearch(self, params: dict[str, str]) -> _Answer:
        term = params.get("term", "")
        if not term:
            return _Answer(200, error_body("eSearchResult", "Empty term and query_key"))
        if term in RECORDED_SEARCHES:
            return _Answer(200, (FIXTURES / RECORDED_SEARCHES[term]).read_bytes())
        records = self._synthetic.get(term, [])
        if "mindate" in params and "maxdate" in params and not self.ignore_dates:
            start, end = _day(params["mindate"]), _day(params["maxdate"])
            records = [r for r in records if r.published_within(start, end)]
        retstart, retmax = int(params.get("retstart", 0)), int(params.get("retmax", 20))
        if retstart > self.ceiling - 1:
            return _Answer(200, error_body("eSearchResult", RETSTART_ERROR))
        page = records[retstart : min(retstart + retmax, self.ceiling)]
        with self._lock:
            self.served_ids.extend(r.pmid for r in page)
        webenv = "MCID_fake" if params.get("usehistory") == "y" else None
        body = esearch_body(term, len(records), [r.pmid for r in page], retstart, webenv=webenv)
        return _Answer(200, body)

    def _efetch(self, params: dict[str, str]) -> _Answer:
        ids = [pmid for pmid in params.get("id", "").split(",") if pmid.strip()]
        if not ids:
            return _Answer(200, error_body("eFetchResult", "Empty id list - nothing todo"))
        parts = [EFETCH_PROLOG, b"<PubmedArticleSet>\n"]
        for pmid in ids:
            if pmid in self._recorded:
                parts.append(self._recorded[pmid] + b"\n")
            elif pmid in self._synthetic_by_pmid:
                parts.append(self._template.render(self._synthetic_by_pmid[pmid]) + b"\n")
        parts.append(b"</PubmedArticleSet>")
        return _Answer(200, b"".join(parts))

    def fault_answer(self, fault: Fault, endpoint: str, params: dict[str, str]) -> _Answer:
        """The answer a fault turns into (TIMEOUT first waits; DISCONNECT is the handler's)."""
        if fault is Fault.TOO_MANY_REQUESTS:
            return _rate_limited(self.retry_after)
        if fault in (Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.UNAVAILABLE):
            return _Answer(int(fault.value), b"<html><body>Service unavailable</body></html>")
        if fault is Fault.BAD_REQUEST:
            return _Answer(400, b"<html><body>Bad Request</body></html>")
        if fault is Fault.ENTITY_BOMB:
            return _Answer(200, ENTITY_BOMB)
        if fault is Fault.ERROR_IN_200:
            root = "eSearchResult" if endpoint == "esearch.fcgi" else "eFetchResult"
            return _Answer(200, error_body(root, self.error_message))
        if fault is Fault.TIMEOUT:
            self._stopping.wait(self.timeout_delay)
        normal = self.answer_without_faults(endpoint, params)
        if fault is Fault.TRUNCATED:
            normal.body = normal.body[: len(normal.body) // 2]
        return normal

    def answer_without_faults(self, endpoint: str, params: dict[str, str]) -> _Answer:
        return self._esearch(params) if endpoint == "esearch.fcgi" else self._efetch(params)


def _rate_limited(retry_after: str | None = None) -> _Answer:
    body = b'{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"4","limit":"3"}'
    headers = {"Content-Type": "application/json"}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return _Answer(429, body, headers)


def _day(text: str) -> date:
    return datetime.strptime(text, "%Y/%m/%d").date()


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeEutils/1.0"

    def do_GET(self) -> None:
        self._serve(dict(parse_qsl(urlsplit(self.path).query)))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = self.rfile.read(length).decode()
        self._serve({**dict(parse_qsl(urlsplit(self.path).query)), **dict(parse_qsl(form))})

    def _serve(self, params: dict[str, str]) -> None:
        fake: FakeEutilsServer = self.server.fake  # type: ignore[attr-defined]
        endpoint = urlsplit(self.path).path.rsplit("/", 1)[-1]
        answer = fake.answer(endpoint, self.command, params)
        disconnect = answer is Fault.DISCONNECT
        if isinstance(answer, Fault):
            answer = fake.fault_answer(answer, endpoint, params)
        # OSError: the client gave up (timeout fault); nothing left to tell it.
        with contextlib.suppress(OSError):
            self._write(answer, disconnect=disconnect)

    def _write(self, answer: _Answer, *, disconnect: bool) -> None:
        self.send_response(answer.status)
        for name, value in {"Content-Type": "text/xml; charset=UTF-8", **answer.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body[: len(answer.body) // 2] if disconnect else answer.body)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""
