"""Notes on records: reading them back (they are written with `api.repositories.rows.save`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from api.tables import RecordNote


class NotesRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def notes(self, review_id: int, record_ids: Sequence[int]) -> list[RecordNote]:
        """Every note on these records, oldest first."""
        if not record_ids:
            return []
        statement = (
            select(RecordNote)
            .where(RecordNote.review_id == review_id, col(RecordNote.record_id).in_(record_ids))
            .order_by(col(RecordNote.id))
        )
        return list(self.session.exec(statement).all())

    def review_notes(self, review_id: int) -> list[RecordNote]:
        statement = select(RecordNote).where(RecordNote.review_id == review_id)
        return list(self.session.exec(statement.order_by(col(RecordNote.id))).all())
