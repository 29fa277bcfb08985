"""The decoding matrix: encodings with and without BOM, and every line-ending mixture."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers.decode import decode_bytes, utf8_blocks
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


_PIECES = st.sampled_from(
    [b"a", b" ", b"\n", b"\r", b"\r\n", "é".encode(), "€".encode(), "𝄞".encode(), b"\xff"]
)


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(_PIECES, max_size=60),
    bom=st.booleans(),
    block_bytes=st.sampled_from([1, 2, 3, 7, 1 << 16]),
)
def test_utf8_blocks_join_to_the_text_decode_bytes_reads(
    pieces: list[bytes], bom: bool, block_bytes: int
) -> None:
    # Blocks cut anywhere near CRs, CRLFs, multi-byte characters and bad bytes.
    data = (b"\xef\xbb\xbf" if bom else b"") + b"".join(pieces)
    decoded = decode_bytes(data)
    found = utf8_blocks(data, block_bytes)
    assert found is not None
    encoding, blocks = found
    try:
        text = "\n".join(blocks)
    except UnicodeDecodeError:
        assert decoded.encoding not in ("utf-8", "utf-8-sig")  # read as cp1252 instead
    else:
        assert (encoding, text) == (decoded.encoding, decoded.text)


@pytest.mark.parametrize("data", [SOURCE.encode("utf-16"), SOURCE.encode("utf-16-le")])
def test_utf8_blocks_leave_utf16_to_decode_bytes(data: bytes) -> None:
    assert utf8_blocks(data, 1 << 12) is None
