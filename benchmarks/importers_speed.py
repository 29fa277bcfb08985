"""RIS parsing throughput: Winnow's parser vs rispy (separate venv, subprocess) on one big file.

Run: ``.venv/bin/python -m benchmarks.importers_speed [--records 100000] [--rounds 5]``. The input
is the corpus's RIS files concatenated until it holds the requested number of records; each round
times rispy and Winnow back to back, and the table gives medians over the rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from importers.decode import decode_bytes
from importers.registry import parse_bytes
from importers.ris import iter_ris_records

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_RIS = SHARED / "data" / "corpus" / "ris"
RISPY_PYTHON = Path("/work/peers/rispy/bin/python")
# Kept out of the mix: a WoS file under a RIS name (not RIS at all), one 240 KB author list,
# and APA PsycNet's file, which makes rispy raise KeyError('access_date') once repeated.
SKIPPED = {"rispy__example_wos.ris", "asreview__ris_many_authors.ris", "colrev__psycinfo_ris.ris"}
RISPY_SCRIPT = """
import json, sys, time, rispy
start = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as handle:
    entries = rispy.load(handle)
print(json.dumps({"records": len(entries), "seconds": time.perf_counter() - start}))
"""


def build_input(target_records: int, directory: Path) -> tuple[Path, int]:
    """Write the corpus RIS files, repeated, to one UTF-8 file of at least *target_records*."""
    texts = [
        text
        for path in sorted(CORPUS_RIS.iterdir())
        if path.name not in SKIPPED
        and _well_delimited(text := decode_bytes(path.read_bytes()).text.strip("\n"))
    ]
    unit = "\n\n".join(texts) + "\n\n"
    per_unit = sum(1 for _ in iter_ris_records(unit))
    repeats = -(-target_records // per_unit)
    path = directory / "big.ris"
    path.write_text(unit * repeats, encoding="utf-8")
    return path, per_unit * repeats


def _well_delimited(text: str) -> bool:
    # rispy crashes (KeyError) when a record without ER runs into the next file, so files
    # whose records lack TY or ER lines are left out of the shared input.
    return all(not record.repairs for record in iter_ris_records(text))


def time_winnow(path: Path, format: str = "ris") -> tuple[int, float]:
    start = time.perf_counter()
    result = parse_bytes(path.read_bytes(), format=format)
    return len(result.notes), time.perf_counter() - start


def time_winnow_auto(path: Path) -> tuple[int, float]:
    return time_winnow(path, "auto")


def time_winnow_tags_only(path: Path) -> tuple[int, float]:
    """Reading into tag -> values per record only: the same work rispy's ``load`` does."""
    start = time.perf_counter()
    text = decode_bytes(path.read_bytes()).text
    count = sum(1 for _ in iter_ris_records(text))
    return count, time.perf_counter() - start


def time_rispy(path: Path) -> tuple[int, float]:
    completed = subprocess.run(
        [str(RISPY_PYTHON), "-c", RISPY_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    figures = json.loads(completed.stdout)
    return int(figures["records"]), float(figures["seconds"])


Timer = Callable[[Path], tuple[int, float]]
TIMERS: tuple[tuple[str, Timer], ...] = (
    ("rispy 0.10 load", time_rispy),
    ("winnow parse_bytes ris", time_winnow),
    ("winnow parse_bytes auto", time_winnow_auto),
    ("winnow tags only", time_winnow_tags_only),
)


def run_rounds(path: Path, rounds: int) -> dict[str, list[tuple[int, float]]]:
    """Time every parser once per round, in turn: the machine is shared and its load drifts,
    so each round's Winnow/rispy ratio compares runs made seconds apart."""
    figures: dict[str, list[tuple[int, float]]] = {name: [] for name, _ in TIMERS}
    for _ in range(rounds):
        for name, timer in TIMERS:
            figures[name].append(timer(path))
    return figures


def print_table(figures: dict[str, list[tuple[int, float]]]) -> None:
    rispy = figures["rispy 0.10 load"]
    print(f"{'parser':<25}{'records':>10}{'median s':>10}{'records/s':>12}{'vs rispy':>10}")
    for name, runs in figures.items():
        records = runs[0][0]
        seconds = statistics.median(s for _, s in runs)
        # Ratio of throughputs within each round, then the median of those ratios.
        ratio = statistics.median(
            (n / s) / (rn / rs) for (n, s), (rn, rs) in zip(runs, rispy, strict=True)
        )
        print(f"{name:<25}{records:>10,}{seconds:>10.2f}{records / seconds:>12,.0f}{ratio:>10.2f}")
    print("parse_bytes = decode + split + normalise into References + per-record report;")
    print("tags only and rispy = decode + split into tag -> values. Bar: ratio >= 1.00.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not CORPUS_RIS.is_dir():
        print(f"skipped: corpus not found at {CORPUS_RIS}")
        return 0
    if not RISPY_PYTHON.exists():
        print(
            f"skipped: rispy venv not found at {RISPY_PYTHON} (python -m venv; pip install rispy)"
        )
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path, expected = build_input(args.records, Path(tmp))
        size_mb = path.stat().st_size / 1e6
        figures = run_rounds(path, max(1, args.rounds))
    print(f"input: {expected:,} RIS records, {size_mb:.1f} MB (corpus RIS files repeated)")
    print(f"rounds: {max(1, args.rounds)} (rispy, ris, auto, tags only in turn; medians shown)")
    print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
