"""Domain errors of the E-utilities client; every one says what failed and what to do about it.

``EutilsError`` derives from ``ImporterError``, so one API handler catches every importer error.
"""

from __future__ import annotations

from datetime import date

from importers.errors import ImporterError


class EutilsError(ImporterError):
    """Base of every error raised by :mod:`importers.pubmed`."""


class EutilsUnavailable(EutilsError):
    """NCBI kept failing (429, 5xx, timeouts, broken bodies) until the retry budget ran out."""

    def __init__(self, endpoint: str, attempts: int, last_problem: str) -> None:
        self.endpoint = endpoint
        self.attempts = attempts
        self.last_problem = last_problem
        super().__init__(
            f"E-utilities {endpoint} failed {attempts} times in a row; last problem: "
            f"{last_problem}. NCBI may be down or throttling; try again later."
        )


class EutilsRejected(EutilsError):
    """NCBI refused the request itself (a 4xx other than 429); retrying cannot help."""

    def __init__(self, endpoint: str, status: int, body_excerpt: str) -> None:
        self.endpoint = endpoint
        self.status = status
        super().__init__(f"E-utilities {endpoint} answered HTTP {status}: {body_excerpt}")


class EutilsServiceError(EutilsError):
    """An ``<ERROR>`` element in an HTTP 200 body (bad query, expired history, retstart)."""

    def __init__(self, endpoint: str, messages: tuple[str, ...]) -> None:
        self.endpoint = endpoint
        self.messages = messages
        super().__init__(f"E-utilities {endpoint} reported an error: {'; '.join(messages)}")


class QueryTermsNotFound(EutilsError):
    """esearch's ``ErrorList``: PubMed ignored part of the query, so hits are not what was asked."""

    def __init__(self, query: str, problems: tuple[str, ...]) -> None:
        self.query = query
        self.problems = problems
        super().__init__(
            f"PubMed could not use part of the query {query!r}: {'; '.join(problems)}. "
            "Check the spelling and field tags, or accept partial queries explicitly."
        )


class SliceTooLarge(EutilsError):
    """One publication day alone holds more records than esearch can list (the 9,999 ceiling)."""

    def __init__(self, day: date, count: int, ceiling: int) -> None:
        self.day = day
        self.count = count
        self.ceiling = ceiling
        super().__init__(
            f"{count} records were published on {day.isoformat()}, more than the {ceiling} ids "
            "PubMed's esearch can return for one date; narrow the query (e.g. by MeSH term)."
        )
