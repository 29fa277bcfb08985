"""Simulation replay: reading labelled CSV, cold start like the peer, the served schedule."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from screening.ranking.ranker import Ranker, RankingModel, record_text
from screening.ranking.schedule import RetrainSchedule
from screening.ranking.simulate import (
    LabelledRecord,
    LabelledSetError,
    read_labelled_csv,
    replay,
    simulate,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "screening" / "hand_made_labelled.csv"


def _records() -> list[LabelledRecord]:
    return read_labelled_csv(FIXTURE.read_text(encoding="utf-8"))


def _slow_clock(seconds_per_fit: float) -> itertools.count[float]:
    """A clock that advances `seconds_per_fit` each time it is read: every ranking, read before
    and after, takes that long."""
    return itertools.count(0.0, seconds_per_fit)


def test_reads_ids_texts_and_labels() -> None:
    records = _records()
    assert len(records) == 12
    assert [r.id for r in records if r.included] == ["r03", "r05", "r07", "r10"]
    assert records[5].abstract == ""


def test_cold_start_reads_file_order_then_finds_the_rest_of_the_inclusions_first() -> None:
    records = _records()
    order, _ = simulate(records, seed=42)
    assert order[:3] == ["r01", "r02", "r03"]  # file order until one exclusion and one inclusion
    assert set(order[3:6]) == {"r05", "r07", "r10"}
    assert sorted(order) == sorted(r.id for r in records)


def test_cheap_fits_retrain_after_every_decision_until_the_last_inclusion() -> None:
    records = _records()
    order, replayed = simulate(records, seed=42)
    assert replayed.most_decisions_between_fits == 1
    # Warm once r03 (third) is met; then one fit after each decision but the last inclusion.
    last_inclusion = max(order.index(r.id) for r in records if r.included)
    assert replayed.fits == last_inclusion - order.index("r03")


def test_slow_fits_serve_the_last_ranking_for_as_many_decisions_as_the_schedule_says() -> None:
    records = _records()
    labels = [r.included for r in records]
    ranker = Ranker([record_text(r.title, r.abstract) for r in records])
    schedule = RetrainSchedule(cheap_fit_seconds=1.0)
    replayed = replay(ranker, labels, seed=1, schedule=schedule, clock=_slow_clock(2.5).__next__)
    assert replayed.most_decisions_between_fits == 3
    # Each block of three decisions is the top of the ranking learnt before the block.
    last_inclusion = max(replayed.order.index(i) for i, label in enumerate(labels) if label)
    for start in range(0, last_inclusion + 1, 3):
        learnt = {i: labels[i] for i in replayed.order[:start]}
        expected = ranker.rank(learnt, seed=1)[:3].tolist()
        assert replayed.order[start : start + 3] == expected[: len(replayed.order[start:][:3])]


def test_simulate_uses_the_model_it_is_given() -> None:
    records = _records()
    svm, _ = simulate(records, seed=0)
    logistic, _ = simulate(records, seed=0, model=RankingModel(("logistic",), 1.0, 2))
    assert sorted(svm) == sorted(logistic)
    assert set(logistic[3:6]) == {"r05", "r07", "r10"}


def test_same_seed_same_order() -> None:
    records = _records()
    assert simulate(records, seed=3)[0] == simulate(records, seed=3)[0]


@pytest.mark.parametrize("label", [True, False], ids=["all-included", "all-excluded"])
def test_all_one_label_is_read_in_file_order(label: bool) -> None:
    records = [LabelledRecord(r.id, r.title, r.abstract, label) for r in _records()]
    order, replayed = simulate(records, seed=0)
    assert order == [r.id for r in records]
    assert replayed.fits == 0


def test_records_without_any_text_are_replayed() -> None:
    records = [LabelledRecord(f"x{i}", "", "", i % 2 == 1) for i in range(5)]
    assert simulate(records, seed=0)[0] == ["x0", "x1", "x2", "x3", "x4"]


def test_labels_must_match_records() -> None:
    records = _records()
    ranker = Ranker([record_text(r.title, r.abstract) for r in records])
    with pytest.raises(LabelledSetError, match="labels"):
        replay(ranker, [r.included for r in records][:-1])


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
