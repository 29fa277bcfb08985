"""Dedup benchmark: each labelled set scored like the peer, plus a 100,000-record combined input.

    .venv/bin/python -m benchmarks.dedup [--sets a,b] [--peer-set neuroimaging|none]

Each run happens in a child process so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data" / "dedup"
EVAL = SHARED / "bench" / "dedup_eval.py"
PEER_RUNNER = SHARED / "bench" / "run_peer_bibdedupe.py"
PEER_PYTHON = Path("/work/peers/bibdedupe/bin/python")
SETS = ("srsr", "cardiac", "neuroimaging", "respiratory", "haematology", "special_cases")
COMBINED_RECORDS = 100_000


def run_one(records_csv: Path, pred_csv: Path, queue_csv: Path) -> dict[str, float]:
    """Child mode: dedupe one CSV end to end (parse text, deduplicate, write), report figures."""
    from importers.dedup.csv_text import (
        predictions_csv,
        references_from_dedup_csv,
        review_queue_csv,
    )
    from importers.dedup.pipeline import deduplicate

    text = records_csv.read_text(encoding="utf-8")
    start = time.perf_counter()
    rows = references_from_dedup_csv(text)
    ids = [record_id for record_id, _ in rows]
    result = deduplicate([ref for _, ref in rows])
    seconds = time.perf_counter() - start
    pred_csv.write_text(predictions_csv(ids, result), encoding="utf-8")
    queue_csv.write_text(review_queue_csv(ids, result.maybe_pairs), encoding="utf-8")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "records": len(rows),
        "seconds": seconds,
        "maybe": len(result.maybe_pairs),
        "peak_mb": peak_mb,
    }


def _child(records_csv: Path, workdir: Path, name: str) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.dedup",
            "--child",
            str(records_csv),
            str(workdir / f"{name}.pred.csv"),
            str(workdir / f"{name}.queue.csv"),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _evaluate(truth: Path, pred: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(EVAL), str(truth), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


def _peer_live(name: str, workdir: Path) -> float | None:
    """Run BibDedupe in its own venv on one set, in this run, for its records/s."""
    if not PEER_PYTHON.exists():
        return None
    timing = workdir / "peer_timing.json"
    subprocess.run(
        [
            str(PEER_PYTHON),
            str(PEER_RUNNER),
            str(DATA / name / "records.csv"),
            str(workdir / "peer.pred.csv"),
            "--timing",
            str(timing),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(timing.read_text())["records_per_s"])


def _combined_input(workdir: Path) -> Path:
    """100,000 records from all sets in turn (repeated), ids prefixed to stay unique."""
    import csv

    columns = [
        "id",
        "title",
        "authors",
        "year",
        "journal",
        "volume",
        "issue",
        "pages",
        "doi",
        "abstract",
        "entrytype",
        "isbn",
        "url",
    ]
    path = workdir / "combined.csv"
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        round_number = 0
        while written < COMBINED_RECORDS:
            for name in SETS:
                with (DATA / name / "records.csv").open(encoding="utf-8", newline="") as fh:
                    for row in csv.DictReader(fh):
                        if written == COMBINED_RECORDS:
                            return path
                        row["id"] = f"r{round_number}-{name}-{row['id']}"
                        writer.writerow(row)
                        written += 1
            round_number += 1
    return path


def _row(name: str, workdir: Path, peer_live: float | None, peer_set: str) -> str:
    """One table row: our run and scores beside the peer's stored scores and timing."""
    figures = _child(DATA / name / "records.csv", workdir, name)
    scores = _evaluate(DATA / name / "truth.csv", workdir / f"{name}.pred.csv")
    peer = json.loads((DATA / name / "peer_bibdedupe_eval.json").read_text())
    peer_timing = json.loads((DATA / name / "peer_bibdedupe_timing.json").read_text())
    peer_rate = f"{peer_timing['records_per_s']:.0f}"
    if name == peer_set and peer_live is not None:
        peer_rate += f" (live {peer_live:.0f})"
    rate = figures["records"] / figures["seconds"]
    return (
        f"| {name} | {figures['records']:.0f} | {scores['precision']:.5f} | "
        f"{scores['recall']:.4f} | {scores['F1']:.4f} | {peer['F1']:.4f} | "
        f"{figures['maybe']:.0f} | {rate:.0f} | {peer_rate} | {figures['peak_mb']:.0f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, type=Path)
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--peer-set", default="neuroimaging")
    parser.add_argument("--no-combined", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(*args.child)))
        return 0
    if not DATA.exists():
        print(f"skipped: labelled dedup sets not found at {DATA}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        peer_live = None if args.peer_set == "none" else _peer_live(args.peer_set, workdir)
        header = (
            "set",
            "records",
            "P",
            "R",
            "F1",
            "peer F1",
            "maybe pairs",
            "records/s",
            "peer records/s",
            "peak MB",
        )
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for name in args.sets.split(","):
            print(_row(name, workdir, peer_live, args.peer_set), flush=True)
        if not args.no_combined:
            figures = _child(_combined_input(workdir), workdir, "combined")
            print(
                f"\ncombined input: {figures['records']:.0f} records, "
                f"wall {figures['seconds']:.1f} s, peak {figures['peak_mb']:.0f} MB, "
                f"maybe pairs {figures['maybe']:.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
