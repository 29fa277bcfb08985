"""Web of Science field-tagged export ("FN ... / VR 1.0", two-letter tags, ER per record)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from importers.assemble import reference_type
from importers.model import ParseResult, Reference, ReferenceType
from importers.normalize import (
    extract_year,
    format_pages,
    normalize_author,
    normalize_isbn,
    normalize_issn,
    split_keywords,
)
from importers.tagged import TaggedRecord, collect_records, find_doi, find_pmid

FORMAT = "wos"
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_LIST_TAGS = frozenset({"AU", "AF", "CA", "GP", "BE", "CR", "C1"})
_FILE_TAGS = frozenset({"FN", "VR", "EF"})
_DOC_TYPES = {"J": "JOUR", "B": "BOOK", "S": "CHAP", "P": "PAT", "C": "CONF"}


def parse_wos(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse a Web of Science tagged file into references and one note per record."""
    return collect_records(FORMAT, iter_wos_records(text), _to_reference, encoding)


def iter_wos_records(text: str) -> Iterator[TaggedRecord]:
    """Yield records; continuation lines start with three spaces."""
    record: TaggedRecord | None = None
    last_tag = ""
    for index, line in enumerate(text.split("\n")):
        if line.startswith("   ") and record is not None and last_tag:
            record.raw_lines.append(line)
            record.extend_last(last_tag, line.strip(), as_new_value=last_tag in _LIST_TAGS)
            continue
        match = _TAG_LINE.match(line)
        if match is None or match.group(1) in _FILE_TAGS:
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "ER":
            if record is not None:
                record.raw_lines.append(line)
                yield record
            record, last_tag = None, ""
            continue
        if record is None or tag == "PT":
            if record is not None:
                record.repairs.append("missing ER line added")
                yield record
            record = TaggedRecord(line=index + 1)
        record.raw_lines.append(line)
        record.add(tag, value)
        last_tag = tag
    if record is not None:
        record.repairs.append("missing ER line added")
        yield record


def _to_reference(record: TaggedRecord, number: int) -> Reference:
    kind = reference_type(_DOC_TYPES.get(record.first("PT"), record.first("DT")))
    if kind is ReferenceType.OTHER:
        kind = reference_type(record.first("DT"))
    authors = record.all("AF") or record.all("AU")
    return Reference(
        title=record.first("TI"),
        abstract=record.first("AB"),
        authors=tuple(normalize_author(a) for a in [*authors, *record.all("CA")]),
        year=extract_year(*record.all("PY", "PD", "EA")),
        journal=record.first("SO", "SE", "JI"),
        volume=record.first("VL"),
        issue=record.first("IS"),
        pages=format_pages(record.first("BP"), record.first("EP")) or record.first("AR", "PS"),
        doi=find_doi(record, ("DI", "D2"), ()),
        pmid=find_pmid(record, "PM"),
        isbn=normalize_isbn(record.first("BN")),
        issn=normalize_issn(record.first("SN", "EI")),
        keywords=split_keywords([*record.all("DE"), *record.all("ID")]),
        type=kind,
        language=record.first("LA"),
        raw=record.raw,
        record_number=number,
        line=record.line,
    )
