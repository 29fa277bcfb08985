"""Shared last step of every parser: judge a finished record and collect references and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from importers.model import Outcome, ParseResult, RecordNote, Reference, ReferenceType

REJECT_EMPTY = "record has no title, abstract, authors or identifiers"

_RIS_TYPES: dict[str, ReferenceType] = {
    "JOUR": ReferenceType.JOURNAL_ARTICLE,
    "JFULL": ReferenceType.JOURNAL_ARTICLE,
    "MGZN": ReferenceType.JOURNAL_ARTICLE,
    "NEWS": ReferenceType.JOURNAL_ARTICLE,
    "EJOUR": ReferenceType.JOURNAL_ARTICLE,
    "INPR": ReferenceType.JOURNAL_ARTICLE,
    "CONF": ReferenceType.CONFERENCE_PAPER,
    "CPAPER": ReferenceType.CONFERENCE_PAPER,
    "ABST": ReferenceType.CONFERENCE_ABSTRACT,
    "BOOK": ReferenceType.BOOK,
    "EBOOK": ReferenceType.BOOK,
    "EDBOOK": ReferenceType.BOOK,
    "CHAP": ReferenceType.BOOK_CHAPTER,
    "ECHAP": ReferenceType.BOOK_CHAPTER,
    "RPRT": ReferenceType.REPORT,
    "GOVDOC": ReferenceType.REPORT,
    "THES": ReferenceType.THESIS,
    "ELEC": ReferenceType.WEB_PAGE,
    "WEB": ReferenceType.WEB_PAGE,
    "BLOG": ReferenceType.WEB_PAGE,
}

# Words found in other formats' type labels (MEDLINE PT, BibTeX entry types, EndNote names).
_TYPE_WORDS: tuple[tuple[str, ReferenceType], ...] = (
    ("preprint", ReferenceType.PREPRINT),
    ("clinical trial protocol", ReferenceType.TRIAL_REGISTRATION),
    ("chapter", ReferenceType.BOOK_CHAPTER),
    ("incollection", ReferenceType.BOOK_CHAPTER),
    ("inbook", ReferenceType.BOOK_CHAPTER),
    ("book section", ReferenceType.BOOK_CHAPTER),
    ("conference abstract", ReferenceType.CONFERENCE_ABSTRACT),
    ("meeting abstract", ReferenceType.CONFERENCE_ABSTRACT),
    ("conference", ReferenceType.CONFERENCE_PAPER),
    ("proceedings", ReferenceType.CONFERENCE_PAPER),
    ("congress", ReferenceType.CONFERENCE_PAPER),
    ("thesis", ReferenceType.THESIS),
    ("dissertation", ReferenceType.THESIS),
    ("report", ReferenceType.REPORT),
    ("book", ReferenceType.BOOK),
    ("web", ReferenceType.WEB_PAGE),
    ("article", ReferenceType.JOURNAL_ARTICLE),
    ("journal", ReferenceType.JOURNAL_ARTICLE),
    ("review", ReferenceType.JOURNAL_ARTICLE),
    ("letter", ReferenceType.JOURNAL_ARTICLE),
    ("editorial", ReferenceType.JOURNAL_ARTICLE),
)


@lru_cache(maxsize=512)
def reference_type(label: str | None) -> ReferenceType:
    """Map a RIS code ("JOUR") or a free label ("Journal Article", "inproceedings") to our type."""
    if not label:
        return ReferenceType.OTHER
    code = label.strip().upper()
    if code in _RIS_TYPES:
        return _RIS_TYPES[code]
    lowered = label.lower()
    for word, kind in _TYPE_WORDS:
        if word in lowered:
            return kind
    return ReferenceType.OTHER


def has_content(reference: Reference) -> bool:
    """True when a record carries something a reviewer could screen or match on."""
    return bool(
        reference.title
        or reference.abstract
        or reference.authors
        or reference.doi
        or reference.pmid
        or reference.pmcid
        or reference.isbn
    )


@dataclass(slots=True)
class ResultCollector:
    """Accumulates references and one note per record, then freezes them into a ParseResult."""

    format: str
    references: list[Reference] = field(default_factory=list)
    notes: list[RecordNote] = field(default_factory=list)

    def add(self, reference: Reference, repairs: list[str] | tuple[str, ...] = ()) -> None:
        """Accept, accept as repaired, or reject (empty record) one finished reference."""
        number, line = reference.record_number, reference.line
        if not has_content(reference):
            self.notes.append(RecordNote(number, line, Outcome.REJECTED, REJECT_EMPTY))
        elif repairs:
            message = "; ".join(dict.fromkeys(repairs))
            self.notes.append(RecordNote(number, line, Outcome.REPAIRED, message))
            self.references.append(reference)
        else:
            self.notes.append(RecordNote(number, line, Outcome.ACCEPTED))
            self.references.append(reference)

    def reject(self, number: int, line: int, reason: str) -> None:
        """Record a record that could not be read at all."""
        self.notes.append(RecordNote(number, line, Outcome.REJECTED, reason))

    def result(self, encoding: str = "utf-8") -> ParseResult:
        return ParseResult(self.format, tuple(self.references), tuple(self.notes), encoding)
