"""Replay a prioritised screening on a labelled set: the order `winnow simulate` writes.

Protocol (as ASReview's `simulate`): file order until one inclusion and one exclusion have been
seen, then always the highest-ranked unscreened record. What is replayed is what the service
serves: the same `record_text` (title + abstract), the same `Ranker` and model, and the same
retraining schedule (`screening.ranking.schedule`), fed with the measured duration of each fit;
between fits the reviewer is served the last ranking, as the service's worker would serve it.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from screening.model import ScreeningError
from screening.ranking.ranker import SERVED_MODEL, Ranker, RankingModel, record_text
from screening.ranking.schedule import SERVED_SCHEDULE, RetrainSchedule

TRUE_LABELS = frozenset({"1", "1.0", "true", "yes", "y", "included", "include"})
FALSE_LABELS = frozenset({"0", "0.0", "false", "no", "n", "excluded", "exclude"})
REQUIRED_COLUMNS = ("id", "label_included")


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


@dataclass(frozen=True, slots=True)
class Replay:
    """Record indices in the order met, and how the schedule retrained along the way."""

    order: list[int]
    fits: int  # rankings learnt from decisions (cold-start orders are not fits)
    most_decisions_between_fits: int  # the stalest ranking served, in decisions
    fit_seconds: float  # time spent retraining and ranking


def simulate(
    records: Sequence[LabelledRecord],
    *,
    seed: int = 0,
    model: RankingModel = SERVED_MODEL,
    schedule: RetrainSchedule = SERVED_SCHEDULE,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[list[str], Replay]:
    """Ids of `records` in the order a prioritised reviewer meets them, and the replay's stats.

    Every id appears once. Once every inclusion has been met, the rest follow in the last
    ranking (what remains cannot change any recall figure), with no further fit.
    """
    ranker = Ranker([record_text(r.title, r.abstract) for r in records], model)
    replayed = replay(
        ranker, [r.included for r in records], seed=seed, schedule=schedule, clock=clock
    )
    return [records[index].id for index in replayed.order], replayed


def replay(
    ranker: Ranker,
    labels: Sequence[bool],
    *,
    seed: int = 0,
    schedule: RetrainSchedule = SERVED_SCHEDULE,
    clock: Callable[[], float] = time.perf_counter,
) -> Replay:
    """Answer each query with the known label; retrain when `schedule` says it is due."""
    if len(labels) != ranker.n_records:
        raise LabelledSetError(f"{ranker.n_records} records but {len(labels)} labels")
    remaining_inclusions = sum(bool(label) for label in labels)
    labelled: dict[int, bool] = {}
    order: list[int] = []
    fits = stalest = since_fit = 0
    fit_seconds = 0.0
    start = clock()
    ranking: list[int] = ranker.rank(labelled, seed=seed).tolist()
    last_fit_seconds = clock() - start
    served = 0  # position in `ranking`: records before it are labelled
    while remaining_inclusions and served < len(ranking):
        index = ranking[served]
        served += 1
        order.append(index)
        labelled[index] = bool(labels[index])
        remaining_inclusions -= labelled[index]
        since_fit += 1
        if remaining_inclusions and schedule.due(since_fit, last_fit_seconds):
            warm = any(labelled.values()) and not all(labelled.values())
            start = clock()
            ranking, served = ranker.rank(labelled, seed=seed).tolist(), 0
            last_fit_seconds = clock() - start
            if warm:  # a cold-start order is the file order: no model, nothing to count
                fits, fit_seconds = fits + 1, fit_seconds + last_fit_seconds
                stalest = max(stalest, since_fit)
            since_fit = 0
    order.extend(ranking[served:])
    return Replay(order, fits, stalest, fit_seconds)
