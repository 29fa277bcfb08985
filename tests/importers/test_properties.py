"""Property tests: random and mutated inputs never raise anything but ImportFormatError."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.errors import ImportFormatError
from importers.model import Outcome, ParseResult
from importers.registry import FORMAT_CHOICES, PARSERS, parse_bytes
from tests.importers.files import fixture_bytes

SEEDS = [
    "rispy__example_full.ris",
    "colrev__ris_data.ris",
    "jabref__NbibImporterTest.nbib",
    "jabref__MedlineImporterTestNbib.xml",
    "jabref__EndnoteXmlImporterTestArticle.xml",
    "colrev__bib_data.bib",
    "colrev__pubmed_csv.csv",
    "jabref__IsiImporterTestWOS.isi",
    "jabref__OvidImporterTest1.txt",
    "colrev__ais_enl.txt",
]
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TAGGED_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "TY  - JOUR",
                "ER  - ",
                "PMID- 1",
                "@article{k,",
                "}",
                "%0 Book",
                "<1>",
                "PT J",
                "ER",
                "TI  - x",
                "AU  - ",
                "  continued",
                "FN x",
                "",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=30,
).map("\n".join)


def _check(result: ParseResult) -> None:
    kept = [n for n in result.notes if n.outcome is not Outcome.REJECTED]
    assert len(kept) == len(result.references)


def _parse_or_refuse(data: bytes, fmt: str) -> None:
    try:
        result = parse_bytes(data, format=fmt)
    except ImportFormatError as error:
        message = str(error)
        assert message  # a refusal always explains itself
        return
    _check(result)


@PROFILE
@given(data=st.binary(max_size=400), fmt=st.sampled_from(FORMAT_CHOICES))
def test_random_bytes(data: bytes, fmt: str) -> None:
    _parse_or_refuse(data, fmt)


@PROFILE
@given(text=TAGGED_LINES, fmt=st.sampled_from(FORMAT_CHOICES))
def test_random_tagged_text(text: str, fmt: str) -> None:
    _parse_or_refuse(text.encode("utf-8"), fmt)


@st.composite
def mutated_fixture(draw: st.DrawFn) -> bytes:
    data = bytearray(fixture_bytes(draw(st.sampled_from(SEEDS))))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 200)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "truncate"]))
        if action == "delete":
            del data[start:end]
        elif action == "insert":
            data[start:start] = draw(st.binary(max_size=20)) or b"<"
        elif action == "duplicate":
            data[start:start] = data[start:end]
        else:
            del data[start:]
    return bytes(data)


@PROFILE
@given(data=mutated_fixture(), fmt=st.sampled_from(FORMAT_CHOICES))
def test_mutated_real_files(data: bytes, fmt: str) -> None:
    _parse_or_refuse(data, fmt)


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=40, deadline=None)
@given(text=st.one_of(TAGGED_LINES, st.text(max_size=300)))
def test_each_parser_on_text(name: str, text: str) -> None:
    with contextlib.suppress(ImportFormatError):
        _check(PARSERS[name](text))
