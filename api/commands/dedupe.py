"""``winnow dedupe FILE... --output PRED.csv [--review-queue PAIRS.csv]``: no database needed."""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from importers.model import RecordNote, Reference

# Inputs this large show a progress bar on stderr; smaller ones finish before it would help.
PROGRESS_MIN_RECORDS = 5000
BAR_WIDTH = 30
_STAGES = {"keys": "normalising", "pairs": "comparing", "clusters": "clustering"}


class InputError(Exception):
    """A file that cannot be read as a dedup CSV; the message names the file."""


def register(commands: Any) -> None:
    dedupe = commands.add_parser(
        "dedupe",
        help="deduplicate CSV files of references without a database",
        description="Read CSV files with the columns of the labelled dedup sets (id, title, "
        "authors, year, journal, volume, issue, pages, doi, abstract, ...), merge certain "
        "duplicates and write id,group (group = the id of the record kept for the cluster).",
    )
    dedupe.add_argument("files", metavar="FILE", type=Path, nargs="+")
    dedupe.add_argument("--output", required=True, type=Path, metavar="PRED.csv")
    dedupe.add_argument(
        "--review-queue",
        type=Path,
        metavar="PAIRS.csv",
        help="write the uncertain pairs (for a person) with their reason and field scores",
    )
    dedupe.set_defaults(run=_dedupe)


def _dedupe(args: argparse.Namespace) -> int:
    from importers.dedup import deduplicate
    from importers.dedup.csv_text import predictions_csv, review_queue_csv

    try:
        rows = read_inputs(args.files)
    except InputError as error:
        print(f"winnow: error: {error}", file=sys.stderr)
        return 1
    refs = rows.references
    progress = ProgressBar(sys.stderr) if len(refs) >= PROGRESS_MIN_RECORDS else None
    result = deduplicate(refs, on_progress=progress)
    try:
        args.output.write_text(predictions_csv(rows.ids, result, rows.positions), encoding="utf-8")
        if args.review_queue is not None:
            queue = review_queue_csv(rows.ids, result.maybe_pairs, rows.positions)
            args.review_queue.write_text(queue, encoding="utf-8")
    except OSError as error:
        print(f"winnow: error: {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    merged = sum(len(c.members) - 1 for c in result.clusters)
    groups = len(result.clusters) + len(rows.ids) - len(refs)
    print(
        f"{len(rows.ids)} records: {merged} merged as duplicates into {groups} groups, "
        f"{len(result.maybe_pairs)} uncertain pairs"
    )
    for path, note in rows.rejected:
        print(
            f"winnow: {path}: record {note.record} (line {note.line}) kept as its own group: "
            f"{note.message}",
            file=sys.stderr,
        )
    return 0


@dataclass(frozen=True)
class Inputs:
    """Every file's rows in order: ids unique across files, the references read from them."""

    ids: list[str]
    references: list[Reference]
    # Row (index into ids) of each reference.
    positions: list[int]
    rejected: list[tuple[Path, RecordNote]]


def read_inputs(paths: list[Path]) -> Inputs:
    """Ids and references of every file, in order; ids must be unique across all files."""
    from importers.dedup.csv_text import DedupCsvError, read_dedup_csv
    from importers.errors import ImportFormatError

    inputs = Inputs([], [], [], [])
    first_seen: dict[str, Path] = {}
    for path in paths:
        try:
            rows = read_dedup_csv(path.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise InputError(f"{path}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from error
        except (DedupCsvError, ImportFormatError, csv.Error) as error:
            raise InputError(f"{path}: {error}") from error
        for record_id in rows.ids:
            if record_id in first_seen:
                raise InputError(f"{path}: id {record_id!r} is also in {first_seen[record_id]}")
            first_seen[record_id] = path
        offset = len(inputs.ids)
        inputs.ids.extend(rows.ids)
        inputs.references.extend(rows.references)
        inputs.positions.extend(offset + position for position in rows.positions)
        inputs.rejected.extend((path, note) for note in rows.rejected)
    return inputs


class ProgressBar:
    """``comparing  [#########.....]  61%`` on one line of a terminal, or a line per tenth
    when stderr is a file or a pipe (so logs stay readable)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.redraw = stream.isatty()
        self.shown: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        step = percent if self.redraw else percent // 10 * 10
        if self.shown.get(stage) == step:
            return
        self.shown[stage] = step
        filled = BAR_WIDTH * step // 100
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        line = f"{_STAGES.get(stage, stage):<11} [{bar}] {step:3d}%"
        end = "\n" if not self.redraw or step == 100 else ""
        self.stream.write(("\r" if self.redraw else "") + line + end)
        self.stream.flush()
