"""The rules that keep automatic merges right on literature never seen: junk is missing evidence,
titles that disagree veto, generic titles need the same place, CENTRAL accessions are not DOIs.

Every record is hand-made; each rule is shown with a case it lets through and one it stops.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from importers.dedup import Decision, deduplicate
from importers.model import Reference
from tests.importers.dedup.builders import groups, make_reference, merged, queued

NO_DOI = make_reference(doi=None)


@pytest.mark.parametrize(
    "junk",
    ["Jun", "Nov", "2016", "15", "var.pagings", "Mar-62", "2010-2Oct", "01-Sep", "no pagination"],
)
def test_junk_in_the_pages_is_missing_never_a_conflict(junk: str) -> None:
    result = deduplicate([NO_DOI, replace(NO_DOI, pages=junk)])
    assert groups(result) == {(0, 1)}


def test_real_pages_that_differ_still_conflict() -> None:
    bare = replace(NO_DOI, abstract="")
    result = deduplicate([bare, replace(bare, pages="1511-1520")])
    assert groups(result) == {(0,), (1,)}
    assert result.maybe_pairs[0].reason.startswith("pages differ")


@pytest.mark.parametrize(
    "junk",
    [
        replace(NO_DOI, volume="2016"),
        replace(NO_DOI, volume="Jul"),
        replace(NO_DOI, issue="01-Jul"),
    ],
)
def test_junk_volume_or_issue_is_missing(junk: Reference) -> None:
    assert merged(NO_DOI, junk)
    assert not merged(replace(NO_DOI, abstract=""), replace(NO_DOI, abstract="", volume="49"))


def test_a_lone_day_agrees_but_never_disagrees() -> None:
    single = replace(NO_DOI, pages="15")
    assert merged(single, NO_DOI)
    assert not merged(replace(NO_DOI, pages="150"), NO_DOI)


DATA_ERROR = make_reference(
    title="Hamstring strength and sprint speed in youth football players",
    doi=None,
    abstract="",
)


def test_titles_that_disagree_veto_an_automatic_merge() -> None:
    # Same authors, journal, year, volume, issue and pages: a source's data error, not a copy.
    result = deduplicate([replace(NO_DOI, abstract=""), DATA_ERROR])
    assert groups(result) == {(0,), (1,)}
    assert result.pairs[0].reason.startswith("titles disagree")
    assert (0, 1) in queued(result)  # the whole citation agrees: worth a person's look


def test_titles_that_disagree_veto_even_the_same_doi() -> None:
    result = deduplicate([make_reference(), replace(DATA_ERROR, doi=make_reference().doi)])
    assert groups(result) == {(0,), (1,)}
    assert result.maybe_pairs[0].decision is Decision.MAYBE


def test_titles_that_disagree_are_also_kept_apart_through_a_chain() -> None:
    # B agrees with A (same DOI) and with C (same citation), A and C disagree on the title.
    a = make_reference(abstract="")
    b = make_reference(title="", abstract="")
    c = replace(DATA_ERROR, doi=None)
    result = deduplicate([a, b, c])
    assert not any({0, 2} <= set(members) for members in groups(result))


def test_a_subtitle_or_a_section_heading_is_not_a_disagreement() -> None:
    short = replace(NO_DOI, title="Cold-water immersion in recreational runners", abstract="")
    subtitle = replace(short, title=short.title + ": a randomised trial of recovery")
    heading = replace(short, title="Clinical trials: " + short.title)
    assert merged(short, subtitle)
    assert merged(short, heading)


COLUMN = Reference(
    title="Editor's Comments",
    authors=("Lindqvist, R.",),
    year=2014,
    journal="Quarterly Review of Information Management",
    volume="38",
    issue="2",
)


def test_a_column_title_needs_the_same_issue_or_pages() -> None:
    next_issue = replace(COLUMN, issue="3")
    assert not merged(COLUMN, next_issue)
    assert not merged(replace(COLUMN, pages="iii-iv"), replace(next_issue, pages="v-vi"))
    assert not merged(replace(COLUMN, issue=""), replace(next_issue, issue=""))
    assert merged(COLUMN, replace(COLUMN, journal="Q Rev Inf Manag"))
    assert merged(replace(COLUMN, issue="", pages="iii-iv"), replace(COLUMN, pages="iii-iv"))


@pytest.mark.parametrize(
    "title", ["Remarks from the Editor", "Letter to the editor", "Book review", "Editorial"]
)
def test_column_titles_of_different_issues_are_not_merged(title: str) -> None:
    assert not merged(replace(COLUMN, title=title), replace(COLUMN, title=title, issue="4"))


def test_a_title_printed_at_many_places_is_generic() -> None:
    # Not column words, but a title found in three volumes names a recurring item.
    title = "What is new in sports cardiology this season"
    volumes = [replace(COLUMN, title=title, volume=str(v), year=2010 + v) for v in range(3)]
    twin = replace(volumes[0], issue="3")
    result = deduplicate([*volumes, twin])
    assert all(len(members) == 1 for members in groups(result))
    # The same title in one volume only is an ordinary title: one item, two exports.
    assert merged(
        replace(volumes[0], abstract=""), replace(twin, issue="2", journal="Q Rev Inf Manag")
    )


def test_a_central_accession_is_not_a_doi() -> None:
    central = replace(NO_DOI, doi="10.1002/central/CN-01234567")
    other_central = replace(NO_DOI, doi="10.1002/central/CN-07654321")
    # It neither blocks a merge as another DOI...
    assert merged(central, make_reference())
    # ...nor drives one: two trial registrations under one accession are compared as records.
    same_accession = replace(DATA_ERROR, doi="10.1002/central/CN-01234567")
    assert not merged(central, same_accession)
    assert merged(central, other_central)


@pytest.mark.parametrize(
    "title",
    [
        "Correction of scoliosis with pedicle screws in adolescents",
        "Re-operation rates after hip arthroplasty in older adults",
        "Immune response to influenza vaccination in older adults",
    ],
)
def test_ordinary_titles_with_kind_words_merge_as_articles(title: str) -> None:
    assert merged(replace(NO_DOI, title=title), replace(make_reference(), title=title.upper()))
