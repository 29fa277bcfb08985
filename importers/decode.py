"""Bytes to text: pick the encoding (BOMs, UTF-8, cp1252, latin-1) and normalise line endings."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import AnyStr

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text with ``\\n`` line endings, and the encoding it was read with (e.g. ``utf-8-sig``)."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> DecodedText:
    """Decode *data*: BOM first, then UTF-16 without BOM, UTF-8, cp1252 and finally latin-1."""
    for bom, codec, label in _BOMS:
        # UTF-32 LE's BOM starts with UTF-16 LE's; the order above checks the longer one first.
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="replace")
            return DecodedText(normalize_newlines(text), label)
    guessed = _guess_utf16_without_bom(data)
    if guessed is not None:
        return DecodedText(normalize_newlines(data.decode(guessed, errors="replace")), guessed)
    for codec in ("utf-8", "cp1252"):
        try:
            return DecodedText(normalize_newlines(data.decode(codec)), codec)
        except UnicodeDecodeError:
            continue
    # latin-1 maps every byte, so it always succeeds; it is the last resort.
    return DecodedText(normalize_newlines(data.decode("latin-1")), "latin-1")


def utf8_blocks(data: bytes, block_bytes: int) -> tuple[str, Iterator[str]] | None:
    """The text decode_bytes reads from UTF-8 *data*, as blocks of whole lines decoded one at a
    time: ``"\\n".join(blocks)`` equals ``decode_bytes(data).text``. Returns the encoding
    label and the blocks, or None when decode_bytes would not read *data* as UTF-8 (UTF-16/32).

    The blocks raise UnicodeDecodeError, as ``data.decode("utf-8")`` would, when a block is not
    UTF-8 (a cp1252 file): the caller then reads the file with decode_bytes. No copy of a large
    file's text exists at once, and each block is as narrow as its own characters allow."""
    if data.startswith(codecs.BOM_UTF8):
        # decode_bytes replaces bad bytes after a BOM; a "\n" byte never sits inside a UTF-8
        # sequence, so cutting there decodes (and replaces) exactly as the whole would.
        return "utf-8-sig", _decoded_blocks(data, len(codecs.BOM_UTF8), block_bytes, "replace")
    if any(data.startswith(bom) for bom, _, _ in _BOMS) or _guess_utf16_without_bom(data):
        return None
    return "utf-8", _decoded_blocks(data, 0, block_bytes, "strict")


def _decoded_blocks(data: bytes, start: int, block_bytes: int, errors: str) -> Iterator[str]:
    view, size = memoryview(data), len(data)
    for block_start, end in line_blocks(data, block_bytes, b"\n", start=start):
        block = str(view[block_start:end], "utf-8", errors)
        if "\r" in block:
            # A CR before the cut is half of a CRLF whose LF the cut drops.
            trimmed = block[:-1] if end < size and block.endswith("\r") else block
            block = normalize_newlines(trimmed)
        yield block


def line_blocks(
    data: AnyStr, size: int, newline: AnyStr, *, start: int = 0
) -> Iterator[tuple[int, int]]:
    """Start and end of consecutive blocks of *data* (from *start*) of about *size*, each
    ending just before a *newline* (which no block holds) or at the end of *data*: joined with
    *newline*, the blocks give *data* back, and each holds whole lines."""
    length = len(data)
    while True:
        end = data.find(newline, start + size) if start + size < length else -1
        if end < 0:
            yield start, length
            return
        yield start, end
        start = end + 1


def normalize_newlines(text: str) -> str:
    """Turn CRLF, bare CR and any mixture of them into ``\\n``."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess_utf16_without_bom(data: bytes) -> str | None:
    # Mostly-ASCII UTF-16 text has a NUL in every other byte; binary files do not show this pattern.
    sample = data[:4000]
    if len(sample) < 8:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.8 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.8 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None
