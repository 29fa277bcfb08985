"""Reporting SQL: records per source, record facts for PRISMA and exports, reason labels."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import defer
from sqlmodel import Session, SQLModel, col, func, select

from api.tables import ExclusionReason, Record, Source, SourceKind


@dataclass(frozen=True, slots=True)
class SourceCount:
    source_id: int
    name: str
    kind: SourceKind
    records: int
    duplicates: int  # records of this source merged into another record


@dataclass(frozen=True, slots=True)
class RecordFact:
    record_id: int
    source_id: int
    source_kind: SourceKind
    is_duplicate: bool
    study_id: int | None
    removed: str | None = None  # set aside before screening: "automation" or "other"


class ReportsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def source_counts(self, review_id: int) -> list[SourceCount]:
        """Every source of the review (in creation order), with its records and duplicates."""
        duplicate = func.count(col(Record.duplicate_of_id))
        statement = (
            sa.select(
                col(Source.id),
                col(Source.name),
                col(Source.kind),
                func.count(col(Record.id)),
                duplicate,
            )
            .join(Record, col(Record.source_id) == col(Source.id), isouter=True)
            .where(col(Source.review_id) == review_id)
            .group_by(col(Source.id), col(Source.name), col(Source.kind))
            .order_by(col(Source.id))
        )
        return [
            SourceCount(int(i), name, SourceKind(kind), int(n), int(d))
            for i, name, kind, n, d in self.session.execute(statement).all()
        ]

    def source_kinds(self, review_id: int) -> dict[int, SourceKind]:
        statement = select(Source.id, Source.kind).where(Source.review_id == review_id)
        return {int(i): SourceKind(k) for i, k in self.session.exec(statement).all() if i}

    def record_facts(self, review_id: int) -> list[RecordFact]:
        statement = (
            sa.select(
                col(Record.id),
                col(Record.source_id),
                col(Source.kind),
                col(Record.duplicate_of_id),
                col(Record.study_id),
                col(Record.removed),
            )
            .join(Source, col(Source.id) == col(Record.source_id))
            .where(col(Record.review_id) == review_id)
            .order_by(col(Record.id))
        )
        return [
            RecordFact(int(i), int(s), SourceKind(kind), dup is not None, study, removed)
            for i, s, kind, dup, study, removed in self.session.execute(statement).all()
        ]

    def reason_labels(self, review_id: int) -> dict[int, str]:
        statement = select(ExclusionReason.id, ExclusionReason.label).where(
            ExclusionReason.review_id == review_id
        )
        return {i: label for i, label in self.session.exec(statement).all() if i is not None}

    def records(self, review_id: int, record_ids: Sequence[int] | None = None) -> list[Record]:
        statement = select(Record).where(Record.review_id == review_id)
        if record_ids is not None:
            statement = statement.where(col(Record.id).in_(list(record_ids)))
        return list(self.session.exec(statement.order_by(col(Record.id))).all())

    def record_chunks(self, review_id: int, size: int) -> Iterator[list[Record]]:
        """The review's records in id order, *size* at a time (keyset paging), without their
        raw text."""
        after = 0
        while True:
            statement = (
                select(Record)
                .options(defer(Record.raw))  # type: ignore[arg-type]
                .where(Record.review_id == review_id, col(Record.id) > after)
                .order_by(col(Record.id))
                .limit(size)
            )
            chunk = list(self.session.exec(statement).all())
            if not chunk:
                return
            yield chunk
            after = chunk[-1].id or after

    def review_rows(self, table: type[SQLModel], review_id: int) -> Sequence[SQLModel]:
        """Every row of *table* (which has ``review_id`` and ``id`` columns) for the review, in
        insertion order."""
        review_column = getattr(table, "review_id")  # noqa: B009 - every caller's table has one
        id_column = getattr(table, "id")  # noqa: B009
        statement = select(table).where(review_column == review_id).order_by(col(id_column))
        return self.session.exec(statement).all()

    def source_names(self, review_id: int) -> dict[int, str]:
        statement = select(Source.id, Source.name).where(Source.review_id == review_id)
        return {i: name for i, name in self.session.exec(statement).all() if i is not None}
