"""CSV text adapter for ``winnow dedupe``: rows of the labelled-set layout in, id,group text out.

Takes and returns text only; reading files and showing progress belong to the CLI.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from importers.dedup.keys import split_authors
from importers.dedup.pipeline import DedupResult, ScoredPair
from importers.model import Reference, ReferenceType

_TYPES = {
    "article": ReferenceType.JOURNAL_ARTICLE,
    "inproceedings": ReferenceType.CONFERENCE_PAPER,
    "conference": ReferenceType.CONFERENCE_PAPER,
    "book": ReferenceType.BOOK,
    "incollection": ReferenceType.BOOK_CHAPTER,
    "inbook": ReferenceType.BOOK_CHAPTER,
    "techreport": ReferenceType.REPORT,
    "phdthesis": ReferenceType.THESIS,
    "mastersthesis": ReferenceType.THESIS,
}
_PUBMED_URL = re.compile(r"ncbi\.nlm\.nih\.gov/pubmed/(\d+)")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


class DedupCsvError(ValueError):
    """The CSV text lacks the ``id`` column or repeats an id."""


def _reference(row: dict[str, str], number: int) -> Reference:
    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    year = _YEAR.search(get("year"))
    pmid = _PUBMED_URL.search(get("url"))
    return Reference(
        title=get("title"),
        abstract=get("abstract"),
        authors=split_authors(get("authors")),
        year=int(year.group(1)) if year else None,
        journal=get("journal") or get("booktitle"),
        volume=get("volume"),
        issue=get("issue"),
        pages=get("pages"),
        doi=get("doi") or None,
        pmid=get("pmid") or (pmid.group(1) if pmid else None),
        isbn=get("isbn") or None,
        type=_TYPES.get(get("entrytype").lower(), ReferenceType.OTHER),
        url=get("url"),
        record_number=number,
    )


def references_from_dedup_csv(text: str) -> list[tuple[str, Reference]]:
    """``(id, Reference)`` per row of a CSV with the columns of the labelled dedup sets."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "id" not in reader.fieldnames:
        raise DedupCsvError("the CSV needs an 'id' column")
    rows: list[tuple[str, Reference]] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=1):
        record_id = (row.get("id") or "").strip()
        if not record_id or record_id in seen:
            raise DedupCsvError(f"row {number}: missing or repeated id {record_id!r}")
        seen.add(record_id)
        rows.append((record_id, _reference(row, number)))
    return rows


def predictions_csv(ids: Sequence[str], result: DedupResult) -> str:
    """``id,group`` with one row per input record; ``group`` is the id of the kept record."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "group"])
    for position, kept in enumerate(result.kept_index()):
        writer.writerow([ids[position], ids[kept]])
    return out.getvalue()


def review_queue_csv(ids: Sequence[str], pairs: Sequence[ScoredPair]) -> str:
    """The maybe pairs for a person: both ids, the reason and the field scores."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id_a", "id_b", "decision", "reason", "title", "authors", "abstract"])
    for pair in pairs:
        scores = pair.scores
        writer.writerow(
            [
                ids[pair.left],
                ids[pair.right],
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
