"""Ovid exports: ``<n>`` or ``<n. >`` record markers, then either a field label per line with the
values indented below (the citation layout), or two-letter tags (``TI  - ...``, the tagged layout
of Ovid's MEDLINE, Embase, PsycINFO and BIOSIS exports: ``VN  - Ovid Technologies`` first)."""

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
_MARKER = re.compile(r"^<\d+\.?\s*>\s*$")
# "TI  - value" (also one space before the hyphen, and 3-4 letter tags).
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {1,2}-(?: (.*)|\s*)$")

# "Journal Title.   28(2):103-106, April 2015." -> journal, volume, issue, pages.
_SOURCE = re.compile(
    r"^(?P<journal>.+?)\.\s+(?P<volume>[\w-]+)?(?:\((?P<issue>[^)]*)\))?:(?P<pages>[\w-]+)"
)
_TITLE_SUFFIX = re.compile(r"\.?\s*\[[A-Za-z ]+\]\s*$")


def parse_ovid(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse an Ovid export (either layout) into references and one note per record."""
    if is_tagged_layout(text):
        return collect_records(FORMAT, iter_tagged_records(text), _tagged_to_reference, encoding)
    return collect_records(FORMAT, iter_ovid_records(text), _to_reference, encoding)


def is_tagged_layout(text: str) -> bool:
    """True when the first field line after the first record marker is a ``XX  - `` tag line."""
    for line in text[:20_000].split("\n"):
        if not line.strip() or _MARKER.match(line):
            continue
        return _TAG_LINE.match(line) is not None
    return False


def iter_tagged_records(text: str) -> Iterator[TaggedRecord]:
    """Yield records of the tagged layout: a tag line starts a field, and any other line
    continues the field before it (Ovid wraps long values, indented or not)."""
    for record, lines in _marked_records(text):
        last_tag = ""
        for number, line in lines:
            match = _TAG_LINE.match(line)
            if match is not None:
                last_tag = match.group(1)
                record.add(last_tag, (match.group(2) or "").strip())
            elif last_tag:
                record.extend_last(last_tag, line.strip(), as_new_value=False)
            else:
                record.repairs.append(
                    f"line {number}, before the first tag, kept in the raw text only"
                )
        yield record


def iter_ovid_records(text: str) -> Iterator[TaggedRecord]:
    """Yield records keyed by field label ("Author", "Title", "Source", ...)."""
    for record, lines in _marked_records(text):
        label = ""
        for _, line in lines:
            if line[:1] in " \t":
                if label:
                    record.add(label, line.strip())
            else:
                label = line.strip()
                record.fields.setdefault(label, [])
        yield record


def _marked_records(text: str) -> Iterator[tuple[TaggedRecord, list[tuple[int, str]]]]:
    """Cut *text* at the record markers: each record (its raw lines filled in) with its
    non-blank lines after the marker and their 1-based numbers. Exports without markers (a
    single record) start with a field."""
    record: TaggedRecord | None = None
    lines: list[tuple[int, str]] = []
    for index, line in enumerate(text.split("\n")):
        if _MARKER.match(line):
            if record is not None:
                yield record, lines
            record, lines = TaggedRecord(line=index + 1), []
            record.raw_lines.append(line)
            continue
        if not line.strip():
            continue
        if record is None:
            record = TaggedRecord(line=index + 1)
        record.raw_lines.append(line)
        lines.append((index + 1, line))
    if record is not None:
        yield record, lines


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


# "Walsdorf, Neill B. [Inventor, Reprint Author]", "Smith J 1*": roles and affiliation marks.
_AUTHOR_ROLE = re.compile(r"\s*\[[^\]]*\]?\s*$")
_AUTHOR_MARKS = re.compile(r"(?:\s+[\d*+,]+)+$")


def _tagged_to_reference(record: TaggedRecord, number: int) -> Reference:
    source = _SOURCE.match(record.first("SO"))
    kind = reference_type(record.first("PT"))
    journal = record.first("JN", "JT", "JO")
    if kind is ReferenceType.OTHER and (source or journal):
        kind = ReferenceType.JOURNAL_ARTICLE
    database = record.first("DB").lower()
    # Ovid MEDLINE's unique identifier (UI) is the PubMed id; other databases number their own.
    pmid_tags = ("PM", "PMID", "UI") if "medline" in database or "pubmed" in database else ("PM",)
    return Reference(
        title=_TITLE_SUFFIX.sub("", record.first("TI", "BT")),
        abstract=" ".join(record.all("AB")),
        authors=_tagged_authors(record),
        year=extract_year(*record.all("YR", "DP", "PD", "YP", "SO")),
        journal=journal or (clean_text(source.group("journal")) if source else record.first("TA")),
        volume=record.first("VI", "VO", "VL") or ((source.group("volume") or "") if source else ""),
        issue=record.first("IP", "NO") or ((source.group("issue") or "") if source else ""),
        pages=format_pages(record.first("PG") or (source.group("pages") if source else "")),
        doi=find_doi(record, ("DO", "DI"), ("XL", "UR", "L2")),
        pmid=find_pmid(record, *pmid_tags),
        isbn=normalize_isbn(record.first("IB", "BN")),
        issn=normalize_issn(" ".join(record.all("IS", "SN"))),
        keywords=split_keywords(record.all("KW", "MH")),
        type=kind,
        language=record.first("LG", "LA").rstrip("."),
        url=record.first("UR", "XL"),
        raw=record.raw,
        record_number=number,
        line=record.line,
    )


def _tagged_authors(record: TaggedRecord) -> tuple[str, ...]:
    # FA/FAU (full names) when the record has them, else AU; corporate authors (CN) follow.
    values = record.all("FA", "FAU") or record.all("AU", "A1")
    names: list[str] = []
    for value in [*values, *record.all("CN")]:
        name = _AUTHOR_MARKS.sub("", _AUTHOR_ROLE.sub("", value)).strip().rstrip(",")
        if name:
            names.append(normalize_author(name))
    return tuple(dict.fromkeys(names))
