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
