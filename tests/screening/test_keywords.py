"""Keyword highlight spans: case, word boundaries, wildcards, phrases, nesting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.keywords import Field, KeywordKind, compile_keywords, find_spans

INC = KeywordKind.INCLUDE
EXC = KeywordKind.EXCLUDE


def _texts(include: list[str], exclude: list[str], text: str) -> list[tuple[str, KeywordKind]]:
    spans = find_spans(compile_keywords(include, exclude), text, "")
    return [(text[s.start : s.end], s.kind) for s in spans]


@pytest.mark.parametrize(
    ("include", "text", "expected"),
    [
        (["trial"], "A Trial of trials", ["Trial"]),  # whole words, any case
        (
            ["random*"],
            "Randomised and randomized, not random-ish",
            ["Randomised", "randomized", "random"],
        ),
        (["*blind"], "double-blind, single blind", ["blind", "blind"]),
        (
            ["meta-analysis"],
            "a meta-analysis and a meta analysis",
            ["meta-analysis", "meta analysis"],
        ),
        (["controlled trial"], "randomised controlled\ntrial", ["controlled\ntrial"]),
        (["rat"], "rats and a rat; pirate", ["rat"]),
        (["child*"], "children, Childhood", ["children", "Childhood"]),
        (["covid-19"], "COVID-19 and covid 19", ["COVID-19", "covid 19"]),
        (["ÉTUDE"], "une étude", ["étude"]),
        (["c++"], "written in C++ code", ["C++"]),
    ],
)
def test_matching_rules(include, text, expected):
    assert [t for t, _ in _texts(include, [], text)] == expected


def test_include_and_exclude_kinds_and_fields():
    matcher = compile_keywords(["randomi*"], ["mice", "rat"])
    spans = find_spans(matcher, "Randomised trial in mice", "No rats; a rat study.")
    assert [(s.field, s.start, s.end, s.kind, s.keyword) for s in spans] == [
        (Field.TITLE, 0, 10, INC, "randomi*"),
        (Field.TITLE, 20, 24, EXC, "mice"),
        (Field.ABSTRACT, 11, 14, EXC, "rat"),
    ]


def test_nested_match_keeps_the_longest_and_include_wins_ties():
    assert _texts(["controlled trial", "trial"], [], "a controlled trial") == [
        ("controlled trial", INC)
    ]
    assert _texts(["trial"], ["trial"], "trial") == [("trial", INC)]
    # Overlapping but not nested: both kept.
    assert _texts(["double blind"], ["blind trial"], "double blind trial") == [
        ("double blind", INC),
        ("blind trial", EXC),
    ]


def test_empty_and_repeated_keywords():
    matcher = compile_keywords(["", " ", "*", "trial", "trial"], [])
    assert len(matcher.patterns) == 1
    assert find_spans(compile_keywords([], []), "anything", "at all") == ()


def test_regex_metacharacters_are_literal():
    assert _texts(["(pilot)"], [], "a (pilot) study, a pilot study") == [("(pilot)", INC)]
    assert _texts(["a.b"], [], "axb a.b") == [("a.b", INC)]


words = st.text(alphabet="abcXYZ -", min_size=1, max_size=40)


@given(words, st.sampled_from(["a", "ab*", "b c", "x*"]))
def test_spans_are_sorted_inside_the_text_and_match_the_keyword(text, keyword):
    spans = find_spans(compile_keywords([keyword], []), text, "")
    starts = [s.start for s in spans]
    assert starts == sorted(starts)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        piece = text[span.start : span.end].lower()
        assert piece.startswith(keyword.split("*")[0].split(" ")[0])
        before = text[span.start - 1] if span.start else " "
        after = text[span.end] if span.end < len(text) else " "
        assert not before.isalnum()
        assert not after.isalnum()
