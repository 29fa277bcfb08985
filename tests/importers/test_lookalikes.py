"""Web of Science, Ovid and EndNote/Refer tagged files: read, and never mistaken for RIS."""

from __future__ import annotations

import pytest

from importers.errors import ImportFormatError
from importers.model import ReferenceType
from importers.registry import parse_bytes
from tests.importers.files import fixture_bytes


def test_wos_file_saved_as_ris_is_read_as_wos() -> None:
    result = parse_bytes(fixture_bytes("rispy__example_wos.ris"))
    assert result.format == "wos"
    # rispy's WokParser expectation for the same file.
    assert [r.title for r in result.references] == [
        "Interactions stabilizing the structure of the core light-harvesting complex (LHl) of "
        "photosynthetic bacteria and its subunit (B820)",
        "Proximal and distal influences on ligand binding kinetics in microperoxidase and heme "
        "model compounds",
    ]
    assert result.references[0].doi == "10.1021/bi049798f"
    assert result.references[0].pmid == "15170338"


def test_wos_fields() -> None:
    result = parse_bytes(fixture_bytes("jabref__IsiImporterTestWOS.isi"))
    first = result.references[0]
    assert first.authors[:2] == ("Gamernyk, RV", "Gnatenko, YP")
    assert (first.volume, first.issue, first.pages, first.year) == ("18", "23", "5323-5331", 2006)
    assert first.issn == "0953-8984"


def test_wos_forced_as_ris_is_refused_with_what_it_is() -> None:
    with pytest.raises(ImportFormatError, match="looks like a Web of Science tagged export"):
        parse_bytes(fixture_bytes("jabref__IsiImporterTestWOS.isi"), format="ris")


def test_ovid_citation_export() -> None:
    result = parse_bytes(fixture_bytes("jabref__OvidImporterTest4.txt"))
    assert result.format == "ovid"
    (reference,) = result.references
    assert reference.title.startswith("Cloud water interception and element deposition")
    assert reference.authors[:2] == ("Kohler, Lars", "Leuschner, Christoph")
    assert (reference.journal, reference.volume, reference.issue) == ("Ecohydrology", "8", "6")
    assert (reference.pages, reference.year) == ("1048-1064", 2015)
    assert reference.doi == "10.1002/eco.1563"


def test_ovid_records_with_markers_and_one_empty_record() -> None:
    result = parse_bytes(fixture_bytes("jabref__OvidImporterTest1.txt"))
    assert len(result.notes) == 5
    assert result.references[0].type is ReferenceType.BOOK_CHAPTER
    assert len(result.rejected) == 1


def test_endnote_refer_tagged() -> None:
    result = parse_bytes(fixture_bytes("colrev__ais_enl.txt"))
    assert result.format == "endnote-tagged"
    first = result.references[0]
    assert first.title.startswith("How Trust Leads to Commitment on Microsourcing Platforms")
    assert first.authors[:2] == ("Guo, Wenbo", "Straub, Detmar W.")
    assert (first.year, first.volume, first.issue, first.pages) == (2021, "45", "3", "1309-1348")


def test_endnote_book() -> None:
    (reference,) = parse_bytes(fixture_bytes("jabref__Endnote.book.example.enw")).references
    assert reference.type is ReferenceType.BOOK
    assert reference.isbn == "9783864903113"


def test_ovid_tagged_export_with_dotted_markers_and_crlf() -> None:
    # Hand-made in the layout of Ovid's MEDLINE/Embase/BIOSIS exports: "<1. >" markers, then
    # "VN  - Ovid Technologies" and two-letter tags, wrapped lines indented or not, CRLF.
    result = parse_bytes(fixture_bytes("handmade__ovid_tagged_embase.txt"))
    assert result.format == "ovid"
    assert [(n.record, n.line, n.outcome.value) for n in result.notes] == [
        (1, 1, "accepted"),
        (2, 19, "accepted"),
        (3, 32, "accepted"),
    ]
    first, second, patent = result.references
    assert first.title == (
        "Lantern-light exposure and sleep in night-shift bakers: a made-up cohort"
    )
    assert first.authors == ("Quill, Harriet M.", "Okafor, Bede")
    assert (first.journal, first.volume, first.issue, first.pages, first.year) == (
        "Journal of Invented Occupational Health",
        "41",
        "2",
        "117-129",
        2019,
    )
    assert (first.doi, first.issn, first.language) == (
        "10.5555/jioh.2019.0117",
        "1234-5679",
        "English",
    )
    assert (
        first.abstract == "Background: bakers work at night. Methods: a cohort that does not exist."
    )
    assert first.keywords == ("sleep", "shift work")
    assert first.pmid is None  # Embase's AN is its own accession number
    assert first.type is ReferenceType.JOURNAL_ARTICLE
    # Ovid MEDLINE's UI is the PubMed id.
    assert (second.pmid, second.journal, second.pages) == ("30000002", "Invented Letters", "5-8")
    assert patent.authors == ("Lindqvist, Per",)
    assert patent.year == 2004


def test_ovid_tagged_markers_are_not_taken_for_xml() -> None:
    text = "<1. >\nVN  - Ovid Technologies\nDB  - PsycINFO\nTI  - Only a title\n"
    assert parse_bytes(text.encode()).references[0].title == "Only a title"


def test_wos_continuation_lines_without_indent_continue_the_field() -> None:
    # Hand-made: a Web of Science/BIOSIS file whose wrapped lines lost their indent.
    result = parse_bytes(fixture_bytes("handmade__wos_unindented.txt"))
    assert result.format == "wos"
    first, second = result.references
    assert first.title == (
        "Lantern-light exposure and sleep in night-shift bakers: a made-up cohort of two "
        "invented bakeries"
    )
    assert first.authors == ("Quill, Harriet M.", "Okafor, Bede")
    # "UK ..." is not a Web of Science tag: it continues the abstract.
    assert first.abstract.endswith("night. UK bakeries were invented for this file.")
    assert (first.volume, first.issue, first.pages, first.doi) == (
        "41",
        "2",
        "117-129",
        "10.5555/jioh.2019.0117",
    )
    assert (second.title, second.authors, second.pages) == (
        "A second invented record",
        ("Varga, I",),
        "5-8",
    )
    assert [n.outcome.value for n in result.notes] == ["accepted", "accepted"]


def test_wos_indented_file_still_reads_unknown_tags_as_tags() -> None:
    text = "FN x\nVR 1.0\nPT J\nAU Doe, J\n   Roe, R\nTI A title\n   continued\nZZ other\nER\n"
    (reference,) = parse_bytes(text.encode()).references
    assert reference.authors == ("Doe, J", "Roe, R")
    assert reference.title == "A title continued"
