"""Prioritisation vs ASReview on the ten development sets, with the model chosen leave-one-set-out.

Run: `.venv/bin/python -m benchmarks.prioritize [--peer-sets all|none|NAME,...] [--jobs N]`.
Needs ../shared (skips cleanly without it); ASReview is run live from /work/peers/asreview when
installed, else its figures recorded beside each set are used.

What runs is what `winnow simulate` runs (`screening.ranking.simulate.simulate`: record_text,
Ranker, the served schedule); the grid varies only the `RankingModel` handed to it. Printed:
1. the served model per set (WSS@95, recall@10%, peer's, leave-one-set-out WSS@95, wall, fits);
2. every grid model's mean and summed shortfall behind the peer, so the amount of selection is
   visible; the model the selection rule (benchmarks/prioritize_select.py) picks on the ten sets,
   and which model it picks in each leave-one-set-out fold (choose on nine, score the tenth);
   the rule's noise band is the spread of the noise model's mean over solver seeds;
3. the stopping estimate computed from the served order (benchmarks/prioritize_stopping.py);
4. retraining time on 10,000 records.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.prioritize_select import Choice, SetScores, choose, mean_wss, shortfall
from benchmarks.prioritize_stopping import print_coverage, print_retrain_timing
from screening.ranking.ranker import SERVED_MODEL, RankingModel
from screening.ranking.simulate import LabelledRecord, read_labelled_csv, simulate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data" / "screening"
SCORER = SHARED / "bench" / "screen_eval.py"
PEER = Path("/work/peers/asreview/bin/asreview")
SETS = (
    "Appenzeller-Herzog_2020",
    "Kitchenham_2010",
    "Cohen_2006_ADHD",
    "Bannach-Brown_2019",
    "Cohen_2006_Antihistamines",
    "Cohen_2006_AtypicalAntipsychotics",
    "Cohen_2006_BetaBlockers",
    "Cohen_2006_CalciumChannelBlockers",
    "Cohen_2006_NSAIDS",
    "Cohen_2006_Triptans",
)
SEED = 42  # the peer's recorded runs used --seed 42
NOISE_SEEDS = (0, 1, 2, 3)  # besides SEED: the noise model's spread over solver seeds
# The grid: genuinely different rankers, each a published choice or one property of bibliographic
# text (screening/ranking/ranker.py says which), none tuned on a set. Every one is scored on every
# set; the served model is the one benchmarks/prioritize_select.py's rule picks, and
# leave-one-set-out reports what that rule, choosing from this grid on nine sets, gives on the
# tenth.
GRID = (
    RankingModel(("svm",), 9.8, 1),  # ASReview's ELAS u4, reproduced
    RankingModel(("svm",), 9.8, 2),  # a term must occur in two records
    RankingModel(("logistic",), 1.0, 2),  # logistic regression, classes balanced (AutoTAR family)
    RankingModel(("naive_bayes",), 9.8, 2),  # ASReview's former default family
    RankingModel(("svm",), 9.8, 2, title_weight=0.5),  # title words in a space of their own
    RankingModel(("svm",), 9.8, 2, topic_dimensions=100),  # latent topics (LSA)
    RankingModel(("svm",), 9.8, 2, 0.5, 50, 0.5),  # title words and topics: half as many
    RankingModel(("svm",), 9.8, 2, 0.5, 100, 0.5),  # title words and topics
    RankingModel(("svm",), 9.8, 2, 0.5, 200, 0.5),  # title words and topics: twice as many
    RankingModel(("svm", "logistic"), 9.8, 2, 0.5, 100, 0.5),  # ensemble of two classifiers
)
# The noise of the measurement is the seed-to-seed spread of this model's mean: the published
# model the grid starts from, so that no choice made here sets the width of the band.
NOISE_MODEL = GRID[0]
Scores = dict[str, float]


@dataclass(frozen=True)
class ServedRun:
    """The served model and schedule on one set, run as `winnow simulate` runs them, timed."""

    name: str
    records: list[LabelledRecord]
    order: list[str]
    wall: float
    cpu: float  # process time: less sensitive than wall to other users of the machine
    fits: int
    stalest: int  # most decisions between two fits


@dataclass(frozen=True)
class SetRun:
    served: ServedRun
    scores: dict[RankingModel, Scores]  # every grid model on this set
    peer: Scores  # live when run here (with "wall"), else recorded
    peer_live: bool
    seed_wss: tuple[float, ...]  # NOISE_MODEL's WSS@95 under SEED and each noise seed

    def selection_scores(self) -> SetScores:
        wss = {model: scores["wss_95"] for model, scores in self.scores.items()}
        return SetScores(self.served.name, wss, self.peer["wss_95"], self.seed_wss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-sets", default="all", help="all, none or names (default all)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the untimed grid")
    parser.add_argument("--sets", default=",".join(SETS), help="a subset, for a quick look")
    parser.add_argument("--save", type=Path, help="also write every score to this JSON file")
    parser.add_argument(
        "--noise-seeds",
        default=",".join(map(str, NOISE_SEEDS)),
        help="solver seeds besides 42 for the noise band (comma-separated; '' for none)",
    )
    args = parser.parse_args()
    names = args.sets.split(",")
    if not DATA.is_dir() or not SCORER.is_file():
        print(f"skipped: {DATA} or {SCORER} not found (the shared data is not in this checkout)")
        return 0
    assert SERVED_MODEL in GRID, "the served model must be one of the grid's"
    print(f"load average at start: {_load()}")
    peer_sets = _peer_sets(args.peer_sets)
    with tempfile.TemporaryDirectory() as tmp:
        served = [_served_run(name) for name in names]  # timed, alone
        peers = [_peer(name, Path(tmp), name in peer_sets) for name in names]
        seeds = tuple(int(seed) for seed in args.noise_seeds.split(",") if seed.strip())
        grid, seed_wss = _grid_scores(served, Path(tmp), args.jobs, seeds)
    print(f"load average at end: {_load()}")
    rows = [
        SetRun(run, grid[run.name], *peer, seed_wss[run.name])
        for run, peer in zip(served, peers, strict=True)
    ]
    if args.save:
        _save(args.save, rows)
    loso = _leave_one_set_out(rows)
    _print_table(rows, loso)
    _print_grid(rows, loso)
    print_coverage([(run.name, run.records, run.order) for run in served])
    print_retrain_timing([record for run in served for record in run.records], SEED)
    return 0


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def _peer_sets(spec: str) -> set[str]:
    if not PEER.is_file() or spec == "none":
        if spec != "none":
            print(f"note: {PEER} not installed; using the peer's recorded figures only")
        return set()
    return set(SETS) if spec == "all" else set(spec.split(","))


def _records(name: str) -> list[LabelledRecord]:
    return read_labelled_csv((DATA / f"{name}.csv").read_text(encoding="utf-8"))


def _served_run(name: str) -> ServedRun:
    start, start_cpu = time.perf_counter(), time.process_time()
    records = _records(name)
    order, replay = simulate(records, seed=SEED)
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    stalest = replay.most_decisions_between_fits
    return ServedRun(name, records, order, wall, cpu, replay.fits, stalest)


def _grid_scores(
    served: list[ServedRun], tmp: Path, jobs: int, noise_seeds: tuple[int, ...]
) -> tuple[dict[str, dict[RankingModel, Scores]], dict[str, tuple[float, ...]]]:
    """Every grid model on every set, and NOISE_MODEL's WSS@95 under each noise seed; the served
    model's seed-42 scores are its timed run's."""
    table = {
        run.name: {SERVED_MODEL: score_order(DATA / f"{run.name}.csv", run.order, tmp / "o.txt")}
        for run in served
    }
    work = [
        (run.name, model, tmp, SEED) for run in served for model in GRID if model != SERVED_MODEL
    ]
    work += [(run.name, NOISE_MODEL, tmp, seed) for run in served for seed in noise_seeds]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        scored = list(pool.map(_grid_cell, work))
    by_seed: dict[str, dict[int, float]] = {name: {} for name in table}
    for (name, model, _, seed), scores in zip(work, scored, strict=True):
        if seed == SEED:
            table[name][model] = scores
        else:
            by_seed[name][seed] = scores["wss_95"]
    return table, {
        name: (table[name][NOISE_MODEL]["wss_95"], *by_seed[name].values()) for name in table
    }


def _grid_cell(job: tuple[str, RankingModel, Path, int]) -> Scores:
    name, model, tmp, seed = job
    order, _ = simulate(_records(name), seed=seed, model=model)
    path = tmp / f"{name}.{os.getpid()}.order.txt"
    return score_order(DATA / f"{name}.csv", order, path)


def score_order(dataset: Path, order: list[str], path: Path) -> Scores:
    path.write_text("\n".join(order) + "\n", encoding="utf-8")
    command = [sys.executable, str(SCORER), str(dataset), str(path), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    scores: Scores = json.loads(result.stdout)
    return scores


def _peer(name: str, tmp: Path, live: bool) -> tuple[Scores, bool]:
    dataset = DATA / f"{name}.csv"
    if live:
        try:
            return _run_peer(dataset, [r.id for r in _records(name)], tmp), True
        except (subprocess.CalledProcessError, OSError, KeyError) as error:
            print(f"note: ASReview failed on {name} ({error}); using its recorded figures")
    recorded: Scores = json.loads((DATA / f"{name}.peer_asreview.json").read_text("utf-8"))
    return recorded, False


def _run_peer(dataset: Path, ids: list[str], tmp: Path) -> Scores:
    """ASReview's default simulation in its own venv, timed and scored in this run."""
    workdir = tmp / f"peer-{dataset.stem}"
    workdir.mkdir()
    project = workdir / "run.asreview"
    command = [str(PEER), "simulate", str(dataset), "--seed", str(SEED), "-o", str(project)]
    start = time.perf_counter()
    subprocess.run(command, cwd=workdir, capture_output=True, check=True)
    wall = time.perf_counter() - start
    scores = score_order(dataset, _peer_order(project, ids), workdir / "order.txt")
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


def _save(path: Path, rows: list[SetRun]) -> None:
    data = {
        row.served.name: {
            "peer": row.peer,
            "peer_live": row.peer_live,
            "wall": row.served.wall,
            "noise_model_wss_by_seed": row.seed_wss,
            "models": {model.describe(): scores for model, scores in row.scores.items()},
        }
        for row in rows
    }
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _leave_one_set_out(rows: list[SetRun]) -> dict[str, tuple[Choice, float]]:
    """For each set: the selection rule's choice on the other nine, and its score on this one."""
    chosen: dict[str, tuple[Choice, float]] = {}
    for held_out in rows:
        others = [row.selection_scores() for row in rows if row is not held_out]
        choice = choose(GRID, others)
        chosen[held_out.served.name] = (choice, held_out.scores[choice.model]["wss_95"])
    return chosen


def _print_table(rows: list[SetRun], loso: dict[str, tuple[Choice, float]]) -> None:
    print(
        f"\nServed model: {SERVED_MODEL.describe()}, on the served schedule; seed {SEED}. "
        "Peer: ASReview 3.0.8 ELAS u4 (wall 'rec' = its recorded figures, not run here)"
    )
    header = ("set", "records", "included", "WSS@95", "peer", "recall@10%", "peer",
              "LOSO WSS@95", "wall s", "peer wall s", "fits", "most decisions/fit")  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * (len(header) - 1))
    for row in rows:
        ours, peer, run = row.scores[SERVED_MODEL], row.peer, row.served
        cells = (
            run.name,
            len(run.records),
            int(ours["n_included"]),
            _pct(ours["wss_95"]),
            _pct(peer["wss_95"]),
            _pct(ours["recall_at_10pct"]),
            _pct(peer["recall_at_10pct"]),
            _pct(loso[run.name][1]),
            f"{run.wall:.1f}",
            f"{peer['wall']:.1f}" if row.peer_live else "rec",
            run.fits,
            run.stalest,
        )
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    _print_bars(rows, loso)


def _print_bars(rows: list[SetRun], loso: dict[str, tuple[Choice, float]]) -> None:
    ours = [row.scores[SERVED_MODEL]["wss_95"] for row in rows]
    peer = [row.peer["wss_95"] for row in rows]
    held_out = [loso[row.served.name][1] for row in rows]
    wins = sum(o >= p for o, p in zip(ours, peer, strict=True))
    mean_ours, mean_peer, mean_loso = (statistics.mean(v) for v in (ours, peer, held_out))
    recall = statistics.mean(row.scores[SERVED_MODEL]["recall_at_10pct"] for row in rows)
    peer_recall = statistics.mean(row.peer["recall_at_10pct"] for row in rows)
    wall = sum(row.served.wall for row in rows)
    cpu = sum(row.served.cpu for row in rows)
    peer_walls = [row.peer["wall"] for row in rows if row.peer_live]
    if len(peer_walls) == len(rows):
        print(f"wall time: ours {wall:.0f} s, ASReview {sum(peer_walls):.0f} s in this run "
              f"(ratio {wall / sum(peer_walls):.2f}); our CPU time {cpu:.0f} s")  # fmt: skip
    print(f"\nmean WSS@95 {_pct(mean_ours)} vs peer {_pct(mean_peer)} "
          f"({100 * (mean_ours - mean_peer):+.1f} points); mean recall@10% {_pct(recall)} vs "
          f"{_pct(peer_recall)}")  # fmt: skip
    n = len(rows)
    _bar(f"WSS@95 >= peer on at least 8 of 10 sets ({wins}/{n})", wins >= 0.8 * n)
    _bar("mean WSS@95 >= peer mean + 2 points", mean_ours >= mean_peer + 0.02)
    _bar(f"leave-one-set-out mean {_pct(mean_loso)} >= peer mean", mean_loso >= mean_peer)
    _bar(f"{n}-set simulation {wall:.0f} s wall ({cpu:.0f} s CPU) < 120 s (load {_load()})",
         wall < 120)  # fmt: skip


def _bar(text: str, met: bool) -> None:
    print(f"  [{'met' if met else 'NOT MET'}] {text}")


def _print_grid(rows: list[SetRun], loso: dict[str, tuple[Choice, float]]) -> None:
    sets = [row.selection_scores() for row in rows]
    choice = choose(GRID, sets)
    print(f"\nThe whole grid ({len(GRID)} models), mean over the {len(rows)} sets; shortfall ="
          " points behind the peer summed over the sets where behind")  # fmt: skip
    print("| model | mean WSS@95 | mean recall@10% | sets >= peer | shortfall | in band | "
          "chosen by folds |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---|---:|")
    for model in GRID:
        recall = statistics.mean(row.scores[model]["recall_at_10pct"] for row in rows)
        wins = sum(s.wss[model] >= s.peer for s in sets)
        folds = sum(fold.model == model for fold, _ in loso.values())
        served = " (served)" if model == SERVED_MODEL else ""
        band = "yes" if model in choice.band else ""
        print(f"| {model.describe()}{served} | {_pct(mean_wss(model, sets))} | {_pct(recall)} | "
              f"{wins}/{len(rows)} | {100 * shortfall(model, sets):.1f} | {band} | "
              f"{folds}/{len(rows)} |")  # fmt: skip
    seeds = len(sets[0].seed_wss)
    print(f"\nNoise: {NOISE_MODEL.describe()}'s mean WSS@95 over {seeds} solver seeds "
          f"({', '.join(_pct(statistics.mean(s.seed_wss[k] for s in sets)) for k in range(seeds))})"
          f" has standard deviation {100 * choice.noise:.2f} points.")  # fmt: skip
    print(f"Selection rule on the {len(rows)} sets: band = mean within {100 * choice.noise:.2f} "
          f"points of the best ({_pct(choice.best_mean)}): {len(choice.band)} model(s); smallest "
          f"summed shortfall: {choice.model.describe()}")  # fmt: skip
    verdict = "the served model" if choice.model == SERVED_MODEL else "NOT the served model"
    print(f"  -> {verdict}")
    for name, (fold, score) in loso.items():
        print(f"  fold without {name}: noise {100 * fold.noise:.2f}, band {len(fold.band)}, "
              f"chose {fold.model.describe()}, scores {_pct(score)} on {name}")  # fmt: skip


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


if __name__ == "__main__":
    raise SystemExit(main())
