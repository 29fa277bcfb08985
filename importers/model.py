"""The normalised reference every importer produces, and the per-record import report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ReferenceType(StrEnum):
    """Publication types, a small common vocabulary mapped from every format's own."""

    JOURNAL_ARTICLE = "journal_article"
    CONFERENCE_PAPER = "conference_paper"
    CONFERENCE_ABSTRACT = "conference_abstract"
    BOOK = "book"
    BOOK_CHAPTER = "book_chapter"
    REPORT = "report"
    THESIS = "thesis"
    PREPRINT = "preprint"
    TRIAL_REGISTRATION = "trial_registration"
    WEB_PAGE = "web_page"
    OTHER = "other"


@dataclass(frozen=True, slots=True, init=False)
class Reference:
    """One bibliographic record, normalised; ``raw`` keeps the source record verbatim."""

    title: str
    abstract: str
    authors: tuple[str, ...]
    year: int | None
    journal: str
    volume: str
    issue: str
    pages: str
    doi: str | None
    pmid: str | None
    pmcid: str | None
    isbn: str | None
    issn: str | None
    keywords: tuple[str, ...]
    type: ReferenceType
    language: str
    url: str
    raw: str
    # Position inside the uploaded file (1-based record number, first line), for traceability.
    record_number: int
    line: int

    # Written out, not generated: a frozen dataclass's generated __init__ is interpreted even in
    # the compiled build and sets each field through a Python-level call, which made building
    # References a tenth of a 100,000-record RIS parse. This one compiles; it must list the
    # fields in the order above (pickling and dataclasses.replace pass them by position/name).
    def __init__(
        self,
        title: str = "",
        abstract: str = "",
        authors: tuple[str, ...] = (),
        year: int | None = None,
        journal: str = "",
        volume: str = "",
        issue: str = "",
        pages: str = "",
        doi: str | None = None,
        pmid: str | None = None,
        pmcid: str | None = None,
        isbn: str | None = None,
        issn: str | None = None,
        keywords: tuple[str, ...] = (),
        type: ReferenceType = ReferenceType.OTHER,
        language: str = "",
        url: str = "",
        raw: str = "",
        record_number: int = 0,
        line: int = 0,
    ) -> None:
        set_field = object.__setattr__  # the frozen class's own __setattr__ refuses
        set_field(self, "title", title)
        set_field(self, "abstract", abstract)
        set_field(self, "authors", authors)
        set_field(self, "year", year)
        set_field(self, "journal", journal)
        set_field(self, "volume", volume)
        set_field(self, "issue", issue)
        set_field(self, "pages", pages)
        set_field(self, "doi", doi)
        set_field(self, "pmid", pmid)
        set_field(self, "pmcid", pmcid)
        set_field(self, "isbn", isbn)
        set_field(self, "issn", issn)
        set_field(self, "keywords", keywords)
        set_field(self, "type", type)
        set_field(self, "language", language)
        set_field(self, "url", url)
        set_field(self, "raw", raw)
        set_field(self, "record_number", record_number)
        set_field(self, "line", line)

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        # Pickles by constructor arguments, so the mypyc-compiled class pickles too.
        return (self.__class__, tuple(getattr(self, name) for name in self.__dataclass_fields__))


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REPAIRED = "repaired"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True, init=False)
class RecordNote:
    """What happened to one record of a file: ``record`` and ``line`` are 1-based."""

    record: int
    line: int
    outcome: Outcome
    message: str

    # Written out so that it compiles, as Reference.__init__ (one note per record).
    def __init__(self, record: int, line: int, outcome: Outcome, message: str = "") -> None:
        set_field = object.__setattr__
        set_field(self, "record", record)
        set_field(self, "line", line)
        set_field(self, "outcome", outcome)
        set_field(self, "message", message)

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        # Pickles by constructor arguments, so the mypyc-compiled class pickles too.
        return (self.__class__, tuple(getattr(self, name) for name in self.__dataclass_fields__))


@dataclass(frozen=True, slots=True)
class ParseResult:
    """A parsed file: the references accepted (repaired ones included) and a note per record."""

    format: str
    references: tuple[Reference, ...] = ()
    notes: tuple[RecordNote, ...] = field(default=())
    encoding: str = "utf-8"

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        # Pickles by constructor arguments, so the mypyc-compiled class pickles too.
        return (self.__class__, tuple(getattr(self, name) for name in self.__dataclass_fields__))

    @property
    def rejected(self) -> tuple[RecordNote, ...]:
        return tuple(n for n in self.notes if n.outcome is Outcome.REJECTED)

    @property
    def warnings(self) -> tuple[RecordNote, ...]:
        return tuple(n for n in self.notes if n.outcome is not Outcome.ACCEPTED)
