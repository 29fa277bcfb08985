"""Normalisers for matching, tested from hand-made tables."""

from __future__ import annotations

import pytest

from importers.dedup.identifiers import cochrane_doi_key, doi_key, pmid_key
from importers.dedup.keys import match_keys
from importers.dedup.kind import Kind, record_kind
from importers.dedup.names import author_surnames, given_first_surnames
from importers.dedup.text import fold, normalize_title
from importers.model import ReferenceType
from tests.importers.dedup.builders import make_reference


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        (("Vasquez K.", "Lindqvist R. A."), ["vasquez", "lindqvist"]),
        (("Le Bris, M",), ["le bris"]),
        (("Le Bris M.",), ["le bris"]),
        (("van Dalen Pieter",), ["van dalen"]),
        (("Hyv\u00c3\u00a4rinen A.",), ["hyvarinen"]),
        (("UNKNOWN", "et al"), []),
    ],
)
def test_surnames_agree_across_author_forms(authors: tuple[str, ...], expected: list[str]) -> None:
    assert author_surnames(authors) == expected


def test_given_name_first_reading_only_for_full_names() -> None:
    assert given_first_surnames(("Agata Nowicka", "Kowal K.")) == "nowicka kowal"
    assert given_first_surnames(("Westwood JL", "Ferrante CAT")) == ""
    assert given_first_surnames(("van Dalen, A.", "et al")) == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.5555/ABC.123", "10.5555/abc123"),
        ("10.5555/jrs.2013-6195", "10.5555/jrs20136195"),
        ("10.5555/journal.pbio.0011111.g001", "10.5555/journalpbio0011111"),
        ("10.5555/journal.pbio.0011111.t002", "10.5555/journalpbio0011111"),
        (
            "10.5555/(SICI)1097-0000(19970221)74:1&lt;73::AID-XYZ16&gt;3.0.CO;2-O",
            "10.5555/sici109700001997022174173aidxyz1630co2o",
        ),
        ("10.5555/(SICI)1097-0000(19970221)74:1<73::AID-XYZ16>3.0.CO;2-O", None),
        ("10.5555/1538-7445", ""),
        ("http://dx.doi.org/10.5555/S0022-2828%2885%2980039-0", "10.5555/s0022282885800390"),
        ("doi:10.5555/s0022-2828(85)80039-0", "10.5555/s0022282885800390"),
        ("ARTN 32\n10.5555/s13229-017-0138-8", "10.5555/s1322901701388"),
        ("10.1002/14651858.CD009999.pub3", "10.1002/14651858cd009999"),
        ("10.1002/14651858.CD009999", "10.1002/14651858cd009999"),
        ("10.1002/central/CN-01234567", ""),
        ("https://doi.org/10.1002/CENTRAL/CN-00987654/full", ""),
        ("Ab12040512", ""),
        (None, ""),
    ],
)
def test_doi_forms_reduce_to_one_key(raw: str | None, expected: str | None) -> None:
    if expected is None:  # the same DOI exported with and without HTML escapes
        expected = doi_key(raw.replace("<", "&lt;").replace(">", "&gt;") if raw else raw)
    assert doi_key(raw) == expected


def test_cochrane_review_number_in_the_pages_names_its_doi() -> None:
    assert cochrane_doi_key("CD009999") == doi_key("10.1002/14651858.CD009999.pub2")
    assert cochrane_doi_key("1408-17") == ""


def test_pmid_from_the_field_or_a_pubmed_link() -> None:
    assert pmid_key("PMID: 123", "") == "123"
    assert pmid_key(None, "https://www.ncbi.nlm.nih.gov/pubmed/456") == "456"
    assert pmid_key("", "https://pubmed.ncbi.nlm.nih.gov/789/") == "789"
    assert pmid_key(None, "https://example.org/pubmed-like/1") == ""


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("[A study on tuberculous pleurisy]", "A study on tuberculous pleurisy."),
        ("Paediatric haemolytic anaemia", "Pediatric hemolytic anemia"),
        ("Tumour behaviour in randomised trials", "Tumor behavior in randomized trials"),
        ("<i>In vivo</i> imaging &amp; stunning", "In vivo imaging & stunning"),
        ("Treatment of dry eye disease. [Turkish]", "Treatment of dry eye disease"),
        ("Sleep in shift workers. Norwegian", "Sleep in shift workers"),
        ("Caf\u00e9 workers' health", "Cafe workers health"),
        ("Renal\u2013hepatic syndrome", "Renal-hepatic syndrome"),
        ("Lung surgery outcomes <ORIGINAL> RESULTATS DE LA CHIRURGIE", "Lung surgery outcomes"),
        ("Aspirin dosing (vol 12, pg 34, 2001)", "Aspirin dosing"),
    ],
)
def test_title_variants_normalise_alike(left: str, right: str) -> None:
    assert normalize_title(left) == normalize_title(right)


def test_fold_keeps_text_between_angle_brackets_that_is_not_markup() -> None:
    assert fold("Mortality when P < 0.05 and age > 65 years") == (
        "mortality when p 0 05 and age 65 years"
    )
    assert fold("CD4<sup>+</sup> counts") == "cd4 counts"
    assert normalize_title("Effect of dose <10 mg versus >20 mg") != normalize_title(
        "Effect of dose versus 20 mg"
    )


def test_fold_drops_case_punctuation_and_diacritics() -> None:
    assert fold("  \u00dcber-Gro\u00dfe, K\u00d6NIG!  ") == "uber grosse konig"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Erratum: Cold-water immersion in runners", Kind.ERRATUM),
        ("Corrigendum to 'Cold-water immersion in runners'", Kind.ERRATUM),
        ("Correction: Cold-water immersion in runners", Kind.ERRATUM),
        ("Correction to: Cold-water immersion in runners", Kind.ERRATUM),
        ("Cold-water immersion in runners (vol 48, pg 1311, 2016)", Kind.ERRATUM),
        ("Cold-water immersion in runners - Reply", Kind.COMMENT),
        ("Cold-water immersion in runners: authors' reply", Kind.COMMENT),
        ("Comment on: cold-water immersion in runners", Kind.COMMENT),
        ("Re: Cold-water immersion in runners", Kind.COMMENT),
        ("Reply to the letter on cold-water immersion", Kind.COMMENT),
        ("Response to the letter by Okafor", Kind.COMMENT),
        ("RETRACTED: Cold-water immersion in runners", Kind.RETRACTION),
        ("Retraction notice to cold-water immersion in runners", Kind.RETRACTION),
        ("WITHDRAWN: Antibiotics for otitis media", Kind.RETRACTION),
        # ordinary titles that start or end with the same words
        ("Correction of scoliosis with pedicle screws", Kind.ARTICLE),
        ("Re-operation rates after hip arthroplasty", Kind.ARTICLE),
        ("Immune response to influenza vaccination in older adults", Kind.ARTICLE),
        ("Response to cardiac resynchronisation therapy", Kind.ARTICLE),
        ("Retraction of the tongue during sleep apnoea", Kind.ARTICLE),
        ("Commentary writing in nursing education", Kind.ARTICLE),
        ("Tumour response and survival", Kind.ARTICLE),
    ],
)
def test_record_kind_from_anchored_title_wording(title: str, kind: Kind) -> None:
    assert record_kind(title, "journal of runners", ReferenceType.JOURNAL_ARTICLE) is kind


def test_publication_type_decides_the_kind_first() -> None:
    title = "Cold-water immersion in runners"
    assert record_kind(title, "", ReferenceType.CONFERENCE_ABSTRACT) is Kind.ABSTRACT
    assert record_kind(title, "", ReferenceType.CONFERENCE_PAPER) is Kind.ABSTRACT
    assert record_kind(title, "sports medicine annual congress", ReferenceType.OTHER) is (
        Kind.ABSTRACT
    )
    assert record_kind(title, "proceedings of the royal society", ReferenceType.OTHER) is (
        Kind.ARTICLE
    )


def test_placeholders_count_as_missing() -> None:
    keys = match_keys(make_reference(title="UNKNOWN", journal="UNKNOWN", abstract="UNKNOWN"))
    assert (keys.title, keys.journal, keys.abstract) == ("", "", "")


@pytest.mark.parametrize(
    ("title", "generic"),
    [
        ("Editorial", True),
        ("Editor's comments", True),
        ("Remarks from the editor", True),
        ("Letter to the editor", True),
        ("Book reviews", True),
        ("Introduction to the special issue", True),
        ("Sleep apnoea", True),  # too short to identify anything
        ("Introduction to the special issue on sleep in shift workers", False),
        ("Cold-water immersion after exercise", False),
    ],
)
def test_generic_titles(title: str, generic: bool) -> None:
    assert match_keys(make_reference(title=title)).generic is generic


def test_junk_citation_fields_are_missing_keys() -> None:
    keys = match_keys(make_reference(pages="Jun", volume="2016", issue="01-Feb"))
    assert (keys.first_page, keys.volume, keys.issue) == ("", "", "")
