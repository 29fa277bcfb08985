"""The decoding matrix: encodings with and without BOM, and every line-ending mixture."""

from __future__ import annotations

import pytest

from importers.decode import decode_bytes
from importers.registry import parse_bytes
from tests.importers.files import fixture_bytes

# A UTF-8 RIS record with non-ASCII text in title and author (from rispy's example, LF only).
SOURCE = (
    fixture_bytes("rispy__example_basic.ris")
    .decode("utf-8")
    .replace("A Mathematical Theory", "A Mathématical Théory")
)


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (SOURCE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SOURCE.encode("utf-8"), "utf-8-sig"),
        (SOURCE.encode("utf-16"), "utf-16"),
        (b"\xff\xfe" + SOURCE.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + SOURCE.encode("utf-16-be"), "utf-16"),
        (SOURCE.encode("utf-16-le"), "utf-16-le"),
        (SOURCE.encode("cp1252"), "cp1252"),
    ],
)
def test_every_encoding_decodes_to_the_same_text(encoded: bytes, encoding: str) -> None:
    decoded = decode_bytes(encoded)
    assert decoded.encoding == encoding
    assert decoded.text == SOURCE


def test_latin1_is_the_last_resort_for_bytes_cp1252_cannot_map() -> None:
    # 0x81 is undefined in cp1252, so only latin-1 can read this.
    decoded = decode_bytes(b"TI  - caf\xe9 \x81\n")
    assert decoded.encoding == "latin-1"
    assert decoded.text.startswith("TI  - café")


@pytest.mark.parametrize("ending", ["\r\n", "\r", "mixed"])
def test_line_endings_are_normalised(ending: str) -> None:
    lines = SOURCE.split("\n")
    if ending == "mixed":
        text = "".join(line + ("\r\n", "\r", "\n")[i % 3] for i, line in enumerate(lines))
    else:
        text = ending.join(lines)
    assert decode_bytes(text.encode("utf-8")).text.rstrip("\n") == SOURCE.rstrip("\n")


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "cp1252"])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_parsed_record_is_identical_across_the_matrix(codec: str, ending: str) -> None:
    data = SOURCE.replace("\n", ending).encode(codec)
    result = parse_bytes(data)
    (reference,) = result.references
    assert reference.title == "A Mathématical Théory of Communication"
    assert reference.authors == ("Shannon, Claude E.",)
    assert reference.pages == "379-423"
    assert result.notes[0].line == 1
