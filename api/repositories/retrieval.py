"""Full-text retrieval: the records that passed title/abstract and their full-text rows."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from api.tables import FullText, Record


class RetrievalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def records(self, review_id: int, record_ids: Collection[int]) -> list[Record]:
        """These records of the review, in import order."""
        if not record_ids:
            return []
        statement = (
            select(Record)
            .where(Record.review_id == review_id, col(Record.id).in_(list(record_ids)))
            .order_by(col(Record.id))
        )
        return list(self.session.exec(statement).all())

    def full_texts(self, review_id: int) -> dict[int, FullText]:
        statement = select(FullText).where(FullText.review_id == review_id)
        return {row.record_id: row for row in self.session.exec(statement).all()}

    def full_text(self, record_id: int) -> FullText | None:
        return self.session.exec(select(FullText).where(FullText.record_id == record_id)).first()

    def delete(self, row: FullText) -> None:
        self.session.delete(row)
        self.session.flush()
