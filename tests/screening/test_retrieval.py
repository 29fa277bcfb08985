"""Matching PDF file names to records: hand-made names in the ways people and tools write them."""

from __future__ import annotations

import pytest

from screening.retrieval import (
    OPTION_SCORE,
    Candidate,
    MatchedBy,
    identifier_records,
    match_file,
    match_files,
    title_evidence,
    title_score,
)

EXERCISE = Candidate(
    1,
    "Effect of exercise on depression in older adults: a randomised trial",
    doi="10.1016/j.jclinepi.2020.01.001",
    pmid="31234567",
)
EXERCISE_REVIEW = Candidate(
    2, "Exercise for depression: a systematic review", doi="10.1016/j.jclinepi.2020.01.0012"
)
SLEEP = Candidate(3, "Sleep hygiene education for insomnia in adolescents", pmcid="PMC6543210")
YOGA = Candidate(4, "Yoga for chronic low back pain", pmid="21234")
CANDIDATES = [EXERCISE, EXERCISE_REVIEW, SLEEP, YOGA]


@pytest.mark.parametrize(
    "filename",
    [
        "10.1016_j.jclinepi.2020.01.001.pdf",
        "10.1016%2Fj.jclinepi.2020.01.001.pdf",
        "doi 10.1016-j.jclinepi.2020.01.001 Smith.PDF",
        "Smith2020_10.1016_J.JCLINEPI.2020.01.001.pdf",
    ],
)
def test_a_doi_written_without_its_slash_finds_its_record(filename: str) -> None:
    match = match_file(filename, CANDIDATES)
    assert (match.record_id, match.matched_by) == (1, MatchedBy.DOI)


def test_a_doi_must_end_where_a_word_ends_so_a_longer_doi_is_not_taken_for_a_shorter() -> None:
    assert match_file("10.1016_j.jclinepi.2020.01.0012.pdf", CANDIDATES).record_id == 2
    assert identifier_records("10.1016_j.jclinepi.2020.01.00123", CANDIDATES) == {}


@pytest.mark.parametrize(
    ("filename", "record_id", "how"),
    [
        ("PMID31234567.pdf", 1, MatchedBy.PMID),
        ("pmid_31234567_fulltext.pdf", 1, MatchedBy.PMID),
        ("31234567.pdf", 1, MatchedBy.PMID),
        ("PMID: 21234.pdf", 4, MatchedBy.PMID),
        ("PMC6543210.pdf", 3, MatchedBy.PMCID),
        ("pmc6543210 sleep.pdf", 3, MatchedBy.PMCID),
    ],
)
def test_pubmed_identifiers_find_their_record(
    filename: str, record_id: int, how: MatchedBy
) -> None:
    match = match_file(filename, CANDIDATES)
    assert (match.record_id, match.matched_by) == (record_id, how)


def test_a_number_inside_a_doi_or_a_year_is_not_read_as_a_pmid() -> None:
    inside_doi = Candidate(9, "Other", doi="10.1000/ab.31234567")
    assert identifier_records("10.1000_ab.31234567.pdf", [EXERCISE, inside_doi]) == {
        9: MatchedBy.DOI
    }
    year = Candidate(8, "Old paper", pmid="2020")
    assert identifier_records("Smith 2020 notes", [year]) == {}


def test_identifiers_that_name_two_records_are_asked_about() -> None:
    match = match_file("10.1016_j.jclinepi.2020.01.001 PMID21234.pdf", CANDIDATES)
    assert match.record_id is None
    assert [o.record_id for o in match.options] == [1, 4]


@pytest.mark.parametrize(
    "filename",
    [
        "Effect of exercise on depression in older adults a randomised trial.pdf",
        "effect_of_exercise_on_depression_in_older_adults.pdf",
        "Smith et al. - 2020 - Effect of exercise on depression in older adu.pdf",
        "Smith - 2020 - Effect of exercise on depression in older adults.pdf",
    ],
)
def test_a_title_that_stands_out_is_matched_without_asking(filename: str) -> None:
    match = match_file(filename, CANDIDATES)
    assert (match.record_id, match.matched_by) == (1, MatchedBy.TITLE)


def test_a_vague_name_asks_and_offers_the_closest_records_first() -> None:
    match = match_file("exercise depression.pdf", CANDIDATES)
    assert match.record_id is None
    assert match.options
    assert match.options[0].record_id in {1, 2}
    assert {o.record_id for o in match.options} <= {1, 2}


def test_a_name_that_resembles_nothing_offers_nothing() -> None:
    match = match_file("scan0001.pdf", CANDIDATES)
    assert match.record_id is None
    assert match.options == ()


def test_title_score_weighs_truncation_and_extra_words_lightly() -> None:
    exact = title_score("Yoga for chronic low back pain", YOGA.title)
    with_author = title_score("Jones 2011 - Yoga for chronic low back pain", YOGA.title)
    other = title_score("Yoga for chronic low back pain", SLEEP.title)
    assert exact == 100.0
    assert with_author >= 90.0
    assert other < OPTION_SCORE


def test_two_files_sure_of_one_record_are_both_asked_about() -> None:
    matches = match_files(["PMID31234567.pdf", "10.1016_j.jclinepi.2020.01.001.pdf"], CANDIDATES)
    assert [m.record_id for m in matches] == [None, None]
    assert all(m.options[0].record_id == 1 for m in matches)


def test_files_are_answered_in_the_order_given() -> None:
    matches = match_files(["PMC6543210.pdf", "scan.pdf", "PMID21234.pdf"], CANDIDATES)
    assert [(m.filename, m.record_id) for m in matches] == [
        ("PMC6543210.pdf", 3),
        ("scan.pdf", None),
        ("PMID21234.pdf", 4),
    ]


def test_one_word_shared_with_a_title_is_offered_but_never_taken_without_asking() -> None:
    match = match_file("yoga.pdf", CANDIDATES)
    assert match.record_id is None
    assert [o.record_id for o in match.options] == [4]
    assert title_evidence("yoga", YOGA.title).coverage < 0.5
