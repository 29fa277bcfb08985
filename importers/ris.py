"""RIS parser for every dialect seen in real exports (EndNote, Zotero, Ovid, Scopus, WoS, ...)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from importers.assemble import ResultCollector, reference_type
from importers.model import ParseResult, Reference, ReferenceType
from importers.normalize import (
    extract_year,
    format_pages,
    normalize_author,
    normalize_isbn,
    normalize_issn,
    normalize_pmcid,
    split_keywords,
)
from importers.tagged import TaggedRecord, find_doi, find_pmid

FORMAT = "ris"
# Also tolerated: one to four spaces or tabs before the hyphen, none after it, 3-4 letter
# tags ("PMID  - 1" from APA PsycNet) and up to three leading spaces.
_NO_TY = "missing TY line: record start assumed"
_TAG_LINE = re.compile(r"^ {0,3}([A-Z][A-Z0-9]{1,3})[ \t]{1,4}-[ \t]*(.*?)[ \t]*$")
# Continuation lines of these tags are further values (one keyword per line), not more text.
_LIST_TAGS = frozenset(
    {"AU", "A1", "A2", "A3", "A4", "KW", "N1", "UR", "L1", "L2", "L3", "L4", "AD", "SN", "ED"}
)
_BOOKISH = frozenset({ReferenceType.BOOK, ReferenceType.BOOK_CHAPTER})


def parse_ris(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse RIS *text* (``\\n`` line endings) into references and one note per record."""
    collector = ResultCollector(FORMAT)
    for number, record in enumerate(iter_ris_records(text), start=1):
        collector.add(_to_reference(record, number), record.repairs)
    return collector.result(encoding)


def iter_ris_records(text: str) -> Iterator[TaggedRecord]:
    """Yield records as tag -> values; untagged lines between records (numbers) are skipped."""
    lines = text.split("\n")
    record: TaggedRecord | None = None
    fields: dict[str, list[str]] = {}
    last_tag = ""
    for index, line in enumerate(lines):
        # Fast path for the canonical "XX  - value" layout, which is nearly every line.
        if line[2:5] == "  -" and line[:1].isupper() and (len(line) == 5 or line[5] == " "):
            tag = line[:2]
            value = line[6:].strip()
        else:
            found, value = _split_tag_line(line)
            if found is None:
                stripped = line.strip()
                if record is not None and stripped and last_tag:
                    record.extend_last(last_tag, stripped, as_new_value=last_tag in _LIST_TAGS)
                continue
            tag = found
        if tag == "ER":
            if record is not None:
                record.raw_lines = lines[record.line - 1 : index + 1]
                yield record
            record, last_tag = None, ""
            continue
        if record is None or tag == "TY":
            if record is not None and _NO_TY not in record.repairs:
                record.repairs.append("missing ER line added")
                record.raw_lines = lines[record.line - 1 : index]
                yield record
            record = TaggedRecord(line=index + 1)
            fields = record.fields
            if tag != "TY":
                record.repairs.append(_NO_TY)
        values = fields.get(tag)
        if values is None:
            fields[tag] = [value]
        else:
            values.append(value)
        last_tag = tag
    # Tags after an ER and before the next TY (Ovid's trailing "NL  -") are the previous
    # record's leftovers, not a record; only an ER closes a TY-less record.
    if record is not None and _NO_TY not in record.repairs:
        record.repairs.append("missing ER line added")
        record.raw_lines = lines[record.line - 1 :]
        yield record


def _split_tag_line(line: str) -> tuple[str | None, str]:
    if "-" not in line:
        return None, ""
    match = _TAG_LINE.match(line)
    if match is None:
        return None, ""
    return match.group(1), (match.group(2) or "").strip()


def _to_reference(record: TaggedRecord, number: int) -> Reference:
    kind = reference_type(record.first("TY"))
    return Reference(
        title=record.first("TI", "T1", "CT") or _book_title(record, kind),
        abstract=record.first("AB", "N2"),
        authors=_authors(record),
        year=extract_year(*record.values("PY", "Y1", "DA", "Y2")),
        journal=_journal(record, kind),
        volume=record.first("VL", "VO"),
        issue=record.first("IS", "CP", "M1") if "IS" in record.fields else record.first("CP"),
        pages=format_pages(record.first("SP"), record.first("EP")),
        doi=find_doi(record, ("DO", "DI"), ("UR", "L3", "M3", "L2", "N1", "AN")),
        pmid=find_pmid(record, "PMID", "PM", "C3") or _pubmed_accession(record),
        pmcid=next(filter(None, map(normalize_pmcid, record.values("C2"))), None),
        isbn=normalize_isbn(record.first("SN")) if kind in _BOOKISH else None,
        issn=None if kind in _BOOKISH else normalize_issn(" ".join(record.values("SN"))),
        keywords=split_keywords(record.values("KW")),
        type=kind,
        language=record.first("LA"),
        url=_first_url(record),
        raw=record.raw,
        record_number=number,
        line=record.line,
    )


def _authors(record: TaggedRecord) -> tuple[str, ...]:
    names = (normalize_author(name) for name in record.values("AU", "A1"))
    return tuple(dict.fromkeys(name for name in names if name))


def _book_title(record: TaggedRecord, kind: ReferenceType) -> str:
    return record.first("BT", "T2") if kind is ReferenceType.BOOK else record.first("BT")


def _journal(record: TaggedRecord, kind: ReferenceType) -> str:
    if kind is ReferenceType.BOOK:
        return record.first("T3")
    return record.first("JF", "JO", "T2", "JA", "J1", "J2", "BT")


def _pubmed_accession(record: TaggedRecord) -> str | None:
    # EndNote/Zotero exports from PubMed keep the PMID in AN, with DB/DP naming PubMed/MEDLINE.
    database = record.first("DB", "DP").lower()
    if "pubmed" in database or "medline" in database or "nlm" in database:
        return find_pmid(record, "AN")
    return None


def _first_url(record: TaggedRecord) -> str:
    for value in record.values("UR", "L2"):
        first = value.split(";")[0].strip()
        if first:
            return first
    return ""
