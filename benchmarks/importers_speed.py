"""RIS parsing throughput: Winnow's parser vs rispy (separate venv, subprocess) on one big file.

Run: ``.venv/bin/python -m benchmarks.importers_speed [--records 100000]``. The input is the
corpus's RIS files concatenated until it holds the requested number of records.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
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


def time_winnow(path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    result = parse_bytes(path.read_bytes(), format="ris")
    return len(result.notes), time.perf_counter() - start


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
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
        rispy_records, rispy_seconds = time_rispy(path)
        winnow_records, winnow_seconds = time_winnow(path)
        tags_records, tags_seconds = time_winnow_tags_only(path)
    print(f"input: {expected:,} RIS records, {size_mb:.1f} MB (corpus RIS files repeated)")
    rows = (
        ("winnow parse_bytes", winnow_records, winnow_seconds),
        ("winnow tags only", tags_records, tags_seconds),
        ("rispy 0.10 load", rispy_records, rispy_seconds),
    )
    print(f"{'parser':<22}{'records':>10}{'seconds':>10}{'records/s':>12}{'vs rispy':>10}")
    rispy_rate = rispy_records / rispy_seconds
    for name, records, seconds in rows:
        rate = records / seconds
        print(f"{name:<22}{records:>10,}{seconds:>10.2f}{rate:>12,.0f}{rate / rispy_rate:>10.2f}")
    print("parse_bytes = decode + split + normalise into References + per-record report;")
    print("tags only and rispy = decode + split into tag -> values. Bar: ratio >= 1.00.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
