"""Prioritisation vs ASReview: WSS@95, recall@10%, wall time, stopping-estimate coverage.

Run: `.venv/bin/python -m benchmarks.prioritize [--peer-sets all|none|NAME,...]`. Needs ../shared.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from screening.prioritize import Ranker, record_text
from screening.simulate import LabelledRecord, read_labelled_csv, replay_order, simulate
from screening.stopping import estimate_from_random_sample, estimate_remaining

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data" / "screening"
SCORER = SHARED / "bench" / "screen_eval.py"
PEER = Path("/work/peers/asreview/bin/asreview")
SETS = ("Appenzeller-Herzog_2020", "Kitchenham_2010", "Cohen_2006_ADHD")
SEED = 42
COVERAGE_POINTS = (0.10, 0.20, 0.30, 0.50)
TIMING_RECORDS = 10_000
SAMPLE_DRAWS = 100
Scores = dict[str, float]


@dataclass(frozen=True)
class SetRun:
    name: str
    records: list[LabelledRecord]
    order: list[str]
    wall: float
    ours: Scores
    peer: Scores  # recorded beside the data
    peer_live: Scores | None  # run here, with its wall time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--peer-sets", default="Cohen_2006_ADHD", help="all, none or names")
    args = parser.parse_args()
    if not DATA.is_dir() or not SCORER.is_file():
        print(f"skipped: {DATA} or {SCORER} not found (the shared data is not in this checkout)")
        return 0
    peer_sets = _peer_sets(args.peer_sets)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [_run_set(name, Path(tmp), name in peer_sets) for name in SETS]
    _print_scores(rows)
    _print_coverage(rows)
    _print_retrain_timing([record for row in rows for record in row.records])
    return 0


def _peer_sets(spec: str) -> set[str]:
    if not PEER.is_file() or spec == "none":
        if spec != "none":
            print(f"note: {PEER} not installed; using the peer's recorded figures only")
        return set()
    return set(SETS) if spec == "all" else set(spec.split(","))


def _run_set(name: str, tmp: Path, run_peer: bool) -> SetRun:
    dataset = DATA / f"{name}.csv"
    records = read_labelled_csv(dataset.read_text(encoding="utf-8"))
    start = time.perf_counter()
    order = simulate([(r.id, r.title, r.abstract) for r in records], _labels(records), seed=SEED)
    wall = time.perf_counter() - start
    ours = _score(dataset, order, tmp / f"{name}.order.txt")
    recorded = json.loads((DATA / f"{name}.peer_asreview.json").read_text(encoding="utf-8"))
    peer_live = _run_peer(dataset, records, tmp) if run_peer else None
    return SetRun(name, records, order, wall, ours, recorded, peer_live)


def _labels(records: list[LabelledRecord]) -> list[bool]:
    return [record.included for record in records]


def _score(dataset: Path, order: list[str], path: Path) -> Scores:
    path.write_text("\n".join(order) + "\n", encoding="utf-8")
    command = [sys.executable, str(SCORER), str(dataset), str(path), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    scores: Scores = json.loads(result.stdout)
    return scores


def _run_peer(dataset: Path, records: list[LabelledRecord], tmp: Path) -> Scores:
    """ASReview's default simulation in its own venv, timed and scored in this run."""
    workdir = tmp / f"peer-{dataset.stem}"
    workdir.mkdir()
    project = workdir / "run.asreview"
    command = [str(PEER), "simulate", str(dataset), "--seed", str(SEED), "-o", str(project)]
    start = time.perf_counter()
    subprocess.run(command, cwd=workdir, capture_output=True, check=True)
    wall = time.perf_counter() - start
    order = _peer_order(project, [record.id for record in records])
    scores = _score(dataset, order, workdir / "order.txt")
    shutil.rmtree(workdir)
    return {**scores, "wall": wall}


def _peer_order(project: Path, ids: list[str]) -> list[str]:
    """Records in the order ASReview showed them, then the rest in its last ranking."""
    database = project.with_suffix(".db")
    with zipfile.ZipFile(project) as archive:
        database.write_bytes(archive.read("results.db"))
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(
            "SELECT r.dataset_row FROM results s JOIN record r USING (record_id) ORDER BY s.rowid"
        ).fetchall()
        ranked = connection.execute(
            "SELECT r.dataset_row FROM last_ranking l JOIN record r USING (record_id)"
            " ORDER BY l.ranking"
        ).fetchall()
    finally:
        connection.close()
    shown = [int(row) for (row,) in rows]
    rest = [int(row) for (row,) in ranked if int(row) not in set(shown)]
    rest += [i for i in range(len(ids)) if i not in set(shown) | set(rest)]
    return [ids[i] for i in shown + rest]


def _print_scores(rows: list[SetRun]) -> None:
    print(f"\nPrioritisation (seed {SEED}; peer = ASReview 3.0.8 ELAS u4, recorded run; "
          "'live' = peer run here)")  # fmt: skip
    header = ("set", "N", "WSS@95", "peer", "live", "rec@10%", "peer", "live", "wall s", "peer s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        live = row.peer_live
        live_wss = _pct(live["wss_95"]) if live else "-"
        live_rec = _pct(live["recall_at_10pct"]) if live else "-"
        peer_wall = f"{live['wall']:.1f}" if live else "-"
        cells = (row.name, len(row.records), _pct(row.ours["wss_95"]), _pct(row.peer["wss_95"]),
                 live_wss, _pct(row.ours["recall_at_10pct"]), _pct(row.peer["recall_at_10pct"]),
                 live_rec, f"{row.wall:.1f}", peer_wall)  # fmt: skip
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    _print_bars(rows)


def _print_bars(rows: list[SetRun]) -> None:
    for metric in ("wss_95", "recall_at_10pct"):
        ours = [row.ours[metric] for row in rows]
        peer = [row.peer[metric] for row in rows]
        every = all(o >= p for o, p in zip(ours, peer, strict=True))
        print(f"{metric}: mean {_pct(statistics.mean(ours))} vs peer {_pct(statistics.mean(peer))};"
              f" >= peer on every set: {every}; higher on average: "
              f"{statistics.mean(ours) > statistics.mean(peer)}")  # fmt: skip


def _print_coverage(rows: list[SetRun]) -> None:
    print("\nStopping estimate (one-sided 95%, Callaghan & Müller-Hansen quasi-sampling) "
          "vs true relevant remaining")  # fmt: skip
    print("| set | screened | true left | point | interval | covered |")
    print("|---|---:|---:|---:|---|---|")
    covered = total = 0
    for row in rows:
        included = {r.id: r.included for r in row.records}
        decisions = [included[record_id] for record_id in row.order]
        for fraction in COVERAGE_POINTS:
            seen = int(fraction * len(decisions))
            estimate = estimate_remaining(decisions[:seen], len(decisions) - seen)
            truth = sum(decisions[seen:])
            inside = estimate.lower <= truth <= estimate.upper
            covered, total = covered + inside, total + 1
            interval = f"[{estimate.lower}, {estimate.upper}]"
            print(f"| {row.name} | {fraction:.0%} | {truth} | {estimate.point:.1f} | {interval} | "
                  f"{'yes' if inside else 'NO'} |")  # fmt: skip
    print(f"coverage: {covered}/{total} intervals contain the true remainder")
    _print_sample_coverage(rows)


def _print_sample_coverage(rows: list[SetRun]) -> None:
    """The random-sample estimate: sample 10% of the unscreened records, many seeded draws."""
    print(f"\nRandom-sample estimate (two-sided 95%; 10% of the unscreened, {SAMPLE_DRAWS} draws)")
    print("| set | screened | sample | true left (median) | median interval | coverage |")
    print("|---|---:|---:|---:|---|---:|")
    rng = np.random.default_rng(SEED)
    for row in rows:
        included = {r.id: r.included for r in row.records}
        decisions = np.array([included[record_id] for record_id in row.order])
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
            print(f"| {row.name} | {fraction:.0%} | {size} | {statistics.median(truths):g} | "
                  f"[{statistics.median(lowers):g}, {statistics.median(uppers):g}] | "
                  f"{inside / SAMPLE_DRAWS:.0%} |")  # fmt: skip


def _print_retrain_timing(pool: list[LabelledRecord]) -> None:
    """One retrain (fit + rank) on a 10,000-record review built by repeating the sets' records."""
    records = [pool[i % len(pool)] for i in range(TIMING_RECORDS)]
    texts = [
        f"{record_text(r.title, r.abstract)} copy{i // len(pool)}" for i, r in enumerate(records)
    ]
    start = time.perf_counter()
    ranker = Ranker(texts)
    build = time.perf_counter() - start
    print(f"\nRetrain time, {TIMING_RECORDS:,} records (vectorise once: {build:.1f} s)")
    print("| labelled | median retrain + rank s (3 runs) |")
    print("|---:|---:|")
    for n_labelled in (500, 2_000, 5_000, 9_000):
        labelled = {i: records[i].included for i in range(n_labelled)}
        labelled[0], labelled[1] = True, False  # warm: at least one of each
        times = []
        for _ in range(3):
            start = time.perf_counter()
            ranker.rank(labelled, seed=SEED)
            times.append(time.perf_counter() - start)
        print(f"| {n_labelled:,} | {statistics.median(times):.3f} |")
    start = time.perf_counter()
    replay_order(ranker, [r.included for r in records], seed=SEED)
    print(f"full replay of {TIMING_RECORDS:,} records: {time.perf_counter() - start:.1f} s")


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


if __name__ == "__main__":
    raise SystemExit(main())
