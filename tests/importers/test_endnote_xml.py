from __future__ import annotations

import pytest

from importers.endnote_xml import parse_endnote_xml
from importers.errors import ImportFormatError
from importers.model import ReferenceType
from importers.registry import parse_bytes
from tests.importers.files import fixture_bytes


def test_article_fields_inside_style_wrappers() -> None:
    result = parse_bytes(fixture_bytes("jabref__EndnoteXmlImporterTestArticle.xml"))
    assert result.format == "endnote-xml"
    (reference,) = result.references
    assert reference.title.startswith("Trends in the lifetime risk of developing cancer")
    assert reference.authors[:2] == ("Ahmad, AS", "Ormiston-Smith, N")
    assert reference.year == 2015
    assert (reference.journal, reference.volume, reference.issue) == ("Br J Cancer", "112", "5")
    assert reference.pages == "943-947"  # MEDLINE-style "943-7" written out
    assert reference.doi == "10.1038/bjc.2014.606"
    assert reference.issn == "1532-1827"
    assert reference.abstract == "test abstract"
    assert reference.type is ReferenceType.JOURNAL_ARTICLE
    assert "Aged, 80 and over" in reference.keywords


def test_utf16_endnote_export_reads_the_same() -> None:
    data = fixture_bytes("reflib-endnotexml__endnote-sm.xml")
    plain = parse_bytes(data)
    utf16 = parse_bytes(data.decode("utf-8").encode("utf-16"))
    assert utf16.encoding == "utf-16"
    assert utf16.references == plain.references
    assert len(plain.references) == 5
    assert plain.references[0].pmid == "2158737"


def test_xml_that_is_not_an_endnote_library_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="not an EndNote XML library"):
        parse_endnote_xml("<catalog><book/></catalog>")
