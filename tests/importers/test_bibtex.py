from __future__ import annotations

from importers.bibtex import delatex, parse_bibtex
from importers.model import Outcome, ReferenceType
from importers.registry import parse_bytes
from tests.importers.files import fixture_bytes


def test_entries_and_duplicate_keys() -> None:
    result = parse_bytes(fixture_bytes("colrev__bib_data.bib"))
    assert result.format == "bibtex"
    assert len(result.references) == 6
    first = result.references[0]
    assert first.title == "This is a dummy title"
    assert first.doi == "10.3333/xyz.v4444.04"
    assert first.pages == "99-123"
    assert first.keywords == ("Dummy", "Template", "Void", "Example")
    repaired = [n for n in result.notes if n.outcome is Outcome.REPAIRED]
    assert len(repaired) == 1
    assert "duplicate key" in repaired[0].message


def test_unreadable_entry_is_rejected_and_the_rest_kept() -> None:
    result = parse_bytes(fixture_bytes("colrev__ebsco_bib.bib"))
    assert [r.title for r in result.references] == ["Paper title."]
    rejected = result.rejected
    assert len(rejected) == 1
    assert rejected[0].record == 2
    assert rejected[0].line == 15
    assert rejected[0].message.startswith("BibTeX entry could not be read")


def test_bom_and_inproceedings() -> None:
    result = parse_bytes(fixture_bytes("colrev__web_of_science_bib.bib"))
    assert result.encoding == "utf-8-sig"
    first = result.references[0]
    assert first.type is ReferenceType.CONFERENCE_PAPER
    assert first.authors == ("Writerone, Julia", "Writertwo, Paul")
    assert first.doi == "10.1007/999-9-999-99999-9_3"


def test_latex_accents_escapes_and_braces() -> None:
    assert delatex(r"Sch{\"o}n \& K\'{a}lm{\'a}n -- {DNA}") == "Schön & Kálmán - DNA"


def test_author_list_split_on_and() -> None:
    result = parse_bibtex("@article{k, author = {Doe, Jane and Roe, R. and Smith}, title={T}}\n")
    assert result.references[0].authors == ("Doe, Jane", "Roe, R.", "Smith")
