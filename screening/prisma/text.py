"""Text measurement and wrapping for the SVG diagram, from Helvetica's advance widths.

Arial and Liberation Sans share these metrics, so boxes fit whichever of them the viewer has.
"""

from __future__ import annotations

import re

# Helvetica AFM advance widths (1/1000 em) for ASCII 32..126.
_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
_WIDE = 1000  # unknown and non-Latin characters: assume a full em, so boxes never overflow
_BOLD_FACTOR = 1.08
# Characters XML 1.0 forbids even when escaped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Drop characters that no XML document may contain (escaping is the serializer's job)."""
    return _XML_FORBIDDEN.sub("", text)


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """Approximate rendered width of *text* in user units."""
    units = sum(_char_width(char) for char in text)
    return units * font_size / 1000 * (_BOLD_FACTOR if bold else 1.0)


def _char_width(char: str) -> int:
    code = ord(char)
    if 32 <= code <= 126:
        return _WIDTHS[code - 32]
    if char.isalpha() and code < 0x250:  # accented Latin: like the base letter
        return 600
    return _WIDE


def fit_line(line: str, max_width: float, font_size: float) -> list[str]:
    """Greedy word wrap of one line to *max_width*; a single over-long word is split."""
    if text_width(line, font_size) <= max_width:
        return [line]
    lines: list[str] = []
    current = ""
    for word in line.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font_size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width(current, font_size) > max_width and len(current) > 1:
            cut = _longest_prefix(current, max_width, font_size)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _longest_prefix(word: str, max_width: float, font_size: float) -> int:
    cut = 1
    while cut < len(word) and text_width(word[: cut + 1], font_size) <= max_width:
        cut += 1
    return cut
