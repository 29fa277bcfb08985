"""BibTeX via bibtexparser 2 (it reports failed blocks with their lines); LaTeX lightly decoded."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

import bibtexparser
from bibtexparser.model import Block, DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

from importers.assemble import ResultCollector, reference_type
from importers.model import ParseResult, Reference, ReferenceType
from importers.normalize import (
    clean_text,
    extract_year,
    format_pages,
    normalize_author,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmcid,
    normalize_pmid,
    split_keywords,
)

FORMAT = "bibtex"
# bibtexparser's splitter logs each block it cannot read (a warning, then a note); this parser
# reports those as rejected records instead, so a parse drops them (see `_failed_blocks_unlogged`).
_SPLITTER_LOG = "bibtexparser.splitter"

_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "c": "\u0327",
    "v": "\u030c",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
}
_ACCENT = re.compile(r"\\([`'^\"~=.]|[cvu](?=[\s{]))\s*\{?\s*([A-Za-z])\}?")
_ESCAPED = re.compile(r"\\([&%$#_{}])")
_COMMAND = re.compile(r"\\[A-Za-z]+\s*")
_BOOKISH = (ReferenceType.BOOK, ReferenceType.BOOK_CHAPTER)


def parse_bibtex(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse BibTeX entries into references; failed blocks become rejected records."""
    with _failed_blocks_unlogged():
        library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    blocks = [b for b in library.blocks if isinstance(b, Entry | ParsingFailedBlock)]
    collector = ResultCollector(FORMAT)
    for number, block in enumerate(blocks, start=1):
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            entry = block.ignore_error_block
            collector.add(_to_reference(entry, number, line), [f"duplicate key {entry.key!r} kept"])
        elif isinstance(block, Entry):
            collector.add(_to_reference(block, number, line))
        else:
            collector.reject(number, line, _failure_reason(block))
    return collector.result(encoding)


class _ThisThreadsNotices(logging.Filter):
    """Drops the warnings and notes one thread logs; errors (a bug in bibtexparser) still pass."""

    def __init__(self) -> None:
        super().__init__()
        self._thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self._thread or record.levelno > logging.WARNING


@contextmanager
def _failed_blocks_unlogged() -> Iterator[None]:
    """For one parse, leave out of the host's log the failed-block messages that parse reports as
    rejected records. Levels, handlers and propagation stay as the host set them, and what other
    threads log (another parse, say) is not touched."""
    logger = logging.getLogger(_SPLITTER_LOG)
    notices = _ThisThreadsNotices()
    logger.addFilter(notices)
    try:
        yield
    finally:
        logger.removeFilter(notices)


def _failure_reason(block: Block) -> str:
    error = getattr(block, "error", None)
    detail = str(error).strip().splitlines()[-1] if error is not None and str(error) else ""
    return f"BibTeX entry could not be read{': ' + detail if detail else ''}"


def delatex(value: str) -> str:
    """Turn common LaTeX accents and escapes into text and drop braces and commands."""
    text = _ACCENT.sub(
        lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), value
    )
    text = _ESCAPED.sub(r"\1", text.replace("--", "-").replace("\\\\", " "))
    text = _COMMAND.sub("", text).replace("{", "").replace("}", "").replace("~", " ")
    return clean_text(text)


def _to_reference(entry: Entry, number: int, line: int) -> Reference:
    fields = {key.lower(): delatex(str(field.value)) for key, field in entry.fields_dict.items()}
    kind = reference_type(entry.entry_type)
    if kind is ReferenceType.OTHER and entry.entry_type.lower() == "misc" and "journal" in fields:
        kind = ReferenceType.JOURNAL_ARTICLE
    serial = fields.get("isbn", "")
    return Reference(
        title=fields.get("title", "") or fields.get("booktitle", ""),
        abstract=fields.get("abstract", ""),
        authors=_names(fields.get("author", "")),
        year=extract_year(fields.get("year"), fields.get("date")),
        journal=fields.get("journal", "")
        or fields.get("journaltitle", "")
        or fields.get("booktitle", ""),
        volume=fields.get("volume", ""),
        issue=fields.get("number", "") or fields.get("issue", ""),
        pages=format_pages(fields.get("pages")),
        doi=normalize_doi(fields.get("doi")) or _doi_from_url(fields.get("url", "")),
        pmid=normalize_pmid(fields.get("pmid")),
        pmcid=normalize_pmcid(fields.get("pmcid")),
        isbn=normalize_isbn(serial) if serial or kind in _BOOKISH else None,
        issn=normalize_issn(fields.get("issn")),
        keywords=split_keywords(
            [fields.get("keywords", ""), fields.get("keyword", "")], separators=";,"
        ),
        type=kind,
        language=fields.get("language", ""),
        url=fields.get("url", ""),
        raw=entry.raw or "",
        record_number=number,
        line=line,
    )


def _names(value: str) -> tuple[str, ...]:
    return tuple(normalize_author(name) for name in re.split(r"\s+and\s+", value) if name.strip())


def _doi_from_url(url: str) -> str | None:
    return normalize_doi(url) if "doi" in url.lower() else None
