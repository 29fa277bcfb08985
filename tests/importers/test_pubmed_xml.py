"""PubMed XML: markup, structured abstracts, books, and refusal of unsafe XML."""

from __future__ import annotations

import pytest

from importers.errors import ImportFormatError
from importers.model import Outcome, Reference, ReferenceType
from importers.pubmed_xml import parse_pubmed_xml
from importers.registry import parse_bytes
from tests.importers.files import fixture_bytes


def _single(name: str) -> Reference:
    result = parse_bytes(fixture_bytes(name))
    assert result.format == "pubmed-xml"
    (reference,) = result.references
    return reference


def test_structured_abstract_keeps_labels_as_paragraphs() -> None:
    # HAWC's expectation for PMID 21813367: BACKGROUND, OBJECTIVES, METHODS ... sections.
    reference = _single("hawc__TestPubMedFetch.test_structured_abstract__00_efetch.xml")
    paragraphs = reference.abstract.split("\n")
    assert paragraphs[0].startswith("BACKGROUND: People living or working in eastern Ohio")
    assert paragraphs[1].startswith("OBJECTIVES: Our objective was to estimate historical PFOA")
    assert paragraphs[2].startswith("METHODS: ")


def test_inline_markup_in_title_is_flattened() -> None:
    reference = _single("hawc__TestPubMedFetch.test_title_with_child_text__00_efetch.xml")
    assert reference.title == (
        "Phoenix dactylifera mediated green synthesis of Cu2O particles for arsenite "
        "uptake from water."
    )


def test_collective_name_is_an_author() -> None:
    reference = _single("hawc__TestPubMedFetch.test_collective_author__00_efetch.xml")
    assert reference.authors[0] == "National Toxicology Program"


def test_doi_from_article_ids() -> None:
    reference = _single("hawc__TestPubMedFetch.test_doi__00_efetch.xml")
    assert reference.doi == "10.1016/j.medcli.2011.05.017"
    assert reference.pmid == "21813142"


def test_book_with_collective_authors() -> None:
    reference = _single("hawc__TestPubMedFetch.test_book__00_efetch.xml")
    assert reference.type is ReferenceType.BOOK
    assert reference.title == (
        "Application of Modern Toxicology Approaches for Predicting Acute Toxicity for "
        "Chemical Defense"
    )
    assert reference.year == 2015
    assert reference.doi == "10.17226/21775"
    assert reference.pmid == "26468569"
    assert reference.authors[1:3] == (
        "Committee on Toxicology",
        "Board on Environmental Studies and Toxicology",
    )


def test_book_chapter() -> None:
    reference = _single("hawc__TestPubMedFetch.test_book_chapter__00_efetch.xml")
    assert reference.type is ReferenceType.BOOK_CHAPTER
    assert reference.title == "Single Large-Scale Mitochondrial DNA Deletion Syndromes"
    assert reference.year == 1993
    assert reference.doi is None
    assert [a.split(",")[0] for a in reference.authors] == ["Goldstein", "Falk"]
    assert reference.journal.startswith("GeneReviews")


def test_utf8_abstract() -> None:
    result = parse_bytes(fixture_bytes("hawc__TestPubMedFetch.test_utf8__00_efetch.xml"))
    assert [r.pmid for r in result.references] == ["23878845", "16080930"]
    assert "\u03b1" in result.references[0].abstract


def test_mathml_in_abstract_is_flattened_to_text() -> None:
    reference = _single("jabref__MedlineImporterTestMathML.xml")
    assert reference.title == "CellML 2.0."
    assert "<" not in reference.abstract
    assert "mml" not in reference.abstract
    assert reference.pmcid == "PMC7756617"


def test_medline_date_gives_the_year() -> None:
    reference = _single("jabref__MedlineImporterTestKeywordSingleEntry.xml")
    assert reference.year == 1999


def test_book_article_set_and_line_numbers() -> None:
    result = parse_bytes(fixture_bytes("jabref__MedlineImporterTestBookArticleSet.xml"))
    assert [r.type for r in result.references] == [ReferenceType.BOOK_CHAPTER, ReferenceType.BOOK]
    assert [n.line for n in result.notes] == [2, 67]


def test_structured_abstract_with_inline_markup_and_elocation_doi() -> None:
    reference = _single("metapub__pmid_28731372.xml")
    assert reference.abstract.startswith("BACKGROUND: Epstein-Barr virus (EBV) infection")
    assert reference.doi == "10.1177/1352458517722646"


def test_empty_article_is_rejected_and_empty_set_has_no_records() -> None:
    minimal = parse_bytes(fixture_bytes("jabref__MedlineImporterTestMinimalEntry.xml"))
    assert [n.outcome for n in minimal.notes] == [Outcome.REJECTED]
    empty = parse_bytes(fixture_bytes("metapub__pmid_37909814.xml"))
    assert empty.notes == ()


def test_malformed_xml_is_refused_with_its_position() -> None:
    with pytest.raises(ImportFormatError, match=r"not well-formed XML \(line \d+"):
        parse_bytes(fixture_bytes("jabref__MedlineImporterTestMalformedEntry.xml"))


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n<PubmedArticleSet><PubmedArticle>&lol9;</PubmedArticle></PubmedArticleSet>\n"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n'
    '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    "<PubmedArticleSet><PubmedArticle><MedlineCitation><Article><ArticleTitle>&xxe;"
    "</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>\n"
)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_entity_declarations_are_refused(document: str) -> None:
    # How quickly is measured in benchmarks/responsiveness.py.
    with pytest.raises(ImportFormatError, match="refused for safety") as caught:
        parse_bytes(document.encode("utf-8"))
    assert caught.value.detected == "unsafe-xml"


def test_parser_refuses_unsafe_xml_directly_too() -> None:
    with pytest.raises(ImportFormatError):
        parse_pubmed_xml(EXTERNAL_ENTITY)
