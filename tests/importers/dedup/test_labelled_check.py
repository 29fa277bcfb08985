"""A frozen, small labelled check of automatic merges: precision must never fall below 0.999.

Two labelled sets, both read through the importers users get:
- ``handmade_labelled.csv``: invented records in the guises exports produce (junk pages and
  issues, glued authors, translations, errata, replies, meeting abstracts, column titles,
  CENTRAL accessions, a source's data error), with a ``truth`` group per record;
- ``bib_dedupe_test_cases.json``: the BibDedupe project's hand-curated record pairs
  (MIT, see tests/fixtures/SOURCES.md), each pair deduplicated on its own as BibTeX.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

from importers.bibtex import parse_bibtex
from importers.dedup import deduplicate
from importers.dedup.csv_text import read_dedup_csv

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dedup"
MIN_PRECISION = 0.999


def _pairs(groups: dict[str, str]) -> set[frozenset[str]]:
    members: dict[str, list[str]] = {}
    for record_id, group in groups.items():
        members.setdefault(group, []).append(record_id)
    return {frozenset(pair) for ids in members.values() for pair in combinations(ids, 2)}


def test_handmade_set_automatic_precision_and_recall() -> None:
    text = (FIXTURES / "handmade_labelled.csv").read_text(encoding="utf-8")
    rows = read_dedup_csv(text)
    truth = {row["id"]: row["truth"] for row in csv.DictReader(io.StringIO(text))}
    kept = deduplicate(rows.references).kept_index()
    found = {rows.ids[rows.positions[i]]: rows.ids[rows.positions[k]] for i, k in enumerate(kept)}
    merged, true = _pairs(found), _pairs(truth)
    precision = len(merged & true) / len(merged)
    assert precision >= MIN_PRECISION, sorted(map(sorted, merged - true))
    # Recall is recorded (a guard against regressions), precision is the bar.
    assert len(merged & true) / len(true) >= 0.75, sorted(map(sorted, true - merged))
    assert len(true) >= 15  # the check stays meaningful
    assert len(truth) >= 40


def _bibtex(record: dict[str, Any]) -> str:
    fields = {"ENTRYTYPE", "ID", "author", "title", "year", "journal", "booktitle"}
    fields |= {"volume", "number", "pages", "doi", "abstract"}
    body = ",\n".join(
        f"  {name} = {{{value}}}"
        for name, value in record.items()
        if name in fields - {"ENTRYTYPE", "ID"} and value is not None
    )
    return f"@{record['ENTRYTYPE']}{{{record['ID']},\n{body}\n}}\n"


def test_pair_cases_never_merge_a_trap() -> None:
    cases = json.loads((FIXTURES / "bib_dedupe_test_cases.json").read_text(encoding="utf-8"))
    outcome: Counter[tuple[bool, bool]] = Counter()
    for case in cases["cases"]:
        left, right = case["record_a"], case["record_b"]
        right = {**right, "ID": right["ID"] + "b"} if right["ID"] == left["ID"] else right
        refs = parse_bibtex(_bibtex(left) + _bibtex(right)).references
        assert len(refs) == 2, case["id"]
        result = deduplicate(refs)
        merged = len(result.clusters) == 1
        assert not (merged and not case["expected_duplicate"]), case["id"]
        # A true pair that is not merged is at least put to a person.
        assert merged or result.maybe_pairs or not case["expected_duplicate"], case["id"]
        outcome[case["expected_duplicate"], merged] += 1
    # Precision: no trap merged (above); recall on the true pairs is recorded, not fitted.
    assert outcome[False, False] == 15
    assert outcome[True, True] >= 4
