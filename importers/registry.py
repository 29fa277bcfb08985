"""The one entry point for the API and CLI: ``parse_bytes(data, format=...)`` -> ParseResult."""

from __future__ import annotations

from collections.abc import Callable

from importers.bibtex import parse_bibtex
from importers.decode import decode_bytes
from importers.detect import FORMATS, detect_format, refuse_binary
from importers.endnote_xml import parse_endnote_xml
from importers.errors import ImportFormatError
from importers.gc_pause import collector_paused
from importers.medline import parse_medline
from importers.model import ParseResult
from importers.ovid import parse_ovid
from importers.pubmed_xml import parse_pubmed_xml
from importers.refer import parse_refer
from importers.ris import parse_ris
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
    """
    if format != "auto" and format not in PARSERS:
        raise ImportFormatError(
            f"unknown format {format!r}; choose one of {', '.join(FORMAT_CHOICES)}",
            detected=None,
        )
    refuse_binary(data)
    decoded = decode_bytes(data)
    detected = detect_format(decoded.text) if format == "auto" else format
    try:
        with collector_paused():
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
