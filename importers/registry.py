"""The one entry point for the API and CLI: ``parse_bytes(data, format=...)`` -> ParseResult."""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from importers.bibtex import parse_bibtex
from importers.decode import decode_bytes, utf8_blocks
from importers.detect import DETECTED_CHARS, FORMATS, detect_format, refuse_binary
from importers.endnote_xml import parse_endnote_xml
from importers.errors import ImportFormatError
from importers.medline import parse_medline
from importers.model import ParseResult
from importers.ovid import parse_ovid
from importers.pubmed_xml import parse_pubmed_xml
from importers.refer import parse_refer
from importers.ris import BLOCK_SIZE, parse_ris, parse_ris_blocks
from importers.tabular import parse_tabular
from importers.wos import parse_wos

Parser = Callable[..., ParseResult]
PARSERS: dict[str, Parser] = {
    "ris": parse_ris,
    "medline": parse_medline,
    "pubmed-xml": parse_pubmed_xml,
    "bibtex": parse_bibtex,
    "endnote-xml": parse_endnote_xml,
    "csv": parse_tabular,
    "wos": parse_wos,
    "ovid": parse_ovid,
    "endnote-tagged": parse_refer,
}
_NAMES = {
    "ris": "RIS",
    "medline": "PubMed/MEDLINE",
    "pubmed-xml": "PubMed XML",
    "bibtex": "BibTeX",
    "endnote-xml": "EndNote XML",
    "csv": "CSV/TSV",
    "wos": "Web of Science tagged",
    "ovid": "Ovid citation",
    "endnote-tagged": "EndNote/Refer tagged",
}
FORMAT_CHOICES = ("auto", *FORMATS)


def parse_bytes(data: bytes, *, format: str = "auto") -> ParseResult:
    """Decode, detect (when ``format="auto"``) and parse *data*.

    Raises ImportFormatError, with a message for the user, when the file cannot be read.
    Process-wide state (the garbage collector, logging) is left as the host set it; a host that
    owns its process may pause the collector around the call (`importers.gc_pause`, as
    `winnow parse` does).
    """
    if format != "auto" and format not in PARSERS:
        raise ImportFormatError(
            f"unknown format {format!r}; choose one of {', '.join(FORMAT_CHOICES)}",
            detected=None,
        )
    refuse_binary(data)
    if format in ("auto", "ris"):
        streamed = _parse_utf8_ris(data, format)
        if streamed is not None:
            return streamed
    decoded = decode_bytes(data)
    detected = detect_format(decoded.text) if format == "auto" else format
    try:
        result = PARSERS[detected](decoded.text, encoding=decoded.encoding)
    except RecursionError as error:  # pathologically nested input
        raise ImportFormatError(
            "the file is nested too deeply to read", detected=detected
        ) from error
    except ImportFormatError as error:
        if format == "auto":
            raise
        message = _no_records_message(decoded.text, detected)
        raise ImportFormatError(message, detected=detected) from error
    if not result.notes and detected != "pubmed-xml":
        raise ImportFormatError(_no_records_message(decoded.text, detected), detected=detected)
    return result


def _parse_utf8_ris(data: bytes, format: str) -> ParseResult | None:
    """Parse UTF-8 RIS a block at a time, decoding each block as it is read: the same result
    as the general path below without a copy of the whole text (a 200 MB export decodes to up
    to 800 MB). None when the general path must read the file: it is not UTF-8, not RIS, or
    yields no records (the general path words those errors)."""
    found = utf8_blocks(data, BLOCK_SIZE)
    if found is None:
        return None
    encoding, blocks = found
    try:
        head: list[str] = []
        head_chars = 0
        for block in blocks:  # enough blocks for what detect_format reads
            head.append(block)
            head_chars += len(block) + 1
            if head_chars > DETECTED_CHARS:
                break
        if format == "auto" and detect_format("\n".join(head)) != "ris":
            return None
        result = parse_ris_blocks(chain(head, blocks), encoding=encoding)
    except (UnicodeDecodeError, ImportFormatError):
        return None
    return result if result.notes else None


def _no_records_message(text: str, chosen: str) -> str:
    try:
        actual = detect_format(text)
    except ImportFormatError as error:
        return f"no {_NAMES[chosen]} records were found: {error.message}"
    if actual != chosen:
        return (
            f"no {_NAMES[chosen]} records were found: this looks like a {_NAMES[actual]} "
            f"export; import it with format '{actual}' (or 'auto')"
        )
    return f"no {_NAMES[chosen]} records were found in the file"
