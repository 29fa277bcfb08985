"""Why a queued pair was not merged, in words a person reads: each conflict the matcher knows
gets its own sentence, with no rule names and no record numbers (hand-made records)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from importers.dedup import match_keys
from importers.dedup.explain import Member, alike_words, pair_scores, why_not_merged
from importers.dedup.identifiers import central_accession
from importers.model import Reference, ReferenceType
from tests.importers.dedup.builders import make_reference

ARTICLE = make_reference()


def member(reference: Reference) -> Member:
    return Member(reference.title, match_keys(reference))


def why(left: Reference, right: Reference) -> str:
    return why_not_merged((member(left), member(right)))[0]


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (
            replace(ARTICLE, doi="10.5555/jers.2016.9999999"),
            "Not merged automatically: they carry different DOIs, and the matcher never "
            "merges two DOIs on its own (if one DOI is wrong, correct it).",
        ),
        (
            replace(ARTICLE, doi=None, title="Erratum: " + ARTICLE.title, pages="1400"),
            "Not merged automatically: one is an article and the other a correction notice "
            "(erratum).",
        ),
    ],
)
def test_each_conflict_has_its_own_plain_sentence(other: Reference, expected: str) -> None:
    assert why(ARTICLE, other) == expected


def test_different_pubmed_ids_and_pages_are_named() -> None:
    left = replace(ARTICLE, doi=None, pmid="111", abstract="")
    assert "different PubMed IDs" in why(left, replace(left, pmid="222"))
    assert why(left, replace(left, pmid=None, pages="1511-1520")).endswith("their pages differ.")


def test_a_shared_doi_with_other_pages_says_what_may_have_happened() -> None:
    other = replace(ARTICLE, pages="1511-1520", title=ARTICLE.title + " (extended follow-up)")
    sentence = why(replace(ARTICLE, abstract=""), replace(other, abstract=""))
    assert sentence.startswith("Not merged automatically: they share a DOI, but their pages")
    assert "copied onto another record" in sentence


def test_a_conflict_inside_the_groups_is_named_by_titles() -> None:
    """The shown records agree, but the merge would also join a record of the left group with
    a correction notice on the right: the sentence names both by their titles."""
    copy = replace(ARTICLE, doi=None, journal="J Exerc Recov Stud")
    erratum = replace(ARTICLE, doi=None, title="Erratum: " + ARTICLE.title, pages="1400")
    sentences = why_not_merged((member(ARTICLE), member(copy)), ((), (member(erratum),)))
    assert sentences[0] == (
        f"Not merged automatically: merging them would also put “{ARTICLE.title[:79].rstrip()}…” "
        f"together with “Erratum: {ARTICLE.title[:70].rstrip()}…”, and for those two one is an "
        "article and the other a correction notice (erratum)."
    )


def test_a_recurring_title_and_a_plain_doubt_are_explained() -> None:
    editorial = replace(ARTICLE, title="Editorial", doi=None, abstract="", pages="", issue="")
    assert "a journal prints again and again" in why(editorial, editorial)
    in_issue = replace(editorial, issue="7")
    assert why(in_issue, replace(in_issue, issue="8")).endswith("issue numbers differ.")
    close = replace(ARTICLE, doi=None, abstract="", pages="", volume="")
    sentences = why_not_merged(
        (member(close), member(replace(close, journal="Other Journal of Running"))),
    )
    assert sentences[0] == (
        "Not merged automatically: they look alike, but not alike enough for the matcher "
        "to be sure."
    )
    assert sentences[1].startswith("Titles 100% alike, authors 100% alike")


def test_what_agrees_and_differs_is_listed_in_words() -> None:
    other = replace(ARTICLE, doi="10.5555/other", issue="8", abstract="")
    words = alike_words(pair_scores(match_keys(ARTICLE), match_keys(other)))
    assert words == (
        "Titles 100% alike, authors 100% alike, journal names 100% alike. "
        "Same year, volume and pages. Different: DOI and issue."
    )


def test_no_sentence_names_a_rule_or_a_number_of_a_record() -> None:
    cases = [
        replace(ARTICLE, doi="10.5555/x"),
        replace(ARTICLE, doi=None, year=2019, abstract=""),
        replace(ARTICLE, doi=None, volume="49", abstract=""),
        replace(ARTICLE, doi=None, title="Cold-water immersion part 2", abstract=""),
        replace(ARTICLE, doi=None, type=ReferenceType.CONFERENCE_ABSTRACT, pages="S12"),
    ]
    for other in cases:
        sentence = " ".join(why_not_merged((member(ARTICLE), member(other))))
        # The core's own reasons read "title 98, authors 100" and "erratum vs article".
        assert not re.search(r"\b(?:title|authors|abstract) \d+(?![\d%])", sentence), sentence
        assert " vs " not in sentence
        assert "record" not in sentence


def test_a_central_accession_is_recognised_in_any_written_form() -> None:
    assert central_accession("10.1002/central/CN-01234567") == "CN-01234567"
    assert central_accession("https://doi.org/10.1002/CENTRAL/cn-00000042") == "CN-00000042"
    assert central_accession("10.5555/jers.2016.0481311") is None
    assert central_accession(None) is None
