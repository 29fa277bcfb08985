"""Stopping-estimate coverage on the served order, and retraining time at 10,000 records.

Printed by `benchmarks/prioritize.py` (the served orders come from its run).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

import numpy as np

from screening.ranking.ranker import Ranker, record_text
from screening.ranking.schedule import SERVED_SCHEDULE
from screening.ranking.simulate import LabelledRecord
from screening.ranking.stopping import estimate_from_random_sample, estimate_remaining

COVERAGE_POINTS = (0.10, 0.20, 0.30, 0.50)
TIMING_RECORDS = 10_000
SAMPLE_DRAWS = 100
ServedOrder = tuple[str, list[LabelledRecord], list[str]]  # set, records, ids in the order met


def print_coverage(runs: Sequence[ServedOrder]) -> None:
    """The quasi-sampling estimate at fixed points of the served order, against the truth."""
    print("\nStopping estimate (one-sided 95%, Callaghan & Müller-Hansen quasi-sampling) "
          "from the served order vs true relevant remaining")  # fmt: skip
    print("| set | screened | true left | point | interval | covered |")
    print("|---|---:|---:|---:|---|---|")
    covered = total = 0
    for name, records, order in runs:
        decisions = _decisions(records, order)
        for fraction in COVERAGE_POINTS:
            seen = int(fraction * len(decisions))
            estimate = estimate_remaining(decisions[:seen], len(decisions) - seen)
            truth = sum(decisions[seen:])
            inside = estimate.lower <= truth <= estimate.upper
            covered, total = covered + inside, total + 1
            interval = f"[{estimate.lower}, {estimate.upper}]"
            print(f"| {name} | {fraction:.0%} | {truth} | {estimate.point:.1f} | {interval} | "
                  f"{'yes' if inside else 'NO'} |")  # fmt: skip
    print(f"coverage: {covered}/{total} intervals contain the true remainder")
    _print_sample_coverage(runs)


def _decisions(records: list[LabelledRecord], order: list[str]) -> list[bool]:
    included = {record.id: record.included for record in records}
    return [included[record_id] for record_id in order]


def _print_sample_coverage(runs: Sequence[ServedOrder]) -> None:
    """The random-sample estimate: sample 10% of the unscreened records, many seeded draws."""
    print(f"\nRandom-sample estimate (two-sided 95%; 10% of the unscreened, {SAMPLE_DRAWS} draws)")
    print("| set | screened | sample | true left (median) | median interval | coverage |")
    print("|---|---:|---:|---:|---|---:|")
    rng = np.random.default_rng(0)
    for name, records, order in runs:
        decisions = np.array(_decisions(records, order))
        for fraction in COVERAGE_POINTS:
            unscreened = decisions[int(fraction * len(decisions)) :]
            size = max(1, len(unscreened) // 10)
            truths, lowers, uppers = [], [], []
            for _ in range(SAMPLE_DRAWS):
                drawn = rng.permutation(len(unscreened))
                estimate = estimate_from_random_sample(
                    unscreened[drawn[:size]].tolist(), len(unscreened)
                )
                truths.append(int(unscreened[drawn[size:]].sum()))
                lowers.append(estimate.lower)
                uppers.append(estimate.upper)
            inside = sum(lo <= t <= up for lo, t, up in zip(lowers, truths, uppers, strict=True))
            print(f"| {name} | {fraction:.0%} | {size} | {statistics.median(truths):g} | "
                  f"[{statistics.median(lowers):g}, {statistics.median(uppers):g}] | "
                  f"{inside / SAMPLE_DRAWS:.0%} |")  # fmt: skip


def print_retrain_timing(pool: list[LabelledRecord], seed: int) -> None:
    """One retrain (fit + rank) of the served model on a 10,000-record review built by repeating
    the sets' records, and what the served schedule makes of it."""
    records = [pool[i % len(pool)] for i in range(TIMING_RECORDS)]
    texts = [
        record_text(r.title, f"{r.abstract} copy{i // len(pool)}") for i, r in enumerate(records)
    ]
    start = time.perf_counter()
    ranker = Ranker(texts)
    build = time.perf_counter() - start
    print(f"\nRetrain time, {TIMING_RECORDS:,} records (vectorise once: {build:.1f} s)")
    print("| labelled | median retrain + rank s (3 runs) | decisions between fits (schedule) |")
    print("|---:|---:|---:|")
    for n_labelled in (500, 2_000, 5_000, 9_000):
        labelled = {i: records[i].included for i in range(n_labelled)}
        labelled[0], labelled[1] = True, False  # warm: at least one of each
        times = []
        for _ in range(3):
            start = time.perf_counter()
            ranker.rank(labelled, seed=seed)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        between = SERVED_SCHEDULE.decisions_between_fits(median)
        print(f"| {n_labelled:,} | {median:.3f} | {between} |")
