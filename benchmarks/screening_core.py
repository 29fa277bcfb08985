"""Pure screening core at review scale: state, queue, agreement and the rapid gate, timed.

Run: ``.venv/bin/python -m benchmarks.screening_core [--records 10000] [--reviewers 50]``.
Synthetic log (no shared data needed): every record dual-screened by two of the reviewers,
about 5% disagreement, 5% changed votes. CPU time (process_time) is reported because the
machine is shared; it bounds the pure-code cost of a request.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from screening.agreement import stage_agreement
from screening.decisions import record_status, stage_statuses
from screening.model import DecisionEvent, Mode, Stage, StageSettings, Vote
from screening.queue import queue_for, stage_progress
from screening.rapid import evaluate_gate, rapid_order

TA = Stage.TITLE_ABSTRACT
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def synthetic_log(records: int, reviewers: int, seed: int = 1) -> list[DecisionEvent]:
    rng = random.Random(seed)
    events: list[DecisionEvent] = []

    def add(record_id: int, reviewer_id: int, vote: Vote) -> None:
        seq = len(events) + 1
        at = T0 + timedelta(seconds=seq)
        events.append(DecisionEvent(seq, record_id, reviewer_id, TA, vote, at))

    for record_id in rapid_order(range(1, records + 1), seed):
        one, two = rng.sample(range(1, reviewers + 1), 2)
        first = Vote.INCLUDE if rng.random() < 0.15 else Vote.EXCLUDE
        second = first if rng.random() < 0.9 else rng.choice([Vote.INCLUDE, Vote.EXCLUDE])
        add(record_id, one, first)
        add(record_id, two, second)
        if rng.random() < 0.05:
            add(record_id, one, Vote.MAYBE)
    return events


def timed(label: str, action: Callable[[], object], repeat: int = 3) -> tuple[str, float]:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return label, best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=50)
    args = parser.parse_args()
    ids = range(1, args.records + 1)
    log = synthetic_log(args.records, args.reviewers)
    dual = StageSettings()
    rapid = StageSettings(mode=Mode.RAPID, calibration_size=40)
    team = set(range(1, args.reviewers + 1))
    statuses = stage_statuses(ids, log, [], dual, TA)
    order = rapid_order(ids, 1)
    one = [e for e in log if e.record_id == 1]
    rows = [
        timed("stage_statuses (dual)", lambda: stage_statuses(ids, log, [], dual, TA)),
        timed("record_status (one record)", lambda: record_status(1, one, None, dual, TA), 100),
        timed("queue_for one reviewer", lambda: queue_for(7, ids, statuses, limit=1)),
        timed("stage_progress", lambda: stage_progress(statuses, team)),
        timed("stage_agreement (+ pairs)", lambda: stage_agreement(log, TA)),
        timed("evaluate_gate (rapid replay)", lambda: evaluate_gate(order, log, rapid, TA, team)),
    ]
    print(f"{args.records:,} records, {args.reviewers} reviewers, {len(log):,} events")
    print(f"{'operation':<32}{'CPU ms, best of 3':>20}")
    for label, ms in rows:
        print(f"{label:<32}{ms:>20.3f}")


if __name__ == "__main__":
    main()
