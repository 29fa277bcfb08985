"""Normalisers for matching, tested from hand-made tables."""

from __future__ import annotations

import pytest

from importers.dedup.citation import expand_page_range, first_page
from importers.dedup.keys import (
    Kind,
    author_surnames,
    fold,
    given_first_surnames,
    match_keys,
    normalize_doi,
    normalize_title,
    split_authors,
)
from tests.importers.dedup.builders import make_reference


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Przyklenk K.Kloner R. A.", ("Przyklenk K.", "Kloner R. A.")),
        ("Zuber, J and Le Quintrec, M", ("Zuber, J", "Le Quintrec, M")),
        ("Bang J., Lobach I. V., Lang A. E.", ("Bang J.", "Lobach I. V.", "Lang A. E.")),
        ("Hedeler CPaton NWBehnke JM", ("Hedeler C", "Paton NW", "Behnke JM")),
        ("Ng Qin XiangPeters Christina", ("Ng Qin Xiang", "Peters Christina")),
        ("McIntosh A. M.", ("McIntosh A. M.",)),
        ("UNKNOWN", ()),
        ("", ()),
    ],
)
def test_author_fields_are_split_into_authors(raw: str, expected: tuple[str, ...]) -> None:
    assert split_authors(raw) == expected


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        (("Przyklenk K.", "Kloner R. A."), ["przyklenk", "kloner"]),
        (("Le Quintrec, M",), ["le quintrec"]),
        (("Le Quintrec M.",), ["le quintrec"]),
        (("van Impel Andreas",), ["van impel"]),
        (("Pitk\u00c3\u00a4nen A.",), ["pitkanen"]),
        (("UNKNOWN",), []),
    ],
)
def test_surnames_agree_across_author_forms(authors: tuple[str, ...], expected: list[str]) -> None:
    assert author_surnames(authors) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.1000/ABC.123", "10.1000/abc123"),
        ("10.2527/jas.2013-6195", "10.2527/jas20136195"),
        ("10.1371/journal.pone.0094853.g001", "10.1371/journalpone0094853"),
        (
            "10.1002/(SICI)1096-8628(19970221)74:1&lt;73::AID-AJMG16&gt;3.0.CO;2-O",
            "10.1002/sici1096862819970221741",
        ),
        ("10.1158/1538-7445", ""),
        ("http://dx.doi.org/10.1016/S0022-2828%2885%2980039-0", "10.1016/s0022282885800390"),
        ("doi:10.1016/s0022-2828(85)80039-0", "10.1016/s0022282885800390"),
        ("ARTN 32\n10.1186/s13229-017-0138-8", "10.1186/s1322901701388"),
        ("10.1002/14651858.CD001869.pub5", "10.1002/14651858cd001869"),
        ("CliCa041015171521", ""),
        (None, ""),
    ],
)
def test_doi_forms_reduce_to_one_key(raw: str | None, expected: str) -> None:
    assert normalize_doi(raw) == expected


def test_doi_url_and_bare_forms_match() -> None:
    assert normalize_doi("https://doi.org/10.1007/978-3-7091-1646-3_12") == normalize_doi(
        "10.1007/978-3-7091-1646-3-12"
    )


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("123-9", "123"),
        ("123-129", "123"),
        ("06-Oct", "6"),
        ("Jan-99", "1"),
        ("S70-S85", "70"),
        ("70S-85S", "70"),
        ("H721-5", "721"),
        ("e026437", "26437"),
        ("", ""),
        ("UNKNOWN", ""),
    ],
)
def test_first_page_key(pages: str, expected: str) -> None:
    assert first_page(pages) == expected


def test_short_page_ranges_are_completed() -> None:
    assert expand_page_range("123-9") == ("123", "129")
    assert expand_page_range("1408-17") == ("1408", "1417")
    assert expand_page_range("45") == ("45", "45")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("[A study on tuberculous pleurisy]", "A study on tuberculous pleurisy."),
        ("Paediatric haemolytic anaemia", "Pediatric hemolytic anemia"),
        ("Tumour behaviour in randomised trials", "Tumor behavior in randomized trials"),
        ("<i>In vivo</i> imaging &amp; stunning", "In vivo imaging & stunning"),
        (
            "Treatment of dry macular degeneration. [Turkish]",
            "Treatment of dry macular degeneration",
        ),
        ("Caf\u00e9 workers' health", "Cafe workers health"),
    ],
)
def test_title_variants_normalise_alike(left: str, right: str) -> None:
    assert normalize_title(left) == normalize_title(right)


def test_fold_drops_case_punctuation_and_diacritics() -> None:
    assert fold("  \u00dcber-Gro\u00dfe, K\u00d6NIG!  ") == "uber grosse konig"


@pytest.mark.parametrize(
    ("title", "journal", "kind"),
    [
        ("Erratum: Remote preconditioning", "Lancet", Kind.ERRATUM),
        ("Remote preconditioning (vol 360, pg 542, 2009)", "Lancet", Kind.ERRATUM),
        ("Remote preconditioning - Reply", "Lancet", Kind.COMMENT),
        ("Comment on: remote preconditioning", "Lancet", Kind.COMMENT),
        ("WITHDRAWN: Immunoglobulin for RSV", "Cochrane Database Syst Rev", Kind.RETRACTION),
        (
            "Remote preconditioning",
            "Circulation. Conference: AHA Scientific Sessions",
            Kind.ABSTRACT,
        ),
        ("Remote preconditioning", "Lancet", Kind.ARTICLE),
    ],
)
def test_record_kind(title: str, journal: str, kind: Kind) -> None:
    assert match_keys(make_reference(title=title, journal=journal)).kind is kind


def test_placeholders_count_as_missing() -> None:
    keys = match_keys(make_reference(title="UNKNOWN", journal="UNKNOWN", abstract="UNKNOWN"))
    assert (keys.title, keys.journal, keys.abstract) == ("", "", "")


def test_given_name_first_reading_only_for_full_names() -> None:
    assert given_first_surnames(("Agata Mulak", "Nowak K.")) == "mulak nowak"
    assert given_first_surnames(("Westropp JL", "Buffington CAT")) == ""
    assert given_first_surnames(("van Impel, A.", "et al")) == ""
