"""Studies and their reports: the bulk creation of studies of one, and the paged listing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, exists, insert, text, update
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col, func, select

from api.tables import Decision, Record, Resolution, Study, utc_now
from screening.model import Stage

_STUDY_TABLE: Table = Study.__table__  # type: ignore[attr-defined]
_RECORD_TABLE: Table = Record.__table__  # type: ignore[attr-defined]
_NEXT_STUDY_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('study', 'id')) FROM generate_series(1, :n)"
)
_INSERT_FROM_ARRAYS = text(
    "INSERT INTO study (id, review_id, label, created_at)"
    " SELECT unnest(CAST(:ids AS integer[])), :review, unnest(CAST(:labels AS text[])), :now"
)
_LINK_FROM_ARRAYS = text(
    "UPDATE record SET study_id = link.study"
    " FROM unnest(CAST(:records AS integer[]), CAST(:studies AS integer[])) AS link(record, study)"
    " WHERE record.id = link.record"
)
# Studies per INSERT ... RETURNING and per UPDATE.
CHUNK = 5_000
LABEL_LENGTH = 500


def study_label(authors: Sequence[str], year: int | None) -> str:
    """ "Surname year" of a record's first author ("Anonymous n.d." without either)."""
    first = (authors[0].split(",")[0] if authors else "").strip() or "Anonymous"
    return f"{first} {year or 'n.d.'}"[:LABEL_LENGTH]


def kept_report() -> ColumnElement[bool]:
    """A record that is a report of its study: not merged into another, not removed."""
    return col(Record.duplicate_of_id).is_(None) & col(Record.removed).is_(None)


class StudyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, review_id: int, study_id: int) -> Study | None:
        study = self.session.get(Study, study_id)
        return study if study is not None and study.review_id == review_id else None

    def add_studies_of_one(self, review_id: int, batch_id: int | None = None) -> int:
        """A study for each record of the review (of one batch, when given) that has none,
        named after its first author and year; inserted and linked in bulk. Returns how many."""
        conditions = [col(Record.review_id) == review_id, col(Record.study_id).is_(None)]
        if batch_id is not None:
            conditions.append(col(Record.batch_id) == batch_id)
        statement = select(Record.id, Record.authors, Record.year).where(*conditions)
        found = self.session.exec(statement.order_by(col(Record.id))).all()
        for start in range(0, len(found), CHUNK):
            chunk = found[start : start + CHUNK]
            study_ids = self.new_studies(review_id, [study_label(a, y) for _, a, y in chunk])
            self._link([record_id for record_id, _, _ in chunk if record_id is not None], study_ids)
        return len(found)

    def new_studies(self, review_id: int, labels: list[str]) -> list[int]:
        """Insert a study per label (one INSERT ... RETURNING per thousand); their ids, in order."""
        now = utc_now()
        if not labels:
            return []
        if self.session.get_bind().dialect.name == "postgresql":
            # Ids drawn from the sequence, then one INSERT from arrays: INSERT ... RETURNING
            # in parameter order took 7 s per 100,000 studies here.
            ids = self.session.execute(_NEXT_STUDY_IDS, {"n": len(labels)}).scalars().all()
            values = {"ids": list(ids), "review": review_id, "labels": labels, "now": now}
            self.session.execute(_INSERT_FROM_ARRAYS, values)
            return list(ids)
        rows = [{"review_id": review_id, "label": label, "created_at": now} for label in labels]
        returning = insert(_STUDY_TABLE).returning(_STUDY_TABLE.c.id, sort_by_parameter_order=True)
        return list(self.session.execute(returning, rows).scalars().all())

    def _link(self, record_ids: list[int], study_ids: list[int]) -> None:
        """Set each record's study: on PostgreSQL one UPDATE from two arrays, elsewhere an
        executemany. (Imports set study_id as they insert records: no UPDATE at all.)"""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(_LINK_FROM_ARRAYS, {"records": record_ids, "studies": study_ids})
            return
        self.session.execute(
            update(_RECORD_TABLE)
            .where(_RECORD_TABLE.c.id == bindparam("record"))
            .values(study_id=bindparam("study")),
            [{"record": r, "study": s} for r, s in zip(record_ids, study_ids, strict=True)],
        )

    def page(
        self, review_id: int, *, only: set[int] | None, limit: int, offset: int
    ) -> tuple[Sequence[Study], int]:
        """Studies with at least one kept report, in creation order (of *only*, when given)."""
        conditions: list[Any] = [
            col(Study.review_id) == review_id,
            exists().where(col(Record.study_id) == col(Study.id), kept_report()),
        ]
        if only is not None:
            conditions.append(col(Study.id).in_(only))
        total = self.session.exec(select(func.count()).select_from(Study).where(*conditions)).one()
        rows = self.session.exec(
            select(Study).where(*conditions).order_by(col(Study.id)).limit(limit).offset(offset)
        ).all()
        return rows, int(total)

    def reports(self, study_ids: Sequence[int]) -> Sequence[Record]:
        if not study_ids:
            return []
        return self.session.exec(
            select(Record)
            .where(col(Record.study_id).in_(study_ids), kept_report())
            .order_by(col(Record.id))
        ).all()

    def has_full_text_events(self, review_id: int) -> bool:
        """Whether any vote or resolution was recorded at full text: without one, no record
        can be included (cheap: the first matching row ends each look-up)."""
        for table in (Decision, Resolution):
            found = self.session.exec(
                select(table.id)
                .where(table.review_id == review_id, table.stage == Stage.FULL_TEXT)
                .limit(1)
            ).first()
            if found is not None:
                return True
        return False

    def study_ids_of(self, record_ids: set[int]) -> set[int]:
        """The studies these records are kept reports of."""
        if not record_ids:
            return set()
        found = self.session.exec(
            select(Record.study_id).where(col(Record.id).in_(record_ids), kept_report())
        ).all()
        return {study_id for study_id in found if study_id is not None}
