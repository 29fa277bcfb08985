"""Extraction SQL: form versions, entries per study, and studies."""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.tables import Extraction, ExtractionForm, Record, Study


class ExtractionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def latest_form(self, review_id: int) -> ExtractionForm | None:
        statement = (
            select(ExtractionForm)
            .where(ExtractionForm.review_id == review_id)
            .order_by(col(ExtractionForm.version).desc())
        )
        return self.session.exec(statement).first()

    def form(self, form_id: int) -> ExtractionForm | None:
        return self.session.get(ExtractionForm, form_id)

    def forms(self, review_id: int) -> dict[int, ExtractionForm]:
        """Every version of the review's form, by id."""
        statement = select(ExtractionForm).where(ExtractionForm.review_id == review_id)
        return {f.id: f for f in self.session.exec(statement).all() if f.id is not None}

    def entries(self, review_id: int, study_id: int | None = None) -> list[Extraction]:
        statement = select(Extraction).where(Extraction.review_id == review_id)
        if study_id is not None:
            statement = statement.where(Extraction.study_id == study_id)
        return list(self.session.exec(statement.order_by(col(Extraction.id))).all())

    def study_labels(self, review_id: int) -> dict[int, str]:
        """Each study's label, or its first report's "Author Year" when it has none."""
        labels = {
            s.id: s.label
            for s in self.session.exec(select(Study).where(Study.review_id == review_id)).all()
            if s.id is not None
        }
        reports = select(Record).where(
            Record.review_id == review_id, col(Record.study_id).is_not(None)
        )
        for record in self.session.exec(reports.order_by(col(Record.id))).all():
            assert record.study_id is not None
            if not labels.get(record.study_id):
                author = record.authors[0].split(",")[0] if record.authors else "Anonymous"
                labels[record.study_id] = f"{author} {record.year or 'n.d.'}"
        return {sid: label or f"Study {sid}" for sid, label in labels.items()}

    def add(self, row: ExtractionForm | Extraction) -> None:
        self.session.add(row)
        self.session.flush()
