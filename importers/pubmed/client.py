"""The E-utilities client the API's PubMed import job uses: search, then fetch in batches."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date

import httpx

from importers.pubmed.dates import as_date, requested_range
from importers.pubmed.fetch import (
    DEFAULT_BATCH_SIZE,
    FetchedBatch,
    Progress,
    ProgressCallback,
    fetch_batches,
)
from importers.pubmed.ratelimit import RateLimiter
from importers.pubmed.search import ESEARCH_CEILING, SearchResult, search_ids
from importers.pubmed.transport import (
    DEFAULT_BASE_URL,
    Credentials,
    EutilsTransport,
    RetryPolicy,
    TransportStats,
)


class EutilsClient:
    """PubMed through NCBI E-utilities over a caller-owned ``httpx.Client``.

    ``tool``, ``email`` and ``api_key`` go on every request. Without a *limiter* the
    process-wide one enforces NCBI's limit (10/s with a key, else 3/s) for all clients of
    the process; several worker processes need a storage-backed ``RateLimiter`` instead.
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        email: str,
        tool: str = "winnow",
        api_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        esearch_ceiling: int = ESEARCH_CEILING,
    ) -> None:
        credentials = Credentials(tool=tool, email=email, api_key=api_key)
        self._transport = EutilsTransport(
            http, credentials, base_url=base_url, limiter=limiter, retry=retry, sleep=sleep
        )
        self._ceiling = esearch_ceiling

    @property
    def stats(self) -> TransportStats:
        """Requests sent (every attempt) and retries so far."""
        return self._transport.stats

    def search(
        self,
        query: str,
        *,
        mindate: date | str | None = None,
        maxdate: date | str | None = None,
        allow_partial_query: bool = False,
    ) -> SearchResult:
        """Every PMID matching *query*, each once; see :func:`search.search_ids`."""
        dates = requested_range(as_date(mindate, end=False), as_date(maxdate, end=True))
        return search_ids(
            self._transport,
            query,
            dates=dates,
            allow_partial_query=allow_partial_query,
            ceiling=self._ceiling,
        )

    def fetch(
        self,
        ids: Sequence[str],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[FetchedBatch]:
        """efetch *ids* by POST in batches, yielding each batch's raw XML and PMIDs."""
        return fetch_batches(self._transport, ids, batch_size=batch_size, on_progress=on_progress)


def search_and_fetch(
    client: EutilsClient,
    query: str,
    *,
    mindate: date | str | None = None,
    maxdate: date | str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
    allow_partial_query: bool = False,
) -> Iterator[bytes]:
    """Search, then yield one PubmedArticleSet XML document per efetch batch.

    *on_progress* first receives ``Progress(0, total)`` once the PMIDs are known, then one
    update per batch. Errors are the domain errors of :mod:`importers.pubmed.errors`.
    """
    result = client.search(
        query, mindate=mindate, maxdate=maxdate, allow_partial_query=allow_partial_query
    )
    if on_progress is not None:
        on_progress(Progress(done=0, total=len(result.ids)))
    for batch in client.fetch(result.ids, batch_size=batch_size, on_progress=on_progress):
        yield batch.xml
