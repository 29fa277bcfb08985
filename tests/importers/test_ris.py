"""RIS dialects, checked against rispy's and HAWC's expectations for the same files."""

from __future__ import annotations

from string import ascii_uppercase, digits

import pytest

from importers import ris
from importers.decode import decode_bytes
from importers.detect import detect_format
from importers.errors import ImportFormatError
from importers.model import Outcome, ParseResult, ReferenceType
from importers.registry import parse_bytes
from importers.ris import iter_ris_records, parse_ris
from importers.tagged import TaggedRecord, collect_records
from tests.importers.files import fixture_bytes, fixture_names


def test_full_example_matches_rispys_expected_fields() -> None:
    result = parse_bytes(fixture_bytes("rispy__example_full.ris"))
    assert result.format == "ris"
    first, second = result.references
    # Values from rispy's test_load_example_full_ris expectation.
    assert first.title == "Title of reference"
    assert first.authors == ("Marx, Karl", "Lindgren, Astrid")
    assert first.year == 2014
    assert first.abstract.startswith("BACKGROUND: Lorem ipsum dolor sit amet")
    assert first.keywords == ("Pippi", "Nordwind", "Piraten")
    assert (first.journal, first.volume, first.issue, first.pages) == ("Lorem", "9", "3", "e0815")
    assert first.issn == "1932-6208"
    assert first.url == "http://example_url.com"
    assert first.type is ReferenceType.JOURNAL_ARTICLE
    assert second.authors == ("Marxus, Karlus", "Lindgren, Astrid")
    assert second.issn == "1732-4208"
    # The "1." / "2." lines between records are skipped; each record starts at its TY line.
    assert [n.line for n in result.notes] == [2, 27]


def test_multiline_values_join_text_and_split_list_tags() -> None:
    result = parse_bytes(fixture_bytes("rispy__example_multiline.ris"))
    assert len(result.references) == 3
    for reference in result.references:
        assert reference.abstract == "first line, ER then second line and at the end the last line"
        assert "* second line" in reference.raw


def test_urls_repeated_semicolon_joined_or_continued() -> None:
    result = parse_bytes(fixture_bytes("rispy__example_urls.ris"))
    assert [r.url for r in result.references] == ["http://example.com"] * 4


def test_empty_tag_and_doi_given_as_url() -> None:
    (reference,) = parse_bytes(fixture_bytes("rispy__example_empty_tag.ris")).references
    assert reference.issue == "9"
    assert reference.pages == ""
    assert reference.doi is not None
    assert not reference.doi.startswith("http")


def test_bom_and_journal_label_type() -> None:
    result = parse_bytes(fixture_bytes("rispy__example_utf_chars.ris"))
    assert result.encoding == "utf-8-sig"
    (reference,) = result.references
    assert reference.type is ReferenceType.JOURNAL_ARTICLE
    assert any("\u0400" <= ch <= "\u04ff" for ch in reference.title + reference.abstract)


def test_missing_final_er_is_repaired_not_dropped() -> None:
    result = parse_bytes(fixture_bytes("colrev__ris_data.ris"))
    assert len(result.references) == 2
    repaired = [n for n in result.notes if n.outcome is Outcome.REPAIRED]
    assert [n.message for n in repaired] == ["missing ER line added"]
    first = result.references[0]
    assert first.doi == "10.1234/random-name55555.2020.00050"
    assert first.pmid == "12345678"
    # "KW - keyword2" (one space) and the untagged lines after it are all keywords.
    assert first.keywords == ("keyword2", "keyword3")


def test_ovid_numbering_doi_urls_and_trailing_tags() -> None:
    result = parse_bytes(fixture_bytes("asreview__ovid_psycinfo.ris"))
    assert len(result.references) == 6
    assert all(n.outcome is Outcome.ACCEPTED for n in result.notes)
    first = result.references[0]
    assert first.doi == "10.1002/cpp.2398"
    assert first.pages == ""  # Ovid's "SP - No / EP - Specified"
    assert first.year == 2019


def test_tab_separated_tags_are_read() -> None:
    result = parse_bytes(fixture_bytes("asreview__baseline_tag_and_field_definitions.ris"))
    first = result.references[0]
    assert "First Authors" in first.authors
    assert first.journal == "Alternate Title 3"


def test_record_without_ty_is_kept_with_a_repair_note() -> None:
    result = parse_bytes(fixture_bytes("jabref__RisImporterCorrupted.ris"))
    (note,) = result.notes
    assert note.outcome is Outcome.REPAIRED
    assert "missing TY line" in note.message
    assert result.references[0].title == "Editorial: Open Source and Empirical Software Engineering"


def test_hawc_sample_matches_hawcs_expected_values() -> None:
    result = parse_bytes(fixture_bytes("hawc__sample_ris.txt"))
    assert len(result.references) == 10
    first = result.references[0]
    assert first.title.startswith("p-Nitrophenol and glutathione response in medaka")
    assert first.year == 2003
    assert first.doi == "10.1016/s1532-0456(03)00003-6"
    assert first.pmid == "12643982"
    assert len(first.authors) == 5
    assert result.references[5].year == 2011
    assert result.references[9].year == 2014


def test_doi_as_url_is_normalised_and_a_non_doi_is_dropped() -> None:
    result = parse_bytes(fixture_bytes("hawc__with-doi.ris"))
    assert [r.doi for r in result.references] == ["10.1016/b36c36", "10.1016/b37c37", None]


def test_empty_record_is_rejected_with_reason_and_neighbours_kept() -> None:
    text = "TY  - JOUR\nTI  - Kept\nER  - \n\nTY  - JOUR\nN1  - only a note\nER  - \n"
    result = parse_ris(text)
    assert [r.title for r in result.references] == ["Kept"]
    assert [(n.record, n.line, n.outcome) for n in result.notes] == [
        (1, 1, Outcome.ACCEPTED),
        (2, 5, Outcome.REJECTED),
    ]
    assert result.notes[1].message == "record has no title, abstract, authors or identifiers"


def test_sloppy_tag_spacing_and_leading_spaces_in_values() -> None:
    text = "  TY  -JOUR\nTI -   Spaced title\nAU\t- Doe, J\nPY  - 2001\nER  -\n"
    (reference,) = parse_ris(text).references
    assert reference.type is ReferenceType.JOURNAL_ARTICLE
    assert (reference.title, reference.authors, reference.year) == (
        "Spaced title",
        ("Doe, J",),
        2001,
    )


@pytest.mark.parametrize("block_chars", [1, 7, 50, 1 << 16])
def test_reading_in_blocks_changes_nothing(block_chars: int) -> None:
    # Records, continuation lines, a missing ER and a trailing newline cross block boundaries.
    text = (
        "1.\nTY  - JOUR\nTI  - First\n  continued title\nAU  - Doe, J\nER  - \n\n"
        "TY  - BOOK\nTI  - Second\nKW  - a\nb\nER  -\n2.\nTY  - JOUR\nTI  - Third, no ER\n"
    )
    whole = [
        (r.line, r.fields, r.repairs, r.raw) for r in iter_ris_records(text, block_chars=len(text))
    ]
    blocks = [
        (r.line, r.fields, r.repairs, r.raw)
        for r in iter_ris_records(text, block_chars=block_chars)
    ]
    assert blocks == whole
    assert [fields["TI"] for _, fields, _, _ in whole] == [
        ["First continued title"],
        ["Second"],
        ["Third, no ER"],
    ]
    assert whole[2][3] == "TY  - JOUR\nTI  - Third, no ER\n"


def _parse_reading_every_tag(text: str) -> ParseResult:
    records = iter_ris_records(text)  # no *only*: every tag's values are kept
    return collect_records("ris", records, ris._to_reference, "utf-8")


def _ris_fixture_texts() -> dict[str, str]:
    texts = {name: decode_bytes(fixture_bytes(name)).text for name in fixture_names()}
    return {name: text for name, text in texts.items() if _is_ris(text)}


def _is_ris(text: str) -> bool:
    try:
        return detect_format(text) == "ris"
    except ImportFormatError:
        return False


RIS_FIXTURES = _ris_fixture_texts()


@pytest.mark.parametrize("name", sorted(RIS_FIXTURES))
def test_reading_only_the_tags_references_use_changes_no_reference(name: str) -> None:
    text = RIS_FIXTURES[name]
    assert parse_ris(text) == _parse_reading_every_tag(text)


def test_the_fixtures_hold_ris_files() -> None:
    assert len(RIS_FIXTURES) >= 10


class _AskedFields(dict[str, list[str]]):
    """A record's tag -> values that notes which tags were asked for."""

    asked: set[str]

    def get(self, tag: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(tag)
        return super().get(tag, default)

    def __contains__(self, tag: object) -> bool:
        self.asked.add(str(tag))
        return super().__contains__(tag)

    def __getitem__(self, tag: str) -> list[str]:
        self.asked.add(tag)
        return super().__getitem__(tag)


@pytest.mark.skipif(ris.__file__.endswith(".so"), reason="compiled dict look-ups skip overrides")
def test_parse_ris_keeps_every_tag_references_are_built_from() -> None:
    asked: set[str] = set()
    every_tag = [a + b for a in ascii_uppercase for b in ascii_uppercase + digits] + ["PMID"]
    for kind in ("JOUR", "BOOK", "CHAP"):
        for value in ("", "x 10.1000/x 12345 pubmed"):  # empty values make each fallback read
            fields = _AskedFields({tag: [value] for tag in every_tag} | {"TY": [kind]})
            fields.asked = asked
            ris._to_reference(TaggedRecord(line=1, fields=fields), 1)
    assert asked == ris._READ_TAGS


@pytest.mark.parametrize("block_chars", [1, 5, 12, 1 << 12])
def test_leftover_tags_between_records_stay_out_of_the_next_raw_record(block_chars: int) -> None:
    # Ovid ends records with "ER  -" and then a stray "NL  -" line before the next TY; blocks
    # cut anywhere through those leftovers must not glue them onto the next record.
    text = "TY  - JOUR\nTI  - One\nER  - \nNL  - leftover\nnote\nTY  - JOUR\nTI  - Two\nER  - \n"
    records = list(iter_ris_records(text, block_chars=block_chars))
    assert [r.raw for r in records] == [
        "TY  - JOUR\nTI  - One\nER  - ",
        "TY  - JOUR\nTI  - Two\nER  - ",
    ]
    assert [r.line for r in records] == [1, 6]
