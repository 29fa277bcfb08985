"""Ovid citation export: ``<n>`` record markers, a field label per line, values indented below."""

from __future__ import annotations

import re
from collections.abc import Iterator

from importers.assemble import reference_type
from importers.model import ParseResult, Reference, ReferenceType
from importers.normalize import (
    clean_text,
    extract_year,
    format_pages,
    normalize_author,
    normalize_isbn,
    normalize_issn,
    split_keywords,
)
from importers.tagged import TaggedRecord, collect_records, find_doi, find_pmid

FORMAT = "ovid"
_MARKER = re.compile(r"^<\d+>\s*$")
# "Journal Title.   28(2):103-106, April 2015." -> journal, volume, issue, pages.
_SOURCE = re.compile(
    r"^(?P<journal>.+?)\.\s+(?P<volume>[\w-]+)?(?:\((?P<issue>[^)]*)\))?:(?P<pages>[\w-]+)"
)
_TITLE_SUFFIX = re.compile(r"\.?\s*\[[A-Za-z ]+\]\s*$")


def parse_ovid(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse an Ovid citation export into references and one note per record."""
    return collect_records(FORMAT, iter_ovid_records(text), _to_reference, encoding)


def iter_ovid_records(text: str) -> Iterator[TaggedRecord]:
    """Yield records keyed by field label ("Author", "Title", "Source", ...)."""
    record: TaggedRecord | None = None
    label = ""
    for index, line in enumerate(text.split("\n")):
        if _MARKER.match(line):
            if record is not None:
                yield record
            record, label = TaggedRecord(line=index + 1), ""
            record.raw_lines.append(line)
            continue
        if not line.strip():
            continue
        if record is None:
            # Exports without "<n>" markers (a single record) start with a field label.
            record = TaggedRecord(line=index + 1)
        record.raw_lines.append(line)
        if line[:1] in " \t":
            if label:
                record.add(label, line.strip())
        else:
            label = line.strip()
            record.fields.setdefault(label, [])
    if record is not None:
        yield record


def _to_reference(record: TaggedRecord, number: int) -> Reference:
    source = _SOURCE.match(record.first("Source"))
    kind = reference_type(record.first("Publication Type", "Document Type"))
    chapter = record.first("Chapter Title")
    if chapter:
        kind = ReferenceType.BOOK_CHAPTER
    elif kind is ReferenceType.OTHER and source:
        kind = ReferenceType.JOURNAL_ARTICLE
    return Reference(
        title=_TITLE_SUFFIX.sub("", chapter or record.first("Title")),
        abstract=" ".join(record.all("Abstract")),
        authors=_authors(record),
        year=extract_year(*record.all("Year of Publication", "Publication Date", "Source")),
        journal=clean_text(source.group("journal")) if source else record.first("Journal Name"),
        volume=(source.group("volume") or "") if source else record.first("Volume"),
        issue=(source.group("issue") or "") if source else record.first("Issue"),
        pages=format_pages(source.group("pages") if source else record.first("Page")),
        doi=find_doi(record, ("DOI Number", "Digital Object Identifier", "DOI"), ("URL",)),
        pmid=find_pmid(record, "PubMed ID", "PMID"),
        isbn=normalize_isbn(record.first("ISBN")),
        issn=normalize_issn(record.first("ISSN")),
        keywords=split_keywords(record.all("Author Keywords", "Keywords", "Keyword Heading")),
        type=kind,
        language=record.first("Language").rstrip("."),
        url=record.first("URL"),
        raw=record.raw,
        record_number=number,
        line=record.line,
    )


def _authors(record: TaggedRecord) -> tuple[str, ...]:
    names: list[str] = []
    for value in record.all("Author", "Authors", "Editor"):
        # Ovid runs authors together with ";", each trailed by affiliation marks ("1", "*", "+").
        parts = value.split(";") if ";" in value else [value]
        for part in parts:
            name = re.sub(r"(?:\s+[\d*+]+)+$", "", part.strip())
            name = re.sub(r"\s+\[Ed\]$", "", name)
            if name:
                names.append(normalize_author(name))
    return tuple(names)
