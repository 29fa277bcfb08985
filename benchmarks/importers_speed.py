"""RIS parsing throughput: Winnow's parser vs rispy (separate venv, subprocess) on one big file.

Run: ``.venv/bin/python -m benchmarks.importers_speed [--records 100000] [--rounds 5]``. The input
is the corpus's RIS files concatenated until it holds the requested number of records; each round
times rispy and Winnow back to back, and the table gives medians over the rounds.

Winnow is timed twice: as a source install runs it (pure Python) and as the release wheel and the
Docker image run it (the modules pyproject.toml's mypyc hook lists, compiled by
``benchmarks.compiled`` with the same mypyc). Every parser runs in its own process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.compiled import build_compiled_tree, is_compiled
from importers.decode import decode_bytes
from importers.ris import iter_ris_records

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_RIS = SHARED / "data" / "corpus" / "ris"
RISPY_PYTHON = Path("/work/peers/rispy/bin/python")
# Kept out of the mix: a WoS file under a RIS name (not RIS at all), one 240 KB author list,
# and APA PsycNet's file, which makes rispy raise KeyError('access_date') once repeated.
SKIPPED = {"rispy__example_wos.ris", "asreview__ris_many_authors.ris", "colrev__psycinfo_ris.ris"}
ROOT = Path(__file__).resolve().parents[1]
# argv: code root, input file, format ("tags" = reading into tag -> values only), and "paused"
# to hold the garbage collector off around the parse as `winnow parse` does (the service does not).
WINNOW_SCRIPT = """
import contextlib, json, sys, time
sys.path.insert(0, sys.argv[1])
from importers import ris
from importers.decode import decode_bytes
from importers.gc_pause import collector_paused
from importers.registry import parse_bytes
start, cpu = time.perf_counter(), time.process_time()
data = open(sys.argv[2], "rb").read()
if sys.argv[3] == "tags":
    parsed = list(ris.iter_ris_records(decode_bytes(data).text))
    records = len(parsed)
else:
    with collector_paused() if sys.argv[4] == "paused" else contextlib.nullcontext():
        parsed = parse_bytes(data, format=sys.argv[3])
    records = len(parsed.notes)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
# The result is still alive here, as rispy's entries are in its script: neither clock counts
# freeing what the parser made.
print(json.dumps({"records": records, "seconds": seconds, "cpu": cpu, "module": ris.__file__}))
"""
RISPY_SCRIPT = """
import json, sys, time, rispy
start, cpu = time.perf_counter(), time.process_time()
with open(sys.argv[1], encoding="utf-8") as handle:
    entries = rispy.load(handle)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"records": len(entries), "seconds": seconds, "cpu": cpu}))
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


@dataclass(frozen=True, slots=True)
class Run:
    records: int
    seconds: float  # wall time
    cpu: float  # the process's CPU time: what a busy shared machine disturbs least


def winnow_timer(root: Path, format: str, *, paused: bool = False) -> Callable[[Path], Run]:
    """Time Winnow's code under *root* (the checkout, or a compiled copy) in a fresh process;
    *paused*: with the collector held off, as `winnow parse` runs it."""
    collector = "paused" if paused else "on"

    def timer(path: Path) -> Run:
        completed = subprocess.run(
            [sys.executable, "-c", WINNOW_SCRIPT, str(root), str(path), format, collector],
            capture_output=True,
            text=True,
            check=True,
            timeout=900,
        )
        figures = json.loads(completed.stdout)
        expect_compiled = root != ROOT
        if is_compiled(figures["module"]) != expect_compiled:
            raise RuntimeError(f"timed the wrong build: {figures['module']}")
        return Run(int(figures["records"]), float(figures["seconds"]), float(figures["cpu"]))

    return timer


def time_rispy(path: Path) -> Run:
    completed = subprocess.run(
        [str(RISPY_PYTHON), "-c", RISPY_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    figures = json.loads(completed.stdout)
    return Run(int(figures["records"]), float(figures["seconds"]), float(figures["cpu"]))


Timer = Callable[[Path], Run]


def timers(compiled: Path) -> tuple[tuple[str, Timer], ...]:
    return (
        ("rispy 0.10 load", time_rispy),
        ("winnow ris, compiled", winnow_timer(compiled, "ris")),
        ("winnow auto, compiled", winnow_timer(compiled, "auto")),
        ("winnow auto, compiled, gc off", winnow_timer(compiled, "auto", paused=True)),
        ("winnow ris, pure Python", winnow_timer(ROOT, "ris")),
        ("winnow auto, pure Python", winnow_timer(ROOT, "auto")),
        ("winnow tags only, pure", winnow_timer(ROOT, "tags")),
    )


def run_rounds(path: Path, rounds: int, compiled: Path) -> dict[str, list[Run]]:
    """Time every parser once per round, in turn: the machine is shared and its load drifts,
    so each round's Winnow/rispy ratio compares runs made seconds apart."""
    chosen = timers(compiled)
    figures: dict[str, list[Run]] = {name: [] for name, _ in chosen}
    for _ in range(rounds):
        for name, timer in chosen:
            figures[name].append(timer(path))
    return figures


def print_table(figures: dict[str, list[Run]]) -> None:
    rispy = figures["rispy 0.10 load"]
    print(
        f"{'parser':<31}{'records':>10}{'median s':>10}{'records/s':>12}"
        f"{'vs rispy':>10}{'CPU s':>8}{'vs rispy':>10}"
    )
    for name, runs in figures.items():
        records = runs[0].records
        seconds = statistics.median(run.seconds for run in runs)
        cpu = statistics.median(run.cpu for run in runs)
        # Ratio of throughputs within each round, then the median of those ratios.
        wall_ratio = statistics.median(
            (r.records / r.seconds) / (p.records / p.seconds)
            for r, p in zip(runs, rispy, strict=True)
        )
        cpu_ratio = statistics.median(
            (r.records / r.cpu) / (p.records / p.cpu) for r, p in zip(runs, rispy, strict=True)
        )
        print(
            f"{name:<31}{records:>10,}{seconds:>10.2f}{records / seconds:>12,.0f}"
            f"{wall_ratio:>10.2f}{cpu:>8.2f}{cpu_ratio:>10.2f}"
        )
    print("parse_bytes = decode + split + normalise into References + per-record report;")
    print("tags only and rispy = decode + split into tag -> values. Bar: ratio >= 1.00.")
    print("compiled = the modules release wheels and the Docker image compile with mypyc;")
    print("pure Python = a source or editable install (the same code, interpreted).")
    print("gc off = the collector paused around the parse, as `winnow parse` runs it; the")
    print("service parses uploads with the collector on (it must not stop the host's).")


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
        compiled = build_compiled_tree(Path(tmp) / "compiled")
        figures = run_rounds(path, max(1, args.rounds), compiled)
    print(f"input: {expected:,} RIS records, {size_mb:.1f} MB (corpus RIS files repeated)")
    print(f"rounds: {max(1, args.rounds)} (each parser in turn, in its own process; medians)")
    print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
