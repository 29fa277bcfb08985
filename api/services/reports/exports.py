"""Reference exports with the screening outcome: RIS for EndNote/Zotero, and CSV.

RIS carries the decisions in fields both tools import (not in a note):
- ``KW`` (Zotero: tags; EndNote: Keywords): ``winnow:included`` / ``winnow:excluded`` /
  ``winnow:pending``, ``winnow:stage:<stage>`` where it was excluded, ``winnow:reason:<label>``;
- ``LB`` (EndNote: Label): the final status;
- ``C1``-``C6`` (EndNote: Custom 1-6): title/abstract decision, full-text decision, exclusion
  reason, full-text retrieval, Winnow record id, study id. Zotero drops C1-C6 for journal
  articles, which is why the KW tags repeat what matters.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.db import read_snapshot
from api.repositories.reports import ReportsRepository
from api.repositories.reviews import MembershipRepository, ReviewRepository
from api.schemas.reports import ExportFormat, ExportStatus
from api.services.reports.outcomes import RecordOutcome, review_outcomes
from api.tables import Record, Review
from screening import csv_cells
from screening.decisions import RecordState, RecordStatus, current_votes
from screening.model import DecisionEvent, Stage

RIS_TYPES = {
    "journal_article": "JOUR",
    "conference_paper": "CPAPER",
    "conference_abstract": "ABST",
    "book": "BOOK",
    "book_chapter": "CHAP",
    "report": "RPRT",
    "thesis": "THES",
    "web_page": "ELEC",
}
# Records read, and rows written, per chunk of a streamed export.
RECORD_CHUNK = 1_000
CSV_COLUMNS = (
    "id",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "source",
    "status",
    "title_abstract_decision",
    "full_text_decision",
    "exclusion_reason",
    "full_text",
    "study_id",
    "title_abstract_votes",
    "full_text_votes",
    "abstract",
    "keywords",
)


@dataclass(frozen=True, slots=True)
class ExportRow:
    record: Record
    source: str
    outcome: RecordOutcome
    votes: dict[Stage, str]

    @property
    def status(self) -> str:
        if self.record.removed is not None:
            return "removed"
        if self.outcome.included:
            return "included"
        return "excluded" if self.outcome.excluded else "pending"

    @property
    def excluded_at(self) -> Stage | None:
        ft = self.outcome.full_text
        if ft is not None and ft.state is RecordState.EXCLUDED:
            return Stage.FULL_TEXT
        return Stage.TITLE_ABSTRACT if self.outcome.excluded else None


@dataclass(frozen=True, slots=True)
class ExportFile:
    content: str
    media_type: str
    filename: str


def export_references(
    session: Session,
    review: Review,
    *,
    fmt: ExportFormat,
    status: ExportStatus,
    show_open_votes: bool,
) -> ExportFile:
    """The review's records (duplicates removed) with their outcome, filtered by ``status``,
    as one text (the command line; the API streams the same chunks, see stream_references).

    Blinding: individual votes on records not yet settled at a stage are shown only when
    ``show_open_votes`` (a lead); settled records' votes are part of the record.
    """
    chunks = reference_chunks(
        session, review, fmt=fmt, status=status, show_open_votes=show_open_votes
    )
    return ExportFile("".join(chunks), *export_type(review, fmt, status))


def export_type(review: Review, fmt: ExportFormat, status: ExportStatus) -> tuple[str, str]:
    """The media type and file name of an export."""
    name = f"review-{review.id}-{status.value}"
    if fmt is ExportFormat.RIS:
        return "application/x-research-info-systems", f"{name}.ris"
    return "text/csv; charset=utf-8", f"{name}.csv"


def reference_chunks(
    session: Session,
    review: Review,
    *,
    fmt: ExportFormat,
    status: ExportStatus,
    show_open_votes: bool,
) -> Iterator[str]:
    """The export's text, a chunk of records at a time."""
    rows = iter_export_rows(session, review, status=status, show_open_votes=show_open_votes)
    return ris_chunks(rows) if fmt is ExportFormat.RIS else csv_chunks(rows)


def stream_references(
    engine: Engine,
    review_id: int,
    *,
    fmt: ExportFormat,
    status: ExportStatus,
    show_open_votes: bool,
) -> Iterator[bytes]:
    """reference_chunks in a read-only session of its own, UTF-8 encoded, for a streamed
    response: the request's session (and its slot) is released before the body is sent. The
    session reads one snapshot (`read_snapshot`)."""
    with Session(engine) as session:
        read_snapshot(session)
        review = ReviewRepository(session).get(review_id)
        assert review is not None
        chunks = reference_chunks(
            session, review, fmt=fmt, status=status, show_open_votes=show_open_votes
        )
        for chunk in chunks:
            yield chunk.encode("utf-8")
        session.rollback()  # read only


def export_rows(
    session: Session, review: Review, *, status: ExportStatus, show_open_votes: bool
) -> list[ExportRow]:
    return list(iter_export_rows(session, review, status=status, show_open_votes=show_open_votes))


def iter_export_rows(
    session: Session, review: Review, *, status: ExportStatus, show_open_votes: bool
) -> Iterator[ExportRow]:
    """The export's rows in record order; records are read RECORD_CHUNK at a time, so a large
    review never has all its records in memory at once."""
    assert review.id is not None
    found = review_outcomes(session, review)
    outcomes = {o.fact.record_id: o for o in found.records if not o.fact.is_duplicate}
    repo = ReportsRepository(session)
    sources = repo.source_names(review.id)
    votes = _votes(session, review.id, outcomes, found.log, show_open_votes)
    for records in repo.record_chunks(review.id, RECORD_CHUNK):
        for record in records:
            if record.id not in outcomes:
                continue
            row = ExportRow(
                record, sources.get(record.source_id, ""), outcomes[record.id], votes[record.id]
            )
            if status is ExportStatus.ALL or row.status == status.value:
                yield row
        for record in records:  # written out: let them go
            session.expunge(record)


def _votes(
    session: Session,
    review_id: int,
    outcomes: dict[int, RecordOutcome],
    log: list[DecisionEvent],
    show_open: bool,
) -> dict[int, dict[Stage, str]]:
    names = {m.user_id: u.name for m, u in MembershipRepository(session).members(review_id)}
    found: dict[int, dict[Stage, list[str]]] = defaultdict(lambda: defaultdict(list))
    labels = ReportsRepository(session).reason_labels(review_id)
    for stage in Stage:
        for (record_id, reviewer_id), event in sorted(current_votes(log, stage).items()):
            outcome = outcomes.get(record_id)
            if outcome is None or not (show_open or _settled(outcome, stage)):
                continue
            reason = f" ({labels.get(event.reason_id, '')})" if event.reason_id else ""
            who = names.get(reviewer_id, f"user {reviewer_id}")
            found[record_id][stage].append(f"{who}: {event.vote.value}{reason}")
    return {
        record_id: {stage: "; ".join(found[record_id][stage]) for stage in Stage}
        for record_id in outcomes
    }


def _settled(outcome: RecordOutcome, stage: Stage) -> bool:
    status = outcome.title_abstract if stage is Stage.TITLE_ABSTRACT else outcome.full_text
    return status is not None and status.state.settled


def _decision(status: RecordStatus | None) -> str:
    return "" if status is None else status.state.value


def _retrieval(row: ExportRow) -> str:
    return row.outcome.retrieval.value if row.outcome.retrieval is not None else ""


def to_csv(rows: Iterable[ExportRow]) -> str:
    return "".join(csv_chunks(rows))


def csv_chunks(rows: Iterable[ExportRow], rows_per_chunk: int = RECORD_CHUNK) -> Iterator[str]:
    """The CSV text: the header, then *rows_per_chunk* rows at a time."""
    buffer = io.StringIO()
    writer = csv_cells.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for index, row in enumerate(rows, start=1):
        writer.writerow(_csv_cells(row))
        if index % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_cells(row: ExportRow) -> tuple[object, ...]:
    r, outcome = row.record, row.outcome
    return (
        r.id,
        r.title,
        "; ".join(r.authors),
        r.year or "",
        r.journal,
        r.volume,
        r.issue,
        r.pages,
        r.doi or "",
        r.pmid or "",
        row.source,
        row.status,
        _decision(outcome.title_abstract),
        _decision(outcome.full_text),
        outcome.full_text_reason or "",
        _retrieval(row),
        r.study_id or "",
        row.votes[Stage.TITLE_ABSTRACT],
        row.votes[Stage.FULL_TEXT],
        r.abstract,
        "; ".join(r.keywords),
    )


def to_ris(rows: Iterable[ExportRow]) -> str:
    return "".join(ris_chunks(rows))


def ris_chunks(rows: Iterable[ExportRow], rows_per_chunk: int = RECORD_CHUNK) -> Iterator[str]:
    """The RIS text, *rows_per_chunk* records at a time."""
    entries: list[str] = []
    for row in rows:
        entries.append(_ris_entry(row))
        if len(entries) == rows_per_chunk:
            yield "".join(entries)
            entries = []
    yield "".join(entries)


def _ris_entry(row: ExportRow) -> str:
    r = row.record
    lines: list[tuple[str, object]] = [("TY", RIS_TYPES.get(r.type, "GEN")), ("ID", r.id)]
    lines += [("TI", r.title), *(("AU", author) for author in r.authors), ("PY", r.year)]
    lines += [("T2", r.journal), ("VL", r.volume), ("IS", r.issue), *_pages(r.pages)]
    lines += [("DO", r.doi), ("AN", r.pmid), ("SN", r.issn or r.isbn), ("LA", r.language)]
    lines += [("UR", r.url), ("AB", r.abstract), *(("KW", k) for k in r.keywords)]
    lines += [("KW", tag) for tag in _decision_tags(row)]
    lines += [("LB", row.status), *_custom_fields(row)]
    body = "".join(
        f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines if value not in (None, "")
    )
    return body + "ER  - \r\n\r\n"


def _pages(pages: str) -> list[tuple[str, object]]:
    start, _, end = pages.partition("-")
    return [("SP", start.strip()), ("EP", end.strip())]


def _decision_tags(row: ExportRow) -> list[str]:
    tags = [f"winnow:{row.status}"]
    if row.excluded_at is not None:
        tags.append(f"winnow:stage:{row.excluded_at.value}")
    if row.outcome.full_text_reason:
        tags.append(f"winnow:reason:{row.outcome.full_text_reason}")
    return tags


def _custom_fields(row: ExportRow) -> list[tuple[str, object]]:
    outcome = row.outcome
    return [
        ("C1", _decision(outcome.title_abstract)),
        ("C2", _decision(outcome.full_text)),
        ("C3", outcome.full_text_reason),
        ("C4", _retrieval(row)),
        ("C5", f"winnow:{row.record.id}"),
        ("C6", row.record.study_id),
    ]


def _one_line(value: object) -> str:
    # A RIS value is one line; an abstract's line breaks would start bogus tags.
    return " ".join(str(value).split())
