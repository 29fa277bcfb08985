"""UTF-8 RIS is parsed a block at a time from the bytes; the result equals the general path's."""

from __future__ import annotations

import pytest

from importers import registry
from importers.decode import decode_bytes
from importers.model import ParseResult
from importers.registry import parse_bytes
from importers.ris import parse_ris
from tests.importers.files import fixture_bytes

# Records with continuation lines, a missing ER, numbered lines and non-ASCII text; repeated
# past several 64 KiB blocks, so that records and CRLFs straddle block boundaries.
RIS_FILES = [
    "rispy__example_full.ris",
    "rispy__example_multiline.ris",
    "rispy__example_utf_chars.ris",
    "colrev__ris_data.ris",
    "jabref__RisImporterCorrupted.ris",
]


def _general_path(data: bytes) -> ParseResult:
    decoded = decode_bytes(data)
    return parse_ris(decoded.text, encoding=decoded.encoding)


def _large(name: str, size: int = 4 * (1 << 16)) -> bytes:
    data = fixture_bytes(name)
    return b"\n".join([data] * (size // len(data) + 1))


@pytest.mark.parametrize("name", RIS_FILES)
@pytest.mark.parametrize(
    "variant",
    [
        lambda data: data,
        lambda data: data.replace(b"\n", b"\r\n"),
        lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r"),
    ],
    ids=["lf", "crlf", "bom-cr"],
)
def test_streamed_parse_equals_the_general_path(name: str, variant: object) -> None:
    data = variant(_large(name))  # type: ignore[operator]
    streamed = registry._parse_utf8_ris(data, "auto")
    assert streamed is not None  # the block path was taken
    assert streamed == _general_path(data)
    assert parse_bytes(data) == parse_bytes(data, format="ris") == streamed


def test_a_late_cp1252_byte_falls_back_to_reading_the_whole_file_as_cp1252() -> None:
    text = _large("rispy__example_full.ris").decode("utf-8")
    data = (text + "\nTY  - JOUR\nTI  - Caf\u00e9 au lait\nER  - \n").encode("cp1252")
    assert registry._parse_utf8_ris(data, "auto") is None  # not UTF-8 past the first blocks
    result = parse_bytes(data)
    assert result.encoding == "cp1252"
    assert result.references[-1].title == "Caf\u00e9 au lait"
    assert result == _general_path(data)


@pytest.mark.parametrize("name", ["jabref__NbibImporterTest.nbib", "colrev__bib_data.bib"])
def test_other_formats_are_left_to_the_general_path(name: str) -> None:
    data = fixture_bytes(name)
    assert registry._parse_utf8_ris(data, "auto") is None
    assert parse_bytes(data).format != "ris"
