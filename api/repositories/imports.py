"""Import batches: storing and finding them, and removing an import made into the wrong source
(or an unused source): the checks and deletes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from api.tables import Decision, ImportBatch, Record, Resolution, Source


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


class BatchRemovalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def batch(self, review_id: int, batch_id: int) -> ImportBatch | None:
        batch = self.session.get(ImportBatch, batch_id)
        return batch if batch is not None and batch.review_id == review_id else None

    def screened_records(self, batch_id: int) -> int:
        """How many of the batch's records have a vote or a resolution at any stage."""
        in_batch = select(Record.id).where(Record.batch_id == batch_id)
        voted = select(Decision.record_id).where(col(Decision.record_id).in_(in_batch))
        resolved = select(Resolution.record_id).where(col(Resolution.record_id).in_(in_batch))
        statement = select(func.count()).select_from(
            select(Record.id)
            .where(col(Record.id).in_(voted.union(resolved).scalar_subquery()))
            .subquery()
        )
        return int(self.session.exec(statement).one())

    def delete_batch(self, batch: ImportBatch) -> int:
        """Delete the batch and its records; the database cascades their links, full texts and
        notes, and records merged into one of them stand alone again (ON DELETE SET NULL)."""
        removed = self.session.execute(delete(Record).where(col(Record.batch_id) == batch.id))
        self.session.delete(batch)
        self.session.flush()
        return int(getattr(removed, "rowcount", 0) or 0)

    def batch_count(self, source_id: int) -> int:
        statement = select(func.count()).where(ImportBatch.source_id == source_id)
        return int(self.session.exec(statement).one())

    def delete_source(self, source: Source) -> None:
        self.session.delete(source)
        self.session.flush()
