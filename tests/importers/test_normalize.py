from __future__ import annotations

import pytest

from importers.normalize import (
    clean_text,
    extract_year,
    format_pages,
    normalize_author,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmcid,
    normalize_pmid,
    split_keywords,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1000/XYZ123", "10.1000/xyz123"),
        ("https://doi.org/10.1000/XYZ123", "10.1000/xyz123"),
        ("http://dx.doi.org/10.1002/cpp.2398", "10.1002/cpp.2398"),
        ("doi: 10.1000/x.", "10.1000/x"),
        ("DOI:10.1016/S1532-0456(03)00003-6", "10.1016/s1532-0456(03)00003-6"),
        ("10.1000%2Fxyz", "10.1000/xyz"),
        ("10.3275/8949 [doi]", "10.3275/8949"),
        ("https://onlinelibrary.wiley.com/doi/abs/10.1111/1111.ch29", "10.1111/1111.ch29"),
        ("not a doi", None),
        ("10.1000/", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_doi(raw: str | None, expected: str | None) -> None:
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12643982", "12643982"),
        ("PMID: 12643982", "12643982"),
        ("12643982 [pubmed]", "12643982"),
        ("0012643", "12643"),
        ("0", None),
        ("rayyan-264552525", None),
        (None, None),
    ],
)
def test_normalize_pmid(raw: str | None, expected: str | None) -> None:
    assert normalize_pmid(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PMC4513071", "PMC4513071"),
        ("pmc 12", "PMC12"),
        ("PMCID: PMC7 [pmc]", "PMC7"),
        ("4513071", "PMC4513071"),
        ("PMCx", None),
        ("", None),
    ],
)
def test_normalize_pmcid(raw: str, expected: str | None) -> None:
    assert normalize_pmcid(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0955-2359 (Print)", "0955-2359"),
        ("1664042x", "1664-042X"),
        ("ISSN-1234-4567", "1234-4567"),
        ("13361376", "1336-1376"),
        ("9780470449820 (ISBN)", None),
        ("n/a", None),
    ],
)
def test_normalize_issn(raw: str, expected: str | None) -> None:
    assert normalize_issn(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("978-3-86490-311-3", "9783864903113"),
        ("0-306-40615-2", "0306406152"),
        ("9780470449820 (ISBN)", "9780470449820"),
        ("12345", None),
        (None, None),
    ],
)
def test_normalize_isbn(raw: str | None, expected: str | None) -> None:
    assert normalize_isbn(raw) == expected


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (("2014//",), 2014),
        (("1948/07//",), 1948),
        (("2000 Spring-Summer",), 2000),
        (("1998 Dec-1999 Jan",), 1998),
        (("", "2001/09/01/"), 2001),
        (("99", "YEAR/MONTH/DAY/"), None),
        (("10 15",), None),
        ((None,), None),
    ],
)
def test_extract_year(candidates: tuple[str | None, ...], expected: int | None) -> None:
    assert extract_year(*candidates) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("379", "423", "379-423"),
        ("12 \u2013 19", None, "12-19"),
        ("e0815", "", "e0815"),
        ("No", "Specified", ""),
        ("7", "7", "7"),
        (None, None, ""),
    ],
)
def test_format_pages(start: str | None, end: str | None, expected: str) -> None:
    assert format_pages(start, end) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Shannon,Claude E.", "Shannon, Claude E."),
        ("  Marx,   Karl ", "Marx, Karl"),
        ("Geter DR", "Geter DR"),
        ("Smith,", "Smith"),
        ("", ""),
    ],
)
def test_normalize_author(raw: str, expected: str) -> None:
    assert normalize_author(raw) == expected


def test_clean_text_unescapes_entities_drops_markup_and_collapses_space() -> None:
    assert clean_text(" Cu<sub>2</sub>O &amp;\n  more\u00a0text ") == "Cu2O & more text"


def test_split_keywords_splits_cleans_and_drops_repeats_in_order() -> None:
    assert split_keywords(["b; a", "b", " ", "c;"]) == ("b", "a", "c")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Found in real MEDLINE abstracts: a bare "<...>" rule deleted everything in between.
        (
            "associated with CLNM (P<0.05); however, gender was not (P>0.05).",
            "associated with CLNM (P<0.05); however, gender was not (P>0.05).",
        ),
        ("age<45 years and nodes >3 (P=0.002)", "age<45 years and nodes >3 (P=0.002)"),
        ("x < = > y", "x < = > y"),
        # SICI DOIs carry angle brackets.
        (
            "10.1002/(SICI)1097-0258(19990715)18:13<1615::AID-SIM216>3.0.CO;2-T",
            "10.1002/(SICI)1097-0258(19990715)18:13<1615::AID-SIM216>3.0.CO;2-T",
        ),
        ("<i>Homo sapiens</i> and <I>Mus</I>", "Homo sapiens and Mus"),
        ("<h4>Background</h4>Text", "BackgroundText"),
        ('<p class="abstract">A<sup>2</sup></p>', "A2"),
        ('<mml:math xmlns:mml="m"><mml:mi>x</mml:mi></mml:math> rises', "x rises"),
        ("<supplement> stays", "<supplement> stays"),
    ],
)
def test_markup_is_removed_but_comparisons_and_sici_dois_are_kept(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected
