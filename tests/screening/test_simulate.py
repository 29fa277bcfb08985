"""Simulation replay: reading labelled CSV, cold start like the peer, determinism, edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.simulate import LabelledSetError, read_labelled_csv, simulate

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "screening" / "hand_made_labelled.csv"


def _records() -> tuple[list[tuple[str, str, str]], list[bool]]:
    records = read_labelled_csv(FIXTURE.read_text(encoding="utf-8"))
    return [(r.id, r.title, r.abstract) for r in records], [r.included for r in records]


def test_reads_ids_texts_and_labels() -> None:
    records = read_labelled_csv(FIXTURE.read_text(encoding="utf-8"))
    assert len(records) == 12
    assert [r.id for r in records if r.included] == ["r03", "r05", "r07", "r10"]
    assert records[5].abstract == ""


def test_cold_start_reads_file_order_then_finds_the_rest_of_the_inclusions_first() -> None:
    records, labels = _records()
    order = simulate(records, labels, seed=42)
    assert order[:3] == ["r01", "r02", "r03"]  # file order until one exclusion and one inclusion
    assert set(order[3:6]) == {"r05", "r07", "r10"}
    assert sorted(order) == sorted(r[0] for r in records)


def test_same_seed_same_order() -> None:
    records, labels = _records()
    assert simulate(records, labels, seed=3) == simulate(records, labels, seed=3)


@pytest.mark.parametrize("label", [True, False], ids=["all-included", "all-excluded"])
def test_all_one_label_is_read_in_file_order(label: bool) -> None:
    records, _ = _records()
    assert simulate(records, [label] * len(records), seed=0) == [r[0] for r in records]


def test_records_without_any_text_are_replayed() -> None:
    records = [(f"x{i}", "", "") for i in range(5)]
    order = simulate(records, [False, True, False, True, False], seed=0)
    assert order == ["x0", "x1", "x2", "x3", "x4"]


def test_labels_must_match_records() -> None:
    records, labels = _records()
    with pytest.raises(LabelledSetError, match="labels"):
        simulate(records, labels[:-1], seed=0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,title\n1,a\n", "label_included"),
        ("id,title,label_included\n1,a,maybe\n", "line 2"),
        ("id,title,label_included\n1,a,1\n1,b,0\n", "duplicate"),
        ("id,title,label_included\n,a,1\n", "empty"),
    ],
    ids=["no-label-column", "bad-label", "duplicate-id", "empty-id"],
)
def test_bad_labelled_csv_is_refused(text: str, message: str) -> None:
    with pytest.raises(LabelledSetError, match=message):
        read_labelled_csv(text)


def test_byte_order_mark_and_extra_columns_are_accepted() -> None:
    text = "\ufeffid,title,abstract,label_included,label_fulltext\n7,T,A,yes,0\n"
    assert read_labelled_csv(text)[0].included is True
