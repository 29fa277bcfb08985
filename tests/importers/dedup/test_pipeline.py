"""Hand-made dedup cases: what must merge, what must only be queued, what must stay apart."""

from __future__ import annotations

from importers.dedup import Decision, deduplicate
from importers.model import Reference, ReferenceType
from tests.importers.dedup.builders import groups, make_reference, queued


def test_exact_copies_from_two_databases_are_merged_with_reason() -> None:
    result = deduplicate(
        [make_reference(), make_reference(doi="https://doi.org/10.5555/JERS.2016.0481311")]
    )
    assert groups(result) == {(0, 1)}
    assert result.pairs[0].decision is Decision.DUPLICATE
    assert result.pairs[0].reason.startswith("same DOI, title 100, authors 100")


def test_missing_doi_and_other_author_forms_still_merge() -> None:
    other = make_reference(
        doi=None,
        authors=("Halvorsen K. T.", "Mbeki A.", "Oyelaran P. J."),
        journal="J Exerc Recovery Stud",
        pages="1311-20",
        title="COLD-WATER IMMERSION AFTER ECCENTRIC EXERCISE IN RECREATIONAL RUNNERS: A "
        "RANDOMIZED TRIAL.",
    )
    result = deduplicate([make_reference(), other])
    assert groups(result) == {(0, 1)}
    assert "same year/volume/issue/pages" in result.pairs[0].reason


def test_translated_title_in_brackets_merges() -> None:
    original = make_reference(title="[Cold-water immersion after eccentric exercise in runners]")
    english = make_reference(
        title="Cold-water immersion after eccentric exercise in runners", doi=None
    )
    assert groups(deduplicate([original, english])) == {(0, 1)}


def test_translated_title_matches_the_original_language_title_by_citation() -> None:
    english = make_reference(
        title="[Antibiotic prophylaxis in thoracic surgery: a controlled study]",
        doi=None,
        abstract="",
    )
    french = make_reference(
        title="Antibioprophylaxie en chirurgie thoracique: etude controlee",
        doi=None,
        abstract="",
    )
    assert groups(deduplicate([english, french])) == {(0, 1)}


def test_erratum_and_its_article_are_queued_never_merged() -> None:
    erratum = make_reference(
        title="Erratum: " + make_reference().title, doi=None, pages="1589", issue="8", abstract=""
    )
    result = deduplicate([make_reference(), erratum])
    assert groups(result) == {(0,), (1,)}
    assert (0, 1) in queued(result)


def test_reply_sharing_the_title_is_not_merged() -> None:
    reply = make_reference(title=make_reference().title + " - Reply", doi=None, abstract="")
    assert groups(deduplicate([make_reference(), reply])) == {(0,), (1,)}


def test_same_abstract_in_two_supplements_is_not_merged() -> None:
    first = make_reference(journal="Circulation", volume="130 Suppl 2", pages="A123", doi=None)
    second = make_reference(journal="Circulation", volume="132 Suppl 1", pages="A456", doi=None)
    assert groups(deduplicate([first, second])) == {(0,), (1,)}


def test_different_dois_are_only_queued() -> None:
    result = deduplicate([make_reference(), make_reference(doi="10.5555/jers.2016.9999999")])
    assert groups(result) == {(0,), (1,)}
    assert result.maybe_pairs[0].reason.startswith("different DOIs")


def test_conference_abstract_and_journal_article_are_only_queued() -> None:
    abstract = make_reference(
        journal="Exercise Recovery. Conference: European Sports Science Congress",
        type=ReferenceType.CONFERENCE_ABSTRACT,
        doi=None,
        pages="",
    )
    result = deduplicate([make_reference(), abstract])
    assert groups(result) == {(0,), (1,)}
    assert (0, 1) in queued(result)


def test_two_studies_never_chain_through_a_record_without_doi() -> None:
    first = make_reference(doi="10.5555/first")
    bridge = make_reference(doi=None)
    second = make_reference(doi="10.5555/second")
    result = deduplicate([first, bridge, second])
    assert not any({0, 2} <= set(c.members) for c in result.clusters)
    assert any(p.reason.startswith("not merged") for p in result.pairs)


def test_different_years_are_not_merged() -> None:
    later = make_reference(year=2019, doi=None)
    assert groups(deduplicate([make_reference(), later])) == {(0,), (1,)}


def test_missing_title_is_never_merged_automatically() -> None:
    untitled = make_reference(title="", doi=None)
    assert groups(deduplicate([make_reference(), untitled])) == {(0,), (1,)}


def test_most_complete_record_is_kept() -> None:
    sparse = make_reference(abstract="", doi=None, issue="")
    result = deduplicate([sparse, make_reference()])
    assert result.clusters[0].kept == 1
    assert result.kept_index() == [1, 1]


def test_unrelated_records_are_not_even_compared() -> None:
    other = Reference(title="Statins in the elderly", authors=("Doe, J.",), year=2001)
    result = deduplicate([make_reference(), other])
    assert result.pairs == ()
    assert len(result.clusters) == 2


def test_the_queue_asks_once_per_two_clusters() -> None:
    # Two copies of the trial with one DOI, two copies with another: four record pairs that
    # differ by DOI, one question.
    first = make_reference()
    second = make_reference(doi="10.5555/jers.2016.9999999")
    result = deduplicate([first, first, second, second])
    assert groups(result) == {(0, 1), (2, 3)}
    assert sum(p.decision is Decision.MAYBE for p in result.pairs) == 4
    assert len(result.maybe_pairs) == 1


def test_progress_reaches_the_total_of_every_stage() -> None:
    seen: list[tuple[str, int, int]] = []
    deduplicate([make_reference(), make_reference()], on_progress=lambda *a: seen.append(a))
    assert ("keys", 2, 2) in seen
    assert ("pairs", 1, 1) in seen
    assert seen[-1] == ("clusters", 2, 2)
