"""esearch with the history server, and date slicing past PubMed's 9,999-id ceiling."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

from importers.pubmed.dates import EARLIEST, LATEST, DateRange
from importers.pubmed.errors import EutilsServiceError, QueryTermsNotFound, SliceTooLarge
from importers.pubmed.transport import EutilsTransport

# esearch lists at most the first 9,999 ids of a result set (retstart stops at 9,998).
ESEARCH_CEILING = 9999
# Review search strategies run to kilobytes; past this a GET URL risks HTTP 414, so POST.
LONG_QUERY = 1_000
# ErrorList children that mean PubMed dropped or could not read part of the query.
_QUERY_PROBLEM_TAGS = ("PhraseNotFound", "FieldNotFound", "PhraseIgnored", "QuotedPhraseNotFound")


@dataclass(frozen=True, slots=True)
class EsearchPage:
    """One esearch answer."""

    count: int
    ids: tuple[str, ...]
    webenv: str | None
    query_key: str | None
    problems: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """All PMIDs of a query, each exactly once, and how they were gathered."""

    query: str
    ids: tuple[str, ...]
    count: int
    esearch_calls: int
    webenv: str | None
    warnings: tuple[str, ...] = ()


def parse_esearch(root: Element) -> EsearchPage:
    """Read Count, IdList, history keys, ErrorList and WarningList from an eSearchResult."""
    problems = tuple(
        f"{child.tag}: {(child.text or '').strip()}"
        for child in root.findall("ErrorList/*")
        if child.tag in _QUERY_PROBLEM_TAGS
    )
    warnings = tuple(
        f"{child.tag}: {(child.text or '').strip()}" for child in root.findall("WarningList/*")
    )
    return EsearchPage(
        count=int(root.findtext("Count") or 0),
        ids=tuple((e.text or "").strip() for e in root.findall("IdList/Id")),
        webenv=root.findtext("WebEnv"),
        query_key=root.findtext("QueryKey"),
        problems=problems,
        warnings=warnings,
    )


class _Searcher:
    """Runs one query's esearch calls, reusing the first call's history session (WebEnv)."""

    def __init__(self, transport: EutilsTransport, query: str, ceiling: int) -> None:
        self.transport = transport
        self.query = query
        self.ceiling = ceiling
        self.calls = 0
        self.webenv: str | None = None

    def esearch(self, dates: DateRange | None) -> EsearchPage:
        params = {
            "db": "pubmed",
            "term": self.query,
            "usehistory": "y",
            "retmax": str(self.ceiling),
        }
        if self.webenv:
            params["WebEnv"] = self.webenv
        if dates is not None:
            params.update(dates.params())
        body = self.transport.call(
            "esearch.fcgi",
            params,
            expected_root="eSearchResult",
            post=len(self.query) > LONG_QUERY,
        )
        self.calls += 1
        page = parse_esearch(SafeET.fromstring(body))
        self.webenv = self.webenv or page.webenv
        return page

    def sliced_ids(self, whole: DateRange, count: int) -> dict[str, None]:
        """Halve until every slice fits under the ceiling; merge ids in first-seen order."""
        merged: dict[str, None] = {}
        pending = [(whole, count)]
        while pending:
            dates, dates_count = pending.pop()
            if dates.is_single_day:
                raise SliceTooLarge(dates.start, dates_count, self.ceiling)
            pages = [(half, self.esearch(half)) for half in dates.halves()]
            _check_date_filter_applied(dates, dates_count, [page.count for _, page in pages])
            for _, page in pages:
                if page.count <= self.ceiling:
                    merged.update(dict.fromkeys(page.ids))
            # Reversed so the earlier half is searched first (a stack pops from the end).
            pending.extend((half, p.count) for half, p in reversed(pages) if p.count > self.ceiling)
        return merged


def _check_date_filter_applied(dates: DateRange, count: int, half_counts: list[int]) -> None:
    # Two disjoint halves each holding every hit means the date range was ignored; halving
    # further would only double the requests, level after level.
    if all(half == count for half in half_counts):
        raise EutilsServiceError(
            "esearch.fcgi",
            (
                f"the publication-date range was ignored: both halves of "
                f"{dates.start}..{dates.end} report all {count} hits",
            ),
        )


def search_ids(
    transport: EutilsTransport,
    query: str,
    *,
    dates: DateRange | None = None,
    allow_partial_query: bool = False,
    ceiling: int = ESEARCH_CEILING,
) -> SearchResult:
    """Every PMID matching *query* (within *dates*), each once, past the esearch ceiling.

    Raises QueryTermsNotFound when PubMed ignored part of the query, unless
    *allow_partial_query* (then the problems become warnings), and SliceTooLarge when one
    day alone exceeds the ceiling.
    """
    searcher = _Searcher(transport, query, ceiling)
    first = searcher.esearch(dates)
    if first.problems and not allow_partial_query:
        raise QueryTermsNotFound(query, first.problems)
    if first.count <= ceiling:
        ids = dict.fromkeys(first.ids)
    else:
        ids = searcher.sliced_ids(dates or DateRange(EARLIEST, LATEST), first.count)
    warnings = first.problems + first.warnings + _coverage_warnings(first.count, len(ids))
    return SearchResult(query, tuple(ids), first.count, searcher.calls, searcher.webenv, warnings)


def _coverage_warnings(count: int, listed: int) -> tuple[str, ...]:
    if listed == count:
        return ()
    # Live PubMed grows during a long search, and records without a usable publication date
    # fall outside every slice: say so rather than hide it.
    return (f"esearch counted {count} records but {listed} distinct ids were listed",)
