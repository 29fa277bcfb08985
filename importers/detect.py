"""Recognise a file's format from its content (never its name), or refuse it with a message."""

from __future__ import annotations

import re

from importers.errors import ImportFormatError
from importers.tabular import find_header_row

_EXPORT_HINT = (
    "export the references from the database as RIS, PubMed/MEDLINE (.nbib), PubMed XML, "
    "EndNote XML, BibTeX or CSV and upload that file"
)
_BINARY_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "pdf", "this is a PDF document, not a reference export"),
    (
        b"PK\x03\x04",
        "zip",
        "this is a ZIP archive (or an .xlsx/.docx file), not a reference export; "
        "save spreadsheets as CSV",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "ole",
        "this is a Microsoft Office binary file (.xls/.doc); save spreadsheets as CSV",
    ),
    (b"\x1f\x8b", "gzip", "this is a gzip-compressed file; decompress it first"),
    (b"\x89PNG", "image", "this is an image, not a reference export"),
    (b"\xff\xd8\xff", "image", "this is an image, not a reference export"),
    (b"{\\rtf", "rtf", "this is a Rich Text (RTF) document, not a reference export"),
)
_RIS = re.compile(r"^ {0,3}TY {1,2}- ?", re.MULTILINE)
_RIS_FIELDS = re.compile(r"^(?:T1|TI|AU|A1|PY|Y1|JO|JF|DO) {1,2}- ", re.MULTILINE)
# Tags MEDLINE has and RIS lacks; "TI  - " and "AU  - " are shared, so they prove nothing.
_MEDLINE = re.compile(
    r"^(?:[A-Z]{4}- ?\S|OWN - |FAU - |JT  - |PG  - |BTI - |PMC - ?)", re.MULTILINE
)
_WOS = re.compile(r"^(?:FN |VR \d|PT [A-Z]\s*$)", re.MULTILINE)
_WOS_FIELDS = re.compile(r"^(?:AU|TI|SO|UT) \S", re.MULTILINE)
_REFER = re.compile(r"^%[0-9A-Z@] \S", re.MULTILINE)
# Ovid's record markers: "<1>" (citation layout) or "<1. >" (tagged layout).
_OVID = re.compile(r"^<\d+\.?\s*>\s*$", re.MULTILINE)
_OVID_LABELS = re.compile(
    r"^(?:Author|Authors|Title|Source|Abstract|Unique Identifier)\s*$", re.MULTILINE
)
_BIBTEX = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)
_TABLE_WORDS = ("title", "abstract", "doi", "author", "pmid")
DETECTED_CHARS = 200_000
FORMATS = (
    "ris",
    "medline",
    "pubmed-xml",
    "bibtex",
    "endnote-xml",
    "csv",
    "wos",
    "ovid",
    "endnote-tagged",
)


def refuse_binary(data: bytes) -> None:
    """Raise ImportFormatError for empty or binary data (PDF, archives, images)."""
    # Same test as "not data.strip()" without copying a file of hundreds of MB to make it.
    if not data or data.isspace():
        raise ImportFormatError(f"the file is empty; {_EXPORT_HINT}", detected="empty")
    for signature, kind, message in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ImportFormatError(f"{message}; {_EXPORT_HINT}", detected=kind)


def detect_format(text: str) -> str:
    """Return a name from ``FORMATS`` for *text*, or raise ImportFormatError saying what it is.

    Only the first DETECTED_CHARS characters are read."""
    head = text[:DETECTED_CHARS].lstrip("\ufeff \t\n")
    if not head.strip():
        raise ImportFormatError(f"the file is empty; {_EXPORT_HINT}", detected="empty")
    _refuse_control_characters(head)
    if head.startswith("<") and not _OVID.match(head):
        return _detect_markup(head)
    for name, matches in _TAGGED_CHECKS:
        if matches(head):
            return name
    if _looks_like_table(head):
        return "csv"
    raise ImportFormatError(
        "no reference records were found: the file is not RIS (no 'TY  -' lines), MEDLINE "
        f"('PMID- '), BibTeX ('@article{{'), XML or a table with a title column; {_EXPORT_HINT}",
        detected="text",
    )


def _refuse_control_characters(head: str) -> None:
    sample = head[:20_000]
    controls = sum(1 for c in sample if c < " " and c not in "\n\t\r\f")
    if "\x00" in sample or controls > len(sample) // 20:
        raise ImportFormatError(
            f"this is a binary file, not a text reference export; {_EXPORT_HINT}", detected="binary"
        )


def _detect_markup(head: str) -> str:
    lowered = head[:5000].lower()
    if "<pubmedarticle" in lowered or "<pubmedbookarticle" in lowered:
        return "pubmed-xml"
    if re.search(r"<(?:xml|records)>\s*<record", lowered[:2000]) or "<ref-type" in lowered:
        return "endnote-xml"
    if "<esearchresult" in lowered or "<esummaryresult" in lowered or "<elinkresult" in lowered:
        raise ImportFormatError(
            "this is an NCBI E-utilities search/summary/link response (a list of ids), not "
            "records; fetch the records with efetch (retmode=xml) or use the PubMed import",
            detected="eutils",
        )
    if "<html" in lowered or "<!doctype html" in lowered or "<body" in lowered:
        raise ImportFormatError(
            "this is a web page (HTML), perhaps a login or error page saved instead of the "
            f"export; {_EXPORT_HINT}",
            detected="html",
        )
    if "<pubmedarticleset" in lowered:
        return "pubmed-xml"
    raise ImportFormatError(
        f"this XML file is neither PubMed XML nor EndNote XML; {_EXPORT_HINT}", detected="xml"
    )


def _looks_like_table(head: str) -> bool:
    first_line = head.split("\n", 1)[0].lower()
    if max(first_line.count(","), first_line.count("\t"), first_line.count(";")) >= 1 and any(
        word in first_line for word in _TABLE_WORDS
    ):
        return True
    # A preamble above the header row (Embase's search query and a row of dashes).
    return find_header_row(head) is not None


def _is_wos(head: str) -> bool:
    return bool(_WOS.search(head[:2000])) and bool(_WOS_FIELDS.search(head))


_TAGGED_CHECKS = (
    # Ovid's tagged layout shares RIS's "TI  - " and MEDLINE's "PG  - " lines, but not TY lines;
    # its "<1. >" markers tell it apart (an Ovid RIS export with markers still reads as RIS).
    ("ovid", lambda head: bool(_OVID.search(head)) and not _RIS.search(head)),
    ("wos", _is_wos),
    ("ris", lambda head: bool(_RIS.search(head))),
    ("medline", lambda head: bool(_MEDLINE.search(head))),
    # RIS records that lost their TY line still read as RIS.
    ("ris", lambda head: len(_RIS_FIELDS.findall(head[:5000])) >= 2),
    ("ovid", lambda head: bool(_OVID.search(head) or len(_OVID_LABELS.findall(head[:5000])) >= 2)),
    ("endnote-tagged", lambda head: bool(_REFER.search(head))),
    ("bibtex", lambda head: bool(_BIBTEX.search(head))),
)
