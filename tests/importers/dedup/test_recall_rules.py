"""Rules that merge more true duplicates, each beside a near miss that must stay apart.

All records are hand-made; field forms copy what bibliographic exports write.
"""

from __future__ import annotations

from dataclasses import replace

from importers.dedup import Decision, DedupResult, deduplicate
from importers.dedup.keys import match_keys, normalize_title
from importers.model import Reference
from tests.importers.dedup.builders import make_reference


def _merged(*refs: Reference) -> bool:
    result = deduplicate(list(refs))
    return len(result.clusters) == 1


def _merge_reason(*refs: Reference) -> str:
    """The reason of the one automatic merge among ``refs``."""
    result = deduplicate(list(refs))
    assert len(result.clusters) == 1
    return next(p.reason for p in result.pairs if p.decision is Decision.DUPLICATE)


def _reasons(result: DedupResult) -> list[str]:
    return [p.reason for p in result.pairs]


PREFACE = Reference(
    title="Preface",
    authors=("du Plessis, A. J.",),
    year=2009,
    journal="Clinics in Perinatology",
    volume="36",
    issue="3",
    pages="xiii-xv",
)


def test_prefaces_on_the_same_roman_pages_merge() -> None:
    assert _merged(replace(PREFACE, doi="10.1016/j.clp.2009.07.006"), PREFACE)
    assert not _merged(PREFACE, replace(PREFACE, volume="37"))


def _ancient_dna(title: str, pages: str = "293-309") -> Reference:
    return Reference(
        title=title,
        authors=("Chelomina, G. N.",),
        year=2006,
        journal="Genetika",
        volume="42",
        issue="3",
        pages=pages,
    )


def test_language_of_the_original_noted_after_the_title_is_ignored() -> None:
    assert normalize_title("Remote ischemic preconditioning. Russian") == (
        "remote ischemic preconditioning"
    )
    assert normalize_title("Attitudes of Russian") == "attitudes of russian"
    assert match_keys(_ancient_dna("Ancient DNA. Russian")).translated
    reason = _merge_reason(_ancient_dna("Ancient DNA. Russian"), _ancient_dna("Ancient DNA"))
    assert "a translated title" in reason
    assert not _merged(_ancient_dna("Ancient DNA. Russian"), _ancient_dna("Ancient DNA", "12-30"))


def test_supplement_series_number_is_not_compared_as_a_volume() -> None:
    series = make_reference(journal="Kidney Int Suppl", volume="75", doi=None)
    parent = make_reference(journal="Kidney International", volume="57", issue="75", doi=None)
    assert _merged(series, parent)
    other_volume = make_reference(journal="Kidney International", volume="58", doi=None)
    assert not _merged(make_reference(doi=None, abstract=""), other_volume)


def test_same_doi_title_and_abstract_outweigh_a_supplement_citation() -> None:
    supplement = make_reference(
        journal="ADHD Attention Deficit and Hyperactivity Disorders",
        volume="",
        pages="S7",
        authors=("Hausenloy, D. J.",),
    )
    result = deduplicate([make_reference(), supplement])
    assert len(result.clusters) == 1
    assert "same DOI, title and abstract; pages differ" in _reasons(result)[0]
    without_abstract = make_reference(
        journal="ADHD Attention Deficit and Hyperactivity Disorders",
        volume="",
        pages="S7",
        authors=("Hausenloy, D. J.",),
        abstract="",
    )
    assert not _merged(make_reference(), without_abstract)


def test_one_mistyped_page_number_in_an_identical_record_merges() -> None:
    reason = _merge_reason(
        make_reference(doi=None, pages="648-55"), make_reference(pages="640-647")
    )
    assert "one volume or page number mistyped" in reason
    misspelt = make_reference(pages="640-647", authors=("Hausenlo, D. J.", "Candilio, L."))
    assert _merged(make_reference(doi=None, pages="648-55"), misspelt)
    other_first_author = make_reference(
        pages="640-647", authors=("Candilio, L.", "Hausenloy, D. J.", "Evans, R.")
    )
    assert not _merged(make_reference(doi=None, pages="648-55"), other_first_author)


def test_page_ranges_ending_on_the_same_page_agree() -> None:
    article = make_reference(doi=None, abstract="", pages="2141-2147")
    reason = _merge_reason(article, make_reference(doi=None, abstract="", pages="2142-2147"))
    assert "same last page" in reason
    assert not _merged(article, make_reference(doi=None, abstract="", pages="2147"))


def _erratum(title: str) -> Reference:
    return Reference(
        title=title,
        authors=("Philipp, T.",),
        year=2009,
        journal="New England Journal of Medicine",
        volume="360",
        issue="23",
        pages="2487",
    )


def test_two_notices_of_one_erratum_merge_but_never_with_the_article() -> None:
    embase = _erratum(
        "Eculizumab for atypical hemolytic-uremic syndrome "
        "(New England Journal of Medicine (2009) 360 (542-544))"
    )
    wos = _erratum("Eculizumab for Atypical Hemolytic-Uremic Syndrome (vol 360, pg 542, 2009)")
    article = Reference(
        title="Eculizumab for atypical hemolytic-uremic syndrome",
        authors=("Nurnberger, J.", "Philipp, T."),
        year=2009,
        journal="New England Journal of Medicine",
        volume="360",
        issue="5",
        pages="542-544",
    )
    result = deduplicate([embase, wos, article])
    assert {c.members for c in result.clusters} == {(0, 1), (2,)}
    assert "both are erratum records" in _merge_reason(embase, wos)


def test_full_names_written_given_name_first_match_initials() -> None:
    given_first = make_reference(authors=("Agata Mulak",), volume="21", pages="23", doi=None)
    initials = make_reference(authors=("Mulak A.",), volume="", pages="23", doi=None)
    assert "names read given name first" in _merge_reason(given_first, initials)
    other_person = make_reference(authors=("Agata Nowak",), volume="21", pages="23", doi=None)
    assert not _merged(other_person, initials)


BOOK = Reference(
    title="Behavioral neurobiology of bipolar disorder and its treatment",
    authors=("Manji H. K.", "Zarate C. A."),
    year=2011,
    journal="Behavioral Neurobiology of Bipolar Disorder and its Treatment",
    volume="5",
)


def test_missing_journal_does_not_disagree_when_the_volume_agrees() -> None:
    assert "a journal missing, the volume agrees" in _merge_reason(BOOK, replace(BOOK, journal=""))
    assert not _merged(BOOK, replace(BOOK, journal="", volume=""))


KOSKINEN = Reference(
    title="Activation of complement during liver transplantation",
    authors=("Koskinen, A.", "Tukiainen, E.", "Nordin, A."),
    year=2010,
    journal="Scandinavian Journal of Immunology.Conference: 39th Meeting",
)


def test_abstract_printed_in_the_meetings_own_journal_is_the_same_abstract() -> None:
    meeting = KOSKINEN
    supplement = replace(
        KOSKINEN, journal="Scand J Immunol", volume="71", issue="S2", pages="499-711"
    )
    assert "the journal record is the meeting abstract itself" in _merge_reason(meeting, supplement)
    article = replace(
        KOSKINEN, journal="Scandinavian Journal of Immunology", volume="72", pages="31-39"
    )
    assert not _merged(meeting, article)
    article_number = replace(KOSKINEN, journal="Scandinavian Journal of Immunology", pages="e12345")
    assert not _merged(meeting, article_number)


SHORT_TITLE = Reference(
    title="Haemolytic uraemic syndrome",
    authors=("Kavanagh, D.", "Goodship, T."),
    year=2010,
    journal="Nephron - Clinical Practice",
    volume="118",
    pages="37-42",
)


def test_short_title_at_the_same_place_merges_across_online_and_print_years() -> None:
    later = replace(SHORT_TITLE, year=2011, journal="Nephron", pages="c37-c42")
    assert "years one apart (online and print)" in _merge_reason(SHORT_TITLE, later)
    assert not _merged(SHORT_TITLE, replace(SHORT_TITLE, year=2011, journal="Thorax"))


def test_conference_acronym_matches_its_full_name() -> None:
    full = make_reference(
        journal="Americas Conference on Information Systems", volume="", pages="", doi=None
    )
    acronym = make_reference(
        journal="AMCIS 2017 Proceedings", volume="", pages="", doi=None, abstract=""
    )
    assert "journal named by its acronym" in _merge_reason(full, acronym)
    assert not _merged(full, make_reference(journal="ICIS 2017 Proceedings", **_BARE))


_BARE: dict[str, object] = {"volume": "", "pages": "", "doi": None, "abstract": ""}


TOXOPLASMOSIS = Reference(
    authors=("Pleyer, U.", "Gross, U.", "Schluter, D."),
    year=2019,
    journal="Dtsch Arztebl Int",
    volume="116",
    pages="435-444",
    doi="10.3238/arztebl.2019.0435",
)


def test_same_doi_and_a_dropped_subtitle_merge() -> None:
    short = replace(TOXOPLASMOSIS, title="Toxoplasmosis in Germany", volume="", pages="")
    full = replace(
        TOXOPLASMOSIS, title="Toxoplasmosis in Germany: epidemiology, diagnosis, risk factors"
    )
    result = deduplicate([short, full])
    assert len(result.clusters) == 1
    assert "one title extends the other" in result.pairs[0].reason
    other = replace(
        TOXOPLASMOSIS, title="Toxocariasis in Germany: epidemiology, diagnosis, risk factors"
    )
    assert not _merged(short, other)


def test_same_citation_and_a_dropped_subtitle_merge() -> None:
    short = make_reference(title="Remote ischaemic preconditioning in surgery", doi=None)
    full = make_reference(
        title="Remote ischaemic preconditioning in surgery: a multicentre sham-controlled "
        "randomised trial in adults",
        doi=None,
        abstract="",
    )
    assert _merged(short, full)
    assert not _merged(short, make_reference(title=full.title, pages="1500-1510", abstract=""))


def test_page_list_in_another_order_is_the_same_pages() -> None:
    printed = make_reference(doi=None, abstract="", pages="233-238+230-235+246-251")
    reordered = make_reference(doi=None, abstract="", pages="230-5, 246-51, 233-8")
    assert "same page list in another order" in _merge_reason(printed, reordered)
    assert not _merged(printed, make_reference(doi=None, abstract="", pages="230-5, 250-1"))


def test_conflicting_citation_and_a_different_title_is_not_queued() -> None:
    follow_up = make_reference(
        title="Remote ischaemic preconditioning before cardiac surgery: five-year follow-up "
        "of a randomised trial",
        year=2020,
        doi=None,
    )
    result = deduplicate([make_reference(), follow_up])
    assert len(result.clusters) == 2
    assert result.maybe_pairs == ()
    reprint = make_reference(year=2020, doi=None)
    assert deduplicate([make_reference(), reprint]).maybe_pairs[0].reason.startswith("years differ")


def test_same_doi_and_citation_outweigh_author_and_title_forms() -> None:
    glued = make_reference(
        title="Remote ischaemic preconditioning in cardiac surgery patients: randomised trial",
        authors=("HAUSENLOY DJCANDILIO LEVANS R",),
        abstract="",
    )
    result = deduplicate([make_reference(), glued])
    assert len(result.clusters) == 1
    assert result.pairs[0].reason.startswith("same DOI and citation")
    same_supplement_doi = make_reference(
        title="Statins before cardiac surgery in older adults: a cohort",
        authors=("HAUSENLOY DJCANDILIO LEVANS R",),
        abstract="",
    )
    assert not _merged(make_reference(), same_supplement_doi)


def test_short_title_with_the_same_long_abstract_merges() -> None:
    chapter = make_reference(title="Mammalian bites", volume="", pages="", doi=None)
    again = make_reference(title="Mammalian bites", volume="", pages="", doi=None, issue="")
    assert "same long abstract" in _merge_reason(chapter, again)
    other_text = make_reference(
        title="Mammalian bites", volume="", pages="", doi=None, abstract="Dog bites in children."
    )
    assert not _merged(chapter, other_text)
