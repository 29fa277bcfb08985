"""EndNote XML (``<xml><records><record>``) read with defusedxml; ``<style>`` wrappers flattened."""

from __future__ import annotations

from xml.etree.ElementTree import Element, tostring

from importers.assemble import ResultCollector, reference_type
from importers.errors import ImportFormatError
from importers.model import ParseResult, Reference, ReferenceType
from importers.normalize import (
    extract_year,
    format_pages,
    normalize_author,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmid,
    split_keywords,
)
from importers.xmlsafe import element_text, parse_xml, record_start_lines

FORMAT = "endnote-xml"
_BOOKISH = (ReferenceType.BOOK, ReferenceType.BOOK_CHAPTER)


def parse_endnote_xml(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse an EndNote XML library into references and one note per record."""
    root = parse_xml(text, what="EndNote XML")
    records = list(root.iter("record"))
    if not records and root.tag not in ("xml", "records"):
        raise ImportFormatError(
            f"this XML file (root <{root.tag}>) is not an EndNote XML library", detected="xml"
        )
    lines = record_start_lines(text, ("record",))
    collector = ResultCollector(FORMAT)
    for number, element in enumerate(records, start=1):
        line = lines[number - 1] if number <= len(lines) else 0
        collector.add(*_to_reference(element, number, line))
    return collector.result(encoding)


def _text(element: Element, path: str) -> str:
    return element_text(element.find(path))


def _to_reference(element: Element, number: int, line: int) -> tuple[Reference, list[str]]:
    ref_type = element.find("ref-type")
    kind = reference_type(ref_type.get("name") if ref_type is not None else "")
    repairs: list[str] = []
    doi = normalize_doi(_text(element, "electronic-resource-num"))
    urls = [element_text(u) for u in element.iter("url")]
    if doi is None:
        doi = next(filter(None, map(normalize_doi, [u for u in urls if "10." in u])), None)
        if doi:
            repairs.append("DOI taken from URL")
    serial = _text(element, "isbn")
    title = _text(element, "titles/title")
    secondary = _text(element, "titles/secondary-title")
    reference = Reference(
        title=title or (secondary if kind is ReferenceType.BOOK else ""),
        abstract=_text(element, "abstract"),
        authors=tuple(
            normalize_author(element_text(a))
            for a in element.findall("contributors/authors/author")
        ),
        year=extract_year(_text(element, "dates/year"), _text(element, "dates/pub-dates/date")),
        journal=_text(element, "periodical/full-title")
        or secondary
        or _text(element, "periodical/abbr-1"),
        volume=_text(element, "volume"),
        issue=_text(element, "number") or _text(element, "issue"),
        pages=format_pages(_text(element, "pages")),
        doi=doi,
        pmid=_pmid(element),
        isbn=normalize_isbn(serial) if kind in _BOOKISH else None,
        issn=None if kind in _BOOKISH else normalize_issn(serial),
        keywords=split_keywords([element_text(k) for k in element.iter("keyword")]),
        type=kind,
        language=_text(element, "language"),
        url=next((u for u in urls if u), ""),
        raw=tostring(element, encoding="unicode"),
        record_number=number,
        line=line,
    )
    return reference, repairs


def _pmid(element: Element) -> str | None:
    database = (
        _text(element, "remote-database-name") + _text(element, "remote-database-provider")
    ).lower()
    if "pubmed" in database or "medline" in database or "nlm" in database:
        return normalize_pmid(_text(element, "accession-num"))
    return None
