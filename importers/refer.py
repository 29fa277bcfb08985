"""EndNote/Refer tagged text (``%0 Journal Article``, ``%A Author`` lines, blank-line separated)."""

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
from importers.tagged import TaggedRecord, collect_records, find_doi

FORMAT = "endnote-tagged"
_TAG_LINE = re.compile(r"^%([0-9A-Z@!#$&()*+^~>\[\]|])(?: (.*))?$")


def parse_refer(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse EndNote/Refer tagged text into references and one note per record."""
    return collect_records(FORMAT, iter_refer_records(text), _to_reference, encoding)


def iter_refer_records(text: str) -> Iterator[TaggedRecord]:
    """Yield records; a blank line, or a second ``%0`` line, ends one."""
    record: TaggedRecord | None = None
    last_tag = ""
    for index, line in enumerate(text.split("\n")):
        match = _TAG_LINE.match(line)
        if match is None:
            if not line.strip():
                if record is not None:
                    yield record
                record, last_tag = None, ""
            elif record is not None and last_tag:
                record.raw_lines.append(line)
                record.extend_last(last_tag, line.strip(), as_new_value=False)
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if record is None or (tag == "0" and "0" in record.fields):
            if record is not None:
                yield record
            record = TaggedRecord(line=index + 1)
        record.raw_lines.append(line)
        record.add(tag, value)
        last_tag = tag
    if record is not None:
        yield record


def _to_reference(record: TaggedRecord, number: int) -> Reference:
    kind = reference_type(record.first("0"))
    bookish = kind in (ReferenceType.BOOK, ReferenceType.BOOK_CHAPTER)
    return Reference(
        title=record.first("T") or (record.first("B") if kind is ReferenceType.BOOK else ""),
        abstract=record.first("X"),
        authors=tuple(normalize_author(a) for a in record.all("A")),
        year=extract_year(*record.all("D", "8")),
        journal=record.first("J", "B") if kind is not ReferenceType.BOOK else record.first("S"),
        volume=record.first("V"),
        issue=record.first("N"),
        pages=format_pages(record.first("P")),
        doi=find_doi(record, ("R",), ("U",)),
        isbn=normalize_isbn(record.first("@")) if bookish else None,
        issn=None if bookish else normalize_issn(record.first("@")),
        keywords=split_keywords(record.all("K"), separators=";\n"),
        type=kind,
        language=record.first("G"),
        url=record.first("U"),
        raw=record.raw,
        record_number=number,
        line=record.line,
    )
