"""PubMed/MEDLINE tagged text (.nbib, "PMID- " records) and MEDLINE-style exports (ERIC)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from importers.assemble import reference_type
from importers.model import ParseResult, Reference, ReferenceType
from importers.normalize import (
    extract_year,
    format_pages,
    normalize_author,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmcid,
    split_keywords,
)
from importers.tagged import TaggedRecord, collect_records, find_pmid

FORMAT = "medline"
# Tags are up to four letters padded to four columns ("PMID- ", "TI  - "); sloppy exports drop
# the padding or the space after the hyphen ("PMC -1", "TI  -Title", "SO- x").
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}-(?: ?(.*))?$")


def parse_medline(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse MEDLINE text into references and one note per record."""
    return collect_records(FORMAT, iter_medline_records(text), _to_reference, encoding)


def iter_medline_records(text: str) -> Iterator[TaggedRecord]:
    """Yield records; a blank line or a second PMID line starts the next one."""
    record: TaggedRecord | None = None
    last_tag = ""
    for index, line in enumerate(text.split("\n")):
        if not line.strip():
            if record is not None:
                yield record
            record, last_tag = None, ""
            continue
        if line[:1] in " \t":
            if record is not None and last_tag:
                record.raw_lines.append(line)
                record.extend_last(last_tag, line.strip(), as_new_value=False)
            continue
        match = _TAG_LINE.match(line)
        if match is None:
            if record is not None:
                record.raw_lines.append(line)
                record.repairs.append("a malformed line was skipped")
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if record is None or (tag == "PMID" and "PMID" in record.fields):
            if record is not None:
                yield record
            record = TaggedRecord(line=index + 1)
        record.raw_lines.append(line)
        record.add(tag, value)
        last_tag = tag
    if record is not None:
        yield record


def _to_reference(record: TaggedRecord, number: int) -> Reference:
    book_title = record.first("BTI")
    title = record.first("TI") or book_title or record.first("TT")
    authors = record.all("FAU") or record.all("AU")
    return Reference(
        title=title,
        abstract=" ".join(record.all("AB")),
        authors=tuple(normalize_author(a) for a in [*authors, *record.all("CN")]),
        year=extract_year(*record.all("DP", "DEP", "DA", "EDAT")),
        journal=record.first("JT", "TA") or (book_title if book_title != title else ""),
        volume=record.first("VI"),
        issue=record.first("IP"),
        pages=format_pages(record.first("PG")),
        doi=_doi(record),
        pmid=find_pmid(record, "PMID"),
        pmcid=next(filter(None, map(normalize_pmcid, record.all("PMC"))), None),
        isbn=normalize_isbn(record.first("ISBN")),
        issn=normalize_issn(" ".join(record.all("IS", "ISSN"))),
        keywords=split_keywords([*record.all("OT"), *record.all("MH")], separators=""),
        type=_type(record, title, book_title),
        language=record.first("LA"),
        raw=record.raw,
        record_number=number,
        line=record.line,
    )


def _doi(record: TaggedRecord) -> str | None:
    for value in record.all("LID", "AID"):
        # "S0140-6736(20)30000-0 [pii]" holds a publisher id, not a DOI.
        if "[" in value and "[doi]" not in value:
            continue
        doi = normalize_doi(value)
        if doi:
            return doi
    return None


def _type(record: TaggedRecord, title: str, book_title: str) -> ReferenceType:
    if book_title:
        return ReferenceType.BOOK_CHAPTER if title != book_title else ReferenceType.BOOK
    labels = record.all("PT")
    kinds = [reference_type(label) for label in labels]
    return next((k for k in kinds if k is not ReferenceType.OTHER), ReferenceType.OTHER)
