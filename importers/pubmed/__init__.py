"""PubMed through NCBI E-utilities: esearch (history, date slicing), efetch, rate limit, retry."""

from importers.pubmed.client import EutilsClient, search_and_fetch
from importers.pubmed.dates import DateRange, parse_pubmed_date
from importers.pubmed.errors import (
    EutilsError,
    EutilsRejected,
    EutilsServiceError,
    EutilsUnavailable,
    QueryTermsNotFound,
    SliceTooLarge,
)
from importers.pubmed.fetch import DEFAULT_BATCH_SIZE, FetchedBatch, Progress
from importers.pubmed.ratelimit import (
    RateLimiter,
    SlidingWindowLimiter,
    ncbi_rate_limiter,
    next_slot,
    process_rate_limiter,
)
from importers.pubmed.search import ESEARCH_CEILING, SearchResult
from importers.pubmed.transport import DEFAULT_BASE_URL, RetryPolicy, TransportStats

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_BATCH_SIZE",
    "ESEARCH_CEILING",
    "DateRange",
    "EutilsClient",
    "EutilsError",
    "EutilsRejected",
    "EutilsServiceError",
    "EutilsUnavailable",
    "FetchedBatch",
    "Progress",
    "QueryTermsNotFound",
    "RateLimiter",
    "RetryPolicy",
    "SearchResult",
    "SliceTooLarge",
    "SlidingWindowLimiter",
    "TransportStats",
    "ncbi_rate_limiter",
    "next_slot",
    "parse_pubmed_date",
    "process_rate_limiter",
    "search_and_fetch",
]
