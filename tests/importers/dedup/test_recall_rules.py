"""Rules that merge more true duplicates, each beside a near miss that must stay apart.

All records are invented; field forms copy what bibliographic exports write.
"""

from __future__ import annotations

from dataclasses import replace

from importers.dedup import Decision, deduplicate
from importers.dedup.keys import match_keys
from importers.dedup.text import normalize_title
from importers.model import Reference
from tests.importers.dedup.builders import make_reference, merged


def _merge_reason(*refs: Reference) -> str:
    """The reason of the one automatic merge among ``refs``."""
    result = deduplicate(list(refs))
    assert len(result.clusters) == 1
    return next(p.reason for p in result.pairs if p.decision is Decision.DUPLICATE)


PREFACE = Reference(
    title="Preface",
    authors=("Okonkwo, C. N.",),
    year=2012,
    journal="Clinics in Sleep Medicine",
    volume="7",
    issue="2",
    pages="xiii-xv",
)


def test_prefaces_on_the_same_roman_pages_merge() -> None:
    assert merged(replace(PREFACE, doi="10.5555/j.csm.2012.02.001"), PREFACE)
    assert not merged(PREFACE, replace(PREFACE, volume="8", issue="1"))


def _pottery(title: str, pages: str = "211-230") -> Reference:
    return Reference(
        title=title,
        authors=("Zhukova, T. V.",),
        year=2008,
        journal="Vestnik Arkheologii",
        volume="12",
        issue="3",
        pages=pages,
    )


def test_language_of_the_original_noted_after_the_title_is_ignored() -> None:
    assert normalize_title("Bronze age pottery. Russian") == "bronze age pottery"
    assert normalize_title("Attitudes of Russian") == "attitudes of russian"
    assert match_keys(_pottery("Bronze age pottery. Russian")).translated
    reason = _merge_reason(_pottery("Bronze age pottery. Russian"), _pottery("Bronze age pottery"))
    assert "a translated title" in reason
    assert not merged(
        _pottery("Bronze age pottery. Russian"), _pottery("Bronze age pottery", "12-30")
    )


def test_supplement_series_number_is_not_compared_as_a_volume() -> None:
    series = make_reference(journal="Renal Studies Suppl", volume="75", doi=None)
    parent = make_reference(journal="Renal Studies", volume="57", issue="75", doi=None)
    assert merged(series, parent)
    other_volume = make_reference(journal="Renal Studies", volume="58", doi=None)
    assert not merged(make_reference(doi=None, abstract=""), other_volume)


def test_same_doi_title_and_abstract_outweigh_a_supplement_citation() -> None:
    supplement = make_reference(
        journal="Sports Recovery Supplements", volume="", pages="S7", authors=("Halvorsen, K.",)
    )
    result = deduplicate([make_reference(), supplement])
    assert len(result.clusters) == 1
    assert "same DOI, title and abstract; pages differ" in result.pairs[0].reason
    assert not merged(make_reference(), replace(supplement, abstract=""))


def test_one_mistyped_page_number_in_an_identical_record_merges() -> None:
    reason = _merge_reason(make_reference(doi=None, pages="1381-90"), make_reference())
    assert "one volume or page number mistyped" in reason
    misspelt = make_reference(authors=("Halvorson, K. T.", "Mbeki, A.", "Oyelaran, P. J."))
    assert merged(make_reference(doi=None, pages="1381-90"), misspelt)
    other_first_author = make_reference(authors=("Mbeki, A.", "Halvorsen, K. T."))
    assert not merged(make_reference(doi=None, pages="1381-90"), other_first_author)


def test_page_ranges_ending_on_the_same_page_agree() -> None:
    article = make_reference(doi=None, abstract="", pages="2141-2147")
    reason = _merge_reason(article, make_reference(doi=None, abstract="", pages="2142-2147"))
    assert "same last page" in reason
    assert not merged(article, make_reference(doi=None, abstract="", pages="2147"))


def _erratum(title: str) -> Reference:
    return Reference(
        title=title,
        authors=("Ferreira, L.",),
        year=2011,
        journal="Journal of Tropical Parasitology",
        volume="88",
        issue="9",
        pages="1204",
    )


def test_two_notices_of_one_erratum_merge_but_never_with_the_article() -> None:
    embase = _erratum(
        "Artemisinin resistance in travellers "
        "(Journal of Tropical Parasitology (2011) 88 (412-419))"
    )
    wos = _erratum("Artemisinin Resistance in Travellers (vol 88, pg 412, 2011)")
    article = Reference(
        title="Artemisinin resistance in travellers",
        authors=("Mensah, K.", "Ferreira, L."),
        year=2011,
        journal="Journal of Tropical Parasitology",
        volume="88",
        issue="3",
        pages="412-419",
    )
    result = deduplicate([embase, wos, article])
    assert {c.members for c in result.clusters} == {(0, 1), (2,)}
    assert "both are erratum records" in _merge_reason(embase, wos)


def test_full_names_written_given_name_first_match_initials() -> None:
    given_first = make_reference(authors=("Agata Nowicka",), volume="21", pages="23", doi=None)
    initials = make_reference(authors=("Nowicka A.",), volume="", pages="23", doi=None)
    assert "names read given name first" in _merge_reason(given_first, initials)
    other_person = make_reference(authors=("Agata Kowal",), volume="21", pages="23", doi=None)
    assert not merged(other_person, initials)


BOOK = Reference(
    title="Sleep and memory consolidation across the lifespan",
    authors=("Abernethy H. K.", "Sato C. A."),
    year=2011,
    journal="Sleep and Memory Consolidation Across the Lifespan",
    volume="5",
)


def test_missing_journal_does_not_disagree_when_the_volume_agrees() -> None:
    assert "a journal missing, the volume agrees" in _merge_reason(BOOK, replace(BOOK, journal=""))
    assert not merged(BOOK, replace(BOOK, journal="", volume=""))


MEETING = Reference(
    title="Complement activation during lung transplantation",
    authors=("Virtanen, A.", "Lehtonen, E.", "Salo, A."),
    year=2010,
    journal="Nordic Journal of Immunology.Conference: 41st Annual Meeting",
)


def test_abstract_printed_in_the_meetings_own_journal_is_the_same_abstract() -> None:
    supplement = replace(
        MEETING, journal="Nord J Immunol", volume="71", issue="S2", pages="499-711"
    )
    assert "the journal record is the meeting abstract itself" in _merge_reason(MEETING, supplement)
    one_page = replace(MEETING, journal="Nordic Journal of Immunology", volume="71", pages="507")
    assert merged(MEETING, one_page)
    article = replace(MEETING, journal="Nordic Journal of Immunology", volume="72", pages="31-39")
    assert not merged(MEETING, article)
    article_number = replace(MEETING, journal="Nordic Journal of Immunology", pages="e12345")
    assert not merged(MEETING, article_number)


SHORT_TITLE = Reference(
    title="Haemolytic uraemic syndrome",
    authors=("Ndlovu, D.", "Greenberg, T."),
    year=2010,
    journal="Renal Practice - Clinical",
    volume="118",
    pages="37-42",
)


def test_short_title_at_the_same_place_merges_across_online_and_print_years() -> None:
    later = replace(SHORT_TITLE, year=2011, journal="Renal Practice", pages="c37-c42")
    assert "years one apart (online and print)" in _merge_reason(SHORT_TITLE, later)
    assert not merged(SHORT_TITLE, replace(SHORT_TITLE, year=2011, journal="Thorax"))


_BARE: dict[str, object] = {"volume": "", "pages": "", "doi": None, "abstract": ""}


def test_conference_acronym_matches_its_full_name() -> None:
    full = make_reference(journal="Nordic Conference on Sport Science", **_BARE)
    acronym = make_reference(journal="NCSS 2017 Proceedings", **_BARE)
    assert "journal named by its acronym" in _merge_reason(
        replace(full, abstract=make_reference().abstract), acronym
    )
    assert not merged(full, make_reference(journal="ICIS 2017 Proceedings", **_BARE))


GEOLOGY = Reference(
    authors=("Brandt, U.", "Gross, U.", "Sommer, D."),
    year=2019,
    journal="Geol Rundsch",
    volume="116",
    pages="435-444",
    doi="10.5555/geol.2019.0435",
)


def test_same_doi_and_a_dropped_subtitle_merge() -> None:
    short = replace(GEOLOGY, title="Karst springs in Bavaria", volume="", pages="")
    full = replace(GEOLOGY, title="Karst springs in Bavaria: chemistry, discharge, hazards")
    result = deduplicate([short, full])
    assert len(result.clusters) == 1
    assert "one title extends the other" in result.pairs[0].reason
    other = replace(GEOLOGY, title="Karst caves in Bavaria: chemistry, discharge, hazards")
    assert not merged(short, other)


def test_same_citation_and_a_dropped_subtitle_merge() -> None:
    short = make_reference(title="Cold-water immersion in recreational runners", doi=None)
    full = make_reference(
        title="Cold-water immersion in recreational runners: a multicentre sham-controlled "
        "randomised trial of recovery",
        doi=None,
        abstract="",
    )
    assert merged(short, full)
    assert not merged(short, make_reference(title=full.title, pages="1500-1510", abstract=""))


def test_page_list_in_another_order_is_the_same_pages() -> None:
    printed = make_reference(doi=None, abstract="", pages="12-18+40-45+3-9")
    reordered = make_reference(doi=None, abstract="", pages="3-9, 12-8, 40-5")
    assert "same page list in another order" in _merge_reason(printed, reordered)
    assert not merged(printed, make_reference(doi=None, abstract="", pages="3-9, 50-1"))


def test_conflicting_citation_and_a_different_title_is_not_queued() -> None:
    follow_up = make_reference(
        title="Cold-water immersion after eccentric exercise in recreational runners: "
        "five-year follow-up of a randomised trial",
        year=2021,
        doi=None,
    )
    result = deduplicate([make_reference(), follow_up])
    assert len(result.clusters) == 2
    assert result.maybe_pairs == ()
    reprint = make_reference(year=2021, doi=None)
    assert deduplicate([make_reference(), reprint]).maybe_pairs[0].reason.startswith("years differ")


def test_two_citation_fields_that_differ_are_another_item_not_a_question() -> None:
    meeting_again = make_reference(year=2019, volume="51", pages="S12", doi=None, abstract="")
    assert deduplicate([make_reference(abstract=""), meeting_again]).maybe_pairs == ()


def test_same_doi_and_citation_outweigh_author_and_title_forms() -> None:
    glued = make_reference(
        title="Cold water immersion after eccentric exercise in amateur runners: randomised trial",
        authors=("HALVORSEN KTMBEKI AOYELARAN PJ",),
        abstract="",
    )
    result = deduplicate([make_reference(), glued])
    assert len(result.clusters) == 1
    assert result.pairs[0].reason.startswith("same DOI and citation")
    same_supplement_doi = make_reference(
        title="Statins before knee surgery in older adults: a cohort",
        authors=("HALVORSEN KTMBEKI AOYELARAN PJ",),
        abstract="",
    )
    assert not merged(make_reference(), same_supplement_doi)


def test_short_title_with_the_same_long_abstract_merges() -> None:
    chapter = make_reference(title="Dog bites", volume="", pages="", doi=None)
    again = make_reference(title="Dog bites", volume="", pages="", doi=None, issue="")
    assert "same long abstract" in _merge_reason(chapter, again)
    other_text = make_reference(
        title="Dog bites", volume="", pages="", doi=None, abstract="Dog bites in children."
    )
    assert not merged(chapter, other_text)
