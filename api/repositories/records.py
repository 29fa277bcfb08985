"""Import batches and records: lookups, listing with filters, and the bulk insert of a batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, exists, insert, literal, or_
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, func, select

from api.repositories.studies import StudyRepository, study_label
from api.schemas.records import DuplicatesShown, NoteLabel, RecordFilter, StageDecision
from api.tables import AuditEvent, ImportBatch, Record, RecordNote, ScreeningState, Source, User
from importers.model import Reference
from importers.normalize import normalize_doi
from screening.model import Stage

_RECORD_TABLE: Table = Record.__table__  # type: ignore[attr-defined]
# Rows per INSERT statement: large enough to amortise round trips, small enough to keep
# each statement's parameters in memory comfortably.
INSERT_CHUNK = 5_000
# A batch this large refreshes the planner's statistics of the tables it filled (PostgreSQL;
# SQLite's planner picks these indexes without statistics). Autovacuum would, but a minute
# later: the first minute of screening a large import is when reviewers start, and without
# statistics PostgreSQL picked plans that cost a vote four times as much at 100,000 records.
ANALYZE_AFTER_RECORDS = 1_000
_FILLED_BY_IMPORTS = ("record", "study", "screening_state")


@dataclass(frozen=True, slots=True)
class ImportOrigin:
    """Where a record came from: its batch, the batch's source and who imported it."""

    batch: ImportBatch
    source: Source
    imported_by: str | None


class RecordRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, review_id: int, record_id: int) -> Record | None:
        record = self.session.get(Record, record_id)
        return record if record is not None and record.review_id == review_id else None

    def page(
        self, review_id: int, where: RecordFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[Record], int]:
        conditions = [col(Record.review_id) == review_id, *self._conditions(where)]
        total = self.session.exec(select(func.count()).select_from(Record).where(*conditions)).one()
        statement = (
            select(Record).where(*conditions).order_by(col(Record.id)).limit(limit).offset(offset)
        )
        return self.session.exec(statement).all(), int(total)

    def _conditions(self, where: RecordFilter) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        equal = (
            (Record.source_id, where.source_id),
            (Record.batch_id, where.batch_id),
            (Record.year, where.year),
        )
        conditions.extend(col(column) == value for column, value in equal if value is not None)
        if where.year_from is not None:
            conditions.append(col(Record.year) >= where.year_from)
        if where.year_to is not None:
            conditions.append(col(Record.year) <= where.year_to)
        if where.removed is not None:
            removed = col(Record.removed)
            conditions.append(removed.is_not(None) if where.removed else removed.is_(None))
        merged_into = col(Record.duplicate_of_id)
        if where.duplicates is DuplicatesShown.EXCLUDE:
            conditions.append(merged_into.is_(None))
        elif where.duplicates is DuplicatesShown.ONLY:
            conditions.append(merged_into.is_not(None))
        if where.title_contains:
            conditions.append(col(Record.title).icontains(where.title_contains, autoescape=True))
        conditions.extend(self._found(term) for term in where.search)
        if where.stage is not None or where.decision is not None:
            conditions.append(_at_stage(where.stage, where.decision))
        if where.label is not None:
            conditions.append(self._labelled(where.label))
        return conditions

    def _labelled(self, label: NoteLabel) -> ColumnElement[bool]:
        """A note on the record carries the tag (and the viewer may read that note)."""
        tags = self._json_texts(col(RecordNote.tags))
        tagged = exists(select(literal(1)).select_from(tags).where(tags.c.value == label.tag))
        readable: ColumnElement[bool] = literal(True)
        if label.own_only_before_settled:
            noted = col(RecordNote.record_id)
            readable = or_(
                col(RecordNote.user_id) == label.viewer_id,
                _at_stage(Stage.TITLE_ABSTRACT, StageDecision.INCLUDED, noted),
                _at_stage(Stage.TITLE_ABSTRACT, StageDecision.EXCLUDED, noted),
            )
        return exists(
            select(literal(1)).where(col(RecordNote.record_id) == col(Record.id), tagged, readable)
        )

    def _json_texts(self, column: Any) -> Any:
        """The strings of a JSON list column, as a table-valued function with ``value``."""
        if self.session.get_bind().dialect.name == "postgresql":
            return func.jsonb_array_elements_text(column).table_valued("value")
        return func.json_each(column).table_valued("value")

    def _found(self, term: str) -> ColumnElement[bool]:
        """The term in the title, the abstract, one author's name, the DOI, or the PMID."""
        places = [
            col(Record.title).icontains(term, autoescape=True),
            col(Record.abstract).icontains(term, autoescape=True),
            self._author_contains(term),
            col(Record.doi).icontains(normalize_doi(term) or term, autoescape=True),
        ]
        if term.isdigit():
            places.append(col(Record.pmid) == term)
        return or_(*places)

    def _author_contains(self, term: str) -> ColumnElement[bool]:
        """An author's name contains *term*. Names are read out of the JSON list (on SQLite
        the stored text escapes accented letters, so the list's text would not match)."""
        names = self._json_texts(col(Record.authors))
        return exists(
            select(literal(1))
            .select_from(names)
            .where(names.c.value.icontains(term, autoescape=True))
        )

    def merged_counts(self, record_ids: Sequence[int]) -> dict[int, int]:
        """How many records are merged into each of *record_ids* (a page of them)."""
        if not record_ids:
            return {}
        into = col(Record.duplicate_of_id)
        statement = select(into, func.count()).where(into.in_(record_ids)).group_by(into)
        return {kept: int(count) for kept, count in self.session.exec(statement).all() if kept}

    def briefs(self, record_ids: Sequence[int]) -> list[tuple[Record, str]]:
        """Records by id with their source's name, in id order."""
        if not record_ids:
            return []
        statement = (
            select(Record, Source.name)
            .join(Source, col(Source.id) == col(Record.source_id))
            .where(col(Record.id).in_(record_ids))
            .order_by(col(Record.id))
        )
        return [(record, name) for record, name in self.session.exec(statement).all()]

    def origin(self, record: Record) -> ImportOrigin:
        statement = (
            select(ImportBatch, Source, User.name)
            .join(Source, col(Source.id) == col(ImportBatch.source_id))
            .outerjoin(User, col(User.id) == col(ImportBatch.created_by_id))
            .where(col(ImportBatch.id) == record.batch_id)
        )
        batch, source, name = self.session.exec(statement).one()
        return ImportOrigin(batch, source, name)

    def events(
        self, review_id: int, actions: Sequence[str], target: str | None = None
    ) -> Sequence[AuditEvent]:
        """The review's audit events of *actions* (about *target*), oldest first."""
        statement = select(AuditEvent).where(
            col(AuditEvent.review_id) == review_id, col(AuditEvent.action).in_(actions)
        )
        if target is not None:
            statement = statement.where(col(AuditEvent.target) == target)
        return self.session.exec(statement.order_by(col(AuditEvent.id))).all()

    def insert_batch(self, batch: ImportBatch, references: Iterable[Reference]) -> int:
        """Insert every reference of *batch* with multi-row INSERTs; returns how many."""
        assert batch.id is not None
        count = 0
        chunk: list[dict[str, Any]] = []
        for reference in references:
            chunk.append(_row(reference, batch, batch.created_at))
            if len(chunk) == INSERT_CHUNK:
                count += self._insert(chunk)
                chunk = []
        if chunk:
            count += self._insert(chunk)
        if count >= ANALYZE_AFTER_RECORDS:
            self.refresh_statistics()
        return count

    def refresh_statistics(self) -> None:
        """Let the planner know what a bulk insert added (ANALYZE, in this transaction: it
        counts the rows the transaction inserted, and blocks no reader or writer)."""
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"ANALYZE {', '.join(_FILLED_BY_IMPORTS)}")

    def _insert(self, rows: list[dict[str, Any]]) -> int:
        # Each record is a study of one until a lead links reports: the studies are inserted
        # first, so the records are written once, with their study.
        labels = [study_label(row["authors"], row["year"]) for row in rows]
        study_ids = StudyRepository(self.session).new_studies(rows[0]["review_id"], labels)
        for row, study_id in zip(rows, study_ids, strict=True):
            row["study_id"] = study_id
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            _copy_rows(connection, rows)
        else:
            # A Core insert on the table: one executemany per chunk. The ORM-enabled
            # ``insert(Record)`` splits rows by which columns are NULL (thousands of statements).
            self.session.execute(insert(_RECORD_TABLE), rows)
        return len(rows)


def _copy_rows(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY, in the session's transaction: several times faster than INSERTs."""
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    json_columns = {"authors", "keywords"}
    driver = connection.connection.driver_connection
    assert driver is not None
    statement = f"COPY record ({', '.join(columns)}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [Jsonb(row[name]) if name in json_columns else row[name] for name in columns]
            )


def _at_stage(
    stage: Stage | None, decision: StageDecision | None, record_id: Any = None
) -> ColumnElement[bool]:
    """The record's (or *record_id*'s) stored state row: at *stage* now (or at either), with
    *decision*'s states."""
    conditions = [
        col(ScreeningState.record_id) == (col(Record.id) if record_id is None else record_id),
        col(ScreeningState.in_stage),
        ~col(ScreeningState.duplicate),
        ~col(ScreeningState.removed),
    ]
    if stage is not None:
        conditions.append(col(ScreeningState.stage) == stage)
    if decision is not None:
        conditions.append(col(ScreeningState.state).in_(decision.states))
    return exists(select(literal(1)).where(*conditions))


def _row(reference: Reference, batch: ImportBatch, created_at: datetime) -> dict[str, Any]:
    return {
        "review_id": batch.review_id,
        "batch_id": batch.id,
        "source_id": batch.source_id,
        "record_number": reference.record_number,
        "line": reference.line,
        "title": reference.title,
        "abstract": reference.abstract,
        "authors": list(reference.authors),
        "year": reference.year,
        "journal": reference.journal,
        "volume": reference.volume,
        "issue": reference.issue,
        "pages": reference.pages,
        "doi": reference.doi,
        "pmid": reference.pmid,
        "pmcid": reference.pmcid,
        "isbn": reference.isbn,
        "issn": reference.issn,
        "keywords": list(reference.keywords),
        "type": reference.type.value,
        "language": reference.language,
        "url": reference.url,
        "raw": reference.raw,
        "duplicate_of_id": None,
        "study_id": None,
        "created_at": created_at,
    }
