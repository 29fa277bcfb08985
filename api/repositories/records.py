"""Import batches and records: lookups, listing with filters, and the bulk insert of a batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, func, select

from api.repositories.studies import StudyRepository, study_label
from api.tables import ImportBatch, Record
from importers.model import Reference

_RECORD_TABLE: Table = Record.__table__  # type: ignore[attr-defined]
# Rows per INSERT statement: large enough to amortise round trips, small enough to keep
# each statement's parameters in memory comfortably.
INSERT_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class RecordFilter:
    source_id: int | None = None
    batch_id: int | None = None
    title_contains: str | None = None
    year: int | None = None
    removed: bool | None = None  # True: only records removed before screening; False: none


class ImportBatchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, batch: ImportBatch) -> ImportBatch:
        self.session.add(batch)
        self.session.flush()
        return batch

    def by_sha256(self, source_id: int, sha256: str) -> ImportBatch | None:
        statement = select(ImportBatch).where(
            ImportBatch.source_id == source_id, ImportBatch.sha256 == sha256
        )
        return self.session.exec(statement).first()

    def for_review(self, review_id: int) -> Sequence[ImportBatch]:
        statement = (
            select(ImportBatch)
            .where(ImportBatch.review_id == review_id)
            .order_by(col(ImportBatch.id))
        )
        return self.session.exec(statement).all()


class RecordRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, review_id: int, record_id: int) -> Record | None:
        record = self.session.get(Record, record_id)
        return record if record is not None and record.review_id == review_id else None

    def page(
        self, review_id: int, where: RecordFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[Record], int]:
        conditions = [col(Record.review_id) == review_id]
        if where.source_id is not None:
            conditions.append(col(Record.source_id) == where.source_id)
        if where.batch_id is not None:
            conditions.append(col(Record.batch_id) == where.batch_id)
        if where.year is not None:
            conditions.append(col(Record.year) == where.year)
        if where.removed is not None:
            removed = col(Record.removed)
            conditions.append(removed.is_not(None) if where.removed else removed.is_(None))
        if where.title_contains:
            conditions.append(col(Record.title).icontains(where.title_contains, autoescape=True))
        total = self.session.exec(select(func.count()).select_from(Record).where(*conditions)).one()
        statement = (
            select(Record).where(*conditions).order_by(col(Record.id)).limit(limit).offset(offset)
        )
        return self.session.exec(statement).all(), int(total)

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
        return count

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
