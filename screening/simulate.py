"""Replay a prioritised screening on a labelled set: the order `winnow simulate` writes. Pure.

Protocol (as ASReview's `simulate`): file order until one inclusion and one exclusion have been
seen, then always the highest-ranked unscreened record, retraining as decisions accumulate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from screening.model import ScreeningError
from screening.prioritize import Ranker, record_text

TRUE_LABELS = frozenset({"1", "1.0", "true", "yes", "y", "included", "include"})
FALSE_LABELS = frozenset({"0", "0.0", "false", "no", "n", "excluded", "exclude"})
REQUIRED_COLUMNS = ("id", "label_included")
# Retrain after every decision for the first 100, then after every 2% of the decisions so far:
# late batches barely move the ranking, and this keeps a replay of 10,000 records to seconds.
RETRAIN_EVERY_FRACTION = 50


class LabelledSetError(ScreeningError):
    """A labelled dataset that cannot be replayed; the message names the line."""


@dataclass(frozen=True, slots=True)
class LabelledRecord:
    id: str
    title: str
    abstract: str
    included: bool


def read_labelled_csv(text: str) -> list[LabelledRecord]:
    """Parse `id,title,abstract,label_included` CSV text (other columns are ignored)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    columns = [name.strip() for name in reader.fieldnames or ()]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise LabelledSetError(f"missing column(s): {', '.join(missing)}")
    reader.fieldnames = columns
    records: list[LabelledRecord] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        record_id = (row["id"] or "").strip()
        if not record_id or record_id in seen:
            raise LabelledSetError(f"line {line}: empty or duplicate id {record_id!r}")
        seen.add(record_id)
        title, abstract = (row.get("title") or ""), (row.get("abstract") or "")
        records.append(LabelledRecord(record_id, title, abstract, _label(row, line)))
    return records


def _label(row: dict[str, str], line: int) -> bool:
    raw = (row["label_included"] or "").strip().lower()
    if raw in TRUE_LABELS:
        return True
    if raw in FALSE_LABELS:
        return False
    raise LabelledSetError(f"line {line}: label_included {raw!r} is not 0 or 1")


def simulate(
    records: Sequence[tuple[str, str, str]], labels: Sequence[bool], *, seed: int = 0
) -> list[str]:
    """Ids of `records` (id, title, abstract) in the order a prioritised reviewer meets them.

    Every id appears once. Once every inclusion has been met, the rest follow in the last
    ranking (what remains cannot change any recall figure). Deterministic for a given seed.
    """
    if len(records) != len(labels):
        raise LabelledSetError(f"{len(records)} records but {len(labels)} labels")
    ranker = Ranker([record_text(title, abstract) for _, title, abstract in records])
    order = replay_order(ranker, labels, seed=seed)
    return [records[index][0] for index in order]


def replay_order(ranker: Ranker, labels: Sequence[bool], *, seed: int = 0) -> list[int]:
    """Record indices in screening order, answering each query with the known label."""
    truth = np.asarray(labels, dtype=bool)
    remaining_inclusions = int(truth.sum())
    labelled: dict[int, bool] = {}
    order: list[int] = []
    while len(order) < len(truth):
        ranking = ranker.rank(labelled, seed=seed)
        for index in ranking[: _next_batch(labelled, remaining_inclusions, len(truth))].tolist():
            order.append(index)
            labelled[index] = bool(truth[index])
            remaining_inclusions -= int(truth[index])
    return order


def _next_batch(labelled: dict[int, bool], remaining_inclusions: int, n_records: int) -> int:
    if remaining_inclusions == 0:
        return n_records  # everything left, in the last ranking
    values = labelled.values()
    if not (any(values) and not all(values)):
        return 1  # cold start: one record at a time in file order, retrain once warm
    return max(1, len(labelled) // RETRAIN_EVERY_FRACTION)
