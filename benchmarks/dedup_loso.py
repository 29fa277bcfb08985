"""Leave-one-set-out choice of the dedup thresholds, printed by ``benchmarks/dedup.py``.

For each labelled set held out, every setting of a small grid of DedupConfig thresholds is
scored on the other sets. Among the settings that keep automatic precision >= 0.999 and the
queue <= 5% of records on every one of them, the strictest one within 0.0005 of the best
mean automatic F1 is chosen (smaller gains are noise, looser settings risk false merges on
unseen literature), and the held-out set is scored with it. Records are read and compared
once per set with the code ``winnow dedupe`` runs (same parsing, same scores); only the
decisions are redone.

    .venv/bin/python -m benchmarks.dedup_loso [--sets a,b]
"""

from __future__ import annotations

import argparse
import csv
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from importers.dedup import DEFAULT, Compared, DedupConfig, compare_records, decide_pairs
from importers.dedup.csv_text import read_dedup_csv

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dedup"
SETS = ("srsr", "cardiac", "neuroimaging", "respiratory", "haematology", "special_cases")
GRID = {
    "title_duplicate": (93.0, 95.0, 97.0),
    "author_duplicate": (70.0, 80.0, 90.0),
    "title_veto": (70.0, 80.0, 90.0),
    "journal_mismatch": (50.0, 85.0),
}
MIN_PRECISION, MAX_QUEUE_SHARE = 0.999, 0.05
# Mean F1 differences below this are treated as ties (see choose).
F1_TOLERANCE = 0.0005
# A set too small for a 5% queue to hold one question does not constrain the choice.
MIN_RECORDS_FOR_QUEUE_BAR = 20


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    queue_share: float
    after_f1: float


def _pairs(sizes: Counter[str]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pair_scores(group: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1, as ``dedup_eval.py`` counts them."""
    together = _pairs(Counter((truth[i], group[i]) for i in truth))
    predicted, true = _pairs(Counter(group.values())), _pairs(Counter(truth.values()))
    precision = together / predicted if predicted else 1.0
    recall = together / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class LabelledSet:
    name: str
    ids: list[str]  # of the compared references, by position
    all_ids: tuple[str, ...]
    truth: dict[str, str]
    compared: Compared

    def score(self, config: DedupConfig) -> Score:
        result = decide_pairs(self.compared, config)
        group = {record: record for record in self.all_ids}
        for position, kept in enumerate(result.kept_index()):
            group[self.ids[position]] = self.ids[kept]
        precision, recall, f1 = pair_scores(group, self.truth)
        root = dict(group)

        def find(record: str) -> str:
            while root[record] != record:
                record = root[record]
            return record

        for pair in result.maybe_pairs:
            a, b = self.ids[pair.left], self.ids[pair.right]
            if self.truth[a] == self.truth[b] and find(a) != find(b):
                root[find(a)] = find(b)
        after = pair_scores({r: find(r) for r in group}, self.truth)[2]
        share = len(result.maybe_pairs) / len(self.all_ids)
        return Score(precision, recall, f1, share, after)


def load(name: str) -> LabelledSet:
    folder = DATA / name
    rows = read_dedup_csv((folder / "records.csv").read_text(encoding="utf-8"))
    with (folder / "truth.csv").open(encoding="utf-8", newline="") as handle:
        truth = {row["id"]: row["duplicate_group"] for row in csv.DictReader(handle)}
    ids = [rows.ids[position] for position in rows.positions]
    return LabelledSet(name, ids, rows.ids, truth, compare_records(rows.references))


def settings() -> list[DedupConfig]:
    names = list(GRID)
    return [
        replace(DEFAULT, **dict(zip(names, values, strict=True)))
        for values in itertools.product(*GRID.values())
    ]


def _admissible(score: Score, records: int) -> bool:
    if score.precision < MIN_PRECISION:
        return False
    return records < MIN_RECORDS_FOR_QUEUE_BAR or score.queue_share <= MAX_QUEUE_SHARE


def _label(config: DedupConfig) -> str:
    return ", ".join(f"{name} {getattr(config, name):g}" for name in GRID)


def strictness(config: DedupConfig) -> int:
    """How strict a setting is: the sum of its thresholds' ranks in the grid (every threshold
    of the grid merges less, or queues less, the higher it is)."""
    return sum(values.index(getattr(config, name)) for name, values in GRID.items())


def choose(
    candidates: Sequence[DedupConfig],
    training: Sequence[LabelledSet],
    table: dict[tuple[str, int], Score],
) -> DedupConfig:
    """Among settings that meet the bars on every training set, the strictest of those within
    ``F1_TOLERANCE`` of the best mean automatic F1: a smaller gain is noise on these sets, and a
    looser setting risks false merges on literature never seen. Ties keep the default."""
    admissible: list[tuple[float, DedupConfig]] = []
    for index, config in enumerate(candidates):
        scores = [table[s.name, index] for s in training]
        sizes = [len(s.all_ids) for s in training]
        if all(_admissible(sc, n) for sc, n in zip(scores, sizes, strict=True)):
            admissible.append((sum(sc.f1 for sc in scores) / len(scores), config))
    if not admissible:
        return DEFAULT
    best = max(f1 for f1, _config in admissible)
    near = [config for f1, config in admissible if f1 >= best - F1_TOLERANCE]
    return max(near, key=lambda config: (strictness(config), config == DEFAULT))


def print_loso(names: Sequence[str]) -> None:
    sets = [load(name) for name in names]
    candidates = settings()
    table = {(s.name, i): s.score(c) for s in sets for i, c in enumerate(candidates)}
    default = candidates.index(DEFAULT)
    print(f"leave-one-set-out over {len(candidates)} settings of: {', '.join(GRID)}")
    header = ("held out", "setting chosen on the others", "auto P", "auto R", "auto F1")
    header += ("queue %", "F1 after queue", "default: auto F1")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    chose_default = 0
    for held_out in sets:
        chosen = choose(candidates, [s for s in sets if s is not held_out], table)
        chose_default += chosen == DEFAULT
        score = table[held_out.name, candidates.index(chosen)]
        label = "the default" if chosen == DEFAULT else _label(chosen)
        cells = (
            held_out.name,
            label,
            f"{score.precision:.5f}",
            f"{score.recall:.4f}",
            f"{score.f1:.4f}",
            f"{100 * score.queue_share:.2f}",
            f"{score.after_f1:.4f}",
            f"{table[held_out.name, default].f1:.4f}",
        )
        print("| " + " | ".join(cells) + " |", flush=True)
    print(f"the default ({_label(DEFAULT)}) was chosen in {chose_default} of {len(sets)} folds")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: labelled dedup sets not found at {DATA}")
        return 0
    print_loso(args.sets.split(","))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
