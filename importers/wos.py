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
# Tags of Web of Science's tagged exports: Core Collection, BIOSIS Previews, Inspec, MEDLINE,
# Zoological Record, CABI and Derwent files share the two-letter layout. In a file whose wrapped
# lines are not indented, only these start a field: "UK Biobank ..." continues a title.
_KNOWN_TAG_NAMES = (
    "FN VR PT AU AF BA BF CA GP BE TI SO SE BS LA DT CT CY CL SP HO DE ID AB C1 C3 RP EM RI "
    "OI FU FP FX CR NR TC Z9 U1 U2 PU PI PA SN EI BN J9 JI PD PY VL IS PN SU SI MA BP EP AR "
    "DI DL D2 EA PG PS WC WE SC GA PM OA HC HP DA UT ER EF AN MC CC TA MQ CH GE SQ DS MI ST "
    "GN BD CB TN BC MN PR IC CN KW AD C7 CO PV BR JO UR RO DG PC JL LS EO"
)
_KNOWN_TAGS = frozenset(_KNOWN_TAG_NAMES.split())
_DOC_TYPES = {"J": "JOUR", "B": "BOOK", "S": "CHAP", "P": "PAT", "C": "CONF"}


def parse_wos(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse a Web of Science tagged file into references and one note per record."""
    return collect_records(FORMAT, iter_wos_records(text), _to_reference, encoding)


def iter_wos_records(text: str) -> Iterator[TaggedRecord]:
    """Yield records. A line that does not start with a tag continues the field before it (a
    further value of a list tag such as AU): exports indent these lines by three spaces, but
    files saved through other tools (BIOSIS, re-exports) do not. Where wrapped lines are not
    indented, only a known tag starts a field."""
    record: TaggedRecord | None = None
    last_tag = ""
    any_tag_starts = "\n   " in text  # the file indents its wrapped lines
    for index, line in enumerate(text.split("\n")):
        match = None if line.startswith(" ") else _TAG_LINE.match(line)
        if match is not None and not any_tag_starts and match.group(1) not in _KNOWN_TAGS:
            match = None
        if match is None:
            if record is not None and last_tag and line.strip():
                record.raw_lines.append(line)
                record.extend_last(last_tag, line.strip(), as_new_value=last_tag in _LIST_TAGS)
            continue
        if match.group(1) in _FILE_TAGS:
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
