"""Formats are detected from content; files that are not references are refused with a reason."""

from __future__ import annotations

import pytest

from importers.errors import ImportFormatError
from importers.registry import parse_bytes
from tests.importers.files import fixture_bytes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rispy__example_full.ris", "ris"),
        ("hawc__sample_ris.txt", "ris"),
        ("jabref__RisImporterCorrupted.ris", "ris"),
        ("jabref__NbibImporterTest.nbib", "medline"),
        ("colrev__eric_nbib.nbib", "medline"),
        ("jabref__MedlinePlainImporterStringOutOfBounds.txt", "medline"),
        ("metapub__pmid_28731372.xml", "pubmed-xml"),
        ("jabref__EndnoteXmlImporterTestArticle.xml", "endnote-xml"),
        ("colrev__bib_data.bib", "bibtex"),
        ("colrev__ieee_csv.csv", "csv"),
        ("rispy__example_wos.ris", "wos"),
        ("jabref__OvidImporterTest4.txt", "ovid"),
        ("colrev__ais_enl.txt", "endnote-tagged"),
    ],
)
def test_format_is_detected_from_content(name: str, expected: str) -> None:
    assert parse_bytes(fixture_bytes(name)).format == expected


@pytest.mark.parametrize(
    ("data", "detected", "phrase"),
    [
        (b"", "empty", "the file is empty"),
        (b"  \n\r\n ", "empty", "the file is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip", "ZIP archive"),
        (b"\x00\x01\x02\x03\xff\xfe\x00\x00binary\x00\x10\x11" * 20, "binary", "binary file"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "html", "web page (HTML)"),
        (b"<?xml version='1.0'?><catalog><book/></catalog>", "xml", "neither PubMed XML"),
        (b"Dear librarian,\nplease find the results attached.\n", "text", "no reference records"),
        (b"name,age\nAnn,3\n", "text", "no reference records"),
    ],
    ids=["empty", "blank", "pdf", "zip", "binary", "html", "other-xml", "prose", "table"],
)
def test_non_reference_files_are_refused_with_a_helpful_message(
    data: bytes, detected: str, phrase: str
) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data)
    assert caught.value.detected == detected
    assert phrase in str(caught.value)
    if detected not in ("binary",):
        assert "export" in str(caught.value)


def test_esearch_response_is_refused_as_a_list_of_ids() -> None:
    with pytest.raises(ImportFormatError, match="E-utilities search/summary/link response"):
        parse_bytes(fixture_bytes("hawc__TestPubmed.test_search__00_esearch.xml"))


@pytest.mark.parametrize(
    ("name", "forced", "actual"),
    [
        ("jabref__NbibImporterTest.nbib", "bibtex", "PubMed/MEDLINE"),
        ("colrev__bib_data.bib", "ris", "BibTeX"),
        ("rispy__example_full.ris", "csv", "RIS"),
    ],
)
def test_forced_wrong_format_says_what_the_file_looks_like(
    name: str, forced: str, actual: str
) -> None:
    with pytest.raises(ImportFormatError, match=f"this looks like a {actual} export"):
        parse_bytes(fixture_bytes(name), format=forced)


def test_unknown_format_name_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="unknown format 'docx'"):
        parse_bytes(b"TY  - JOUR\nER  - \n", format="docx")
