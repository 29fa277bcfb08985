"""CSV text adapter for ``winnow dedupe``: rows in, ``id,group`` and the review queue out.

Records are read by the same CSV importer the service uses (:func:`importers.tabular.
parse_tabular`: same columns, same author splitting, same normalisers); this module only adds
the ``id`` column that names each row. Takes and returns text; files belong to the CLI.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from importers.dedup.pipeline import DedupResult, ScoredPair
from importers.model import Outcome, RecordNote, Reference
from importers.tabular import parse_tabular


class DedupCsvError(ValueError):
    """The CSV text lacks the ``id`` column, repeats an id, or is not comma-separated."""


@dataclass(frozen=True, slots=True)
class DedupInput:
    """The rows of one CSV: every id, in order, and the references read from them.

    ``positions[i]`` is the row (index into ``ids``) of ``references[i]``; rows without any
    content (``rejected``) have an id but no reference.
    """

    ids: tuple[str, ...]
    references: tuple[Reference, ...]
    positions: tuple[int, ...]
    rejected: tuple[RecordNote, ...]


def _row_ids(text: str) -> list[str]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None) or []
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    if "id" not in names:
        raise DedupCsvError("the CSV needs an 'id' column")
    column = names.index("id")
    ids: list[str] = []
    seen: set[str] = set()
    for row in reader:
        if not "".join(row).strip():
            continue  # the importer skips blank rows too
        record_id = row[column].strip() if column < len(row) else ""
        if not record_id or record_id in seen:
            raise DedupCsvError(f"row {len(ids) + 1}: missing or repeated id {record_id!r}")
        seen.add(record_id)
        ids.append(record_id)
    return ids


def read_dedup_csv(text: str) -> DedupInput:
    """The rows of a comma-separated CSV with an ``id`` column and bibliographic columns."""
    ids = _row_ids(text)
    parsed = parse_tabular(text)
    if len(parsed.notes) != len(ids):
        raise DedupCsvError("the rows could not be matched to their ids: use comma-separated CSV")
    return DedupInput(
        ids=tuple(ids),
        references=parsed.references,
        positions=tuple(ref.record_number - 1 for ref in parsed.references),
        rejected=tuple(note for note in parsed.notes if note.outcome is Outcome.REJECTED),
    )


def predictions_csv(ids: Sequence[str], result: DedupResult, positions: Sequence[int]) -> str:
    """``id,group`` with one row per input row; ``group`` is the id of the kept record (rows
    without content are their own group)."""
    group = list(ids)
    for position, kept in enumerate(result.kept_index()):
        group[positions[position]] = ids[positions[kept]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "group"])
    writer.writerows(zip(ids, group, strict=True))
    return out.getvalue()


def review_queue_csv(
    ids: Sequence[str], pairs: Sequence[ScoredPair], positions: Sequence[int]
) -> str:
    """The maybe pairs for a person: both ids, the reason and the field scores."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id_a", "id_b", "decision", "reason", "title", "authors", "abstract"])
    for pair in pairs:
        scores = pair.scores
        writer.writerow(
            [
                ids[positions[pair.left]],
                ids[positions[pair.right]],
                pair.decision,
                pair.reason,
                _score(scores.title),
                _score(scores.authors),
                _score(scores.abstract),
            ]
        )
    return out.getvalue()


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"
