"""Safe XML for the XML importers: defusedxml refuses entities and external references."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_tree
from defusedxml import DefusedXmlException

from importers.errors import ImportFormatError

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACE = re.compile(r"\s+")


def parse_xml(text: str, *, what: str) -> Element:
    """Parse *text* safely; entity declarations or malformed XML raise ImportFormatError."""
    # The text is already decoded, so an encoding declaration would only contradict it.
    body = _DECLARATION.sub("", text, count=1)
    try:
        return safe_tree.fromstring(body)  # type: ignore[no-any-return]
    except DefusedXmlException as error:
        raise ImportFormatError(
            f"this {what} file declares XML entities or external references, which are "
            f"refused for safety ({type(error).__name__}); export the file again from the "
            "database without a custom DTD",
            detected="unsafe-xml",
        ) from error
    except ParseError as error:
        line, column = error.position
        raise ImportFormatError(
            f"this {what} file is not well-formed XML (line {line}, column {column}): "
            "it may be truncated; download or export it again",
            detected="malformed-xml",
        ) from error


def local_name(element: Element) -> str:
    """Tag without its ``{namespace}`` prefix (MathML elements carry one)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def element_text(element: Element | None) -> str:
    """All text inside *element*: inline markup (``<i>``, MathML) flattened, spaces collapsed."""
    if element is None:
        return ""
    return _SPACE.sub(" ", "".join(element.itertext())).strip()


def record_start_lines(text: str, tags: tuple[str, ...]) -> list[int]:
    """1-based line of each opening tag in *tags*, in document order (ElementTree keeps none)."""
    pattern = re.compile("<(?:" + "|".join(map(re.escape, tags)) + r")[\s>/]")
    lines: list[int] = []
    position, line = 0, 1
    for match in pattern.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines
