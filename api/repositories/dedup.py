"""SQL for deduplication: the review lock, records as the core reads them, duplicate links."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, delete, func, insert, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from api.tables import DuplicateLink, DuplicateStatus, Job, JobStatus, Record, Review

# The columns the dedup core reads; abstracts and titles, never the raw export text.
MATCH_COLUMNS = (
    col(Record.id),
    col(Record.title),
    col(Record.abstract),
    col(Record.authors),
    col(Record.year),
    col(Record.journal),
    col(Record.volume),
    col(Record.issue),
    col(Record.pages),
    col(Record.doi),
    col(Record.pmid),
    col(Record.isbn),
    col(Record.type),
    col(Record.url),
    col(Record.duplicate_of_id),
)
_IN_CHUNK = 500  # keeps IN (...) lists under SQLite's bound-parameter limit


class DedupRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_review(self, review_id: int) -> None:
        """Serialise dedup changes on one review until the transaction ends.

        PostgreSQL: ``SELECT ... FOR UPDATE`` on the review row. SQLite: a write takes the
        database's single write lock at once (its driver begins the transaction lazily on
        the first write, so the reads that follow see every earlier committed run)."""
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            # The driver begins transactions lazily, at the first write; begin one that holds
            # the write lock now unless a write already did (then the lock is held).
            if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        self.session.exec(select(Review.id).where(Review.id == review_id).with_for_update()).one()

    def match_rows(self, review_id: int) -> Sequence[Row[Any]]:
        """Every record of the review, by id, with the columns the core compares."""
        statement = select(*MATCH_COLUMNS).where(Record.review_id == review_id).order_by(Record.id)  # type: ignore[call-overload]
        rows: Sequence[Row[Any]] = self.session.execute(statement).all()
        return rows

    def count_records(self, review_id: int) -> int:
        statement = select(func.count()).where(Record.review_id == review_id)
        return int(self.session.exec(statement).one())

    def active_job(self, review_id: int, kind: str) -> Job | None:
        """The review's queued or running job of *kind*, if any."""
        statement = select(Job).where(
            Job.review_id == review_id,
            Job.kind == kind,
            col(Job.status).in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
        return self.session.exec(statement).first()

    def duplicate_of(self, review_id: int) -> dict[int, int | None]:
        """``{record id: duplicate_of_id}`` for every record of the review, by id."""
        statement = (
            select(col(Record.id), col(Record.duplicate_of_id))
            .where(Record.review_id == review_id)
            .order_by(col(Record.id))
        )
        return {rid: dup for rid, dup in self.session.exec(statement).all() if rid is not None}

    def match_rows_by_id(self, record_ids: Iterable[int]) -> list[Row[Any]]:
        rows: list[Row[Any]] = []
        for chunk in _chunks(sorted(set(record_ids))):
            statement = select(*MATCH_COLUMNS).where(col(Record.id).in_(chunk))  # type: ignore[call-overload]
            rows.extend(self.session.execute(statement).all())
        return sorted(rows, key=lambda row: row.id)

    def cluster_members(self, review_id: int, record_ids: Sequence[int]) -> list[int]:
        """Every record in the clusters of *record_ids* (what a change to them can touch)."""
        root = func.coalesce(col(Record.duplicate_of_id), col(Record.id))
        statement = select(root).where(col(Record.id).in_(record_ids))
        roots = sorted(set(self.session.exec(statement).all()))
        found: set[int] = set()
        for chunk in _chunks(roots):
            members = select(Record.id).where(
                Record.review_id == review_id,
                or_(col(Record.id).in_(chunk), col(Record.duplicate_of_id).in_(chunk)),
            )
            found.update(i for i in self.session.exec(members).all() if i is not None)
        return sorted(found)

    def records(self, *record_ids: int) -> list[Record]:
        """Fresh copies (a bulk update by primary key leaves loaded objects stale)."""
        by_id: dict[int | None, Record] = {}
        for chunk in _chunks(sorted(set(record_ids))):
            statement = (
                select(Record)
                .where(col(Record.id).in_(chunk))
                .execution_options(populate_existing=True)
            )
            by_id.update((record.id, record) for record in self.session.exec(statement).all())
        return [by_id[record_id] for record_id in record_ids]

    def links(
        self, review_id: int, statuses: Sequence[DuplicateStatus] | None = None
    ) -> Sequence[DuplicateLink]:
        """The review's links (with one of *statuses*), by id."""
        statement = select(DuplicateLink).where(DuplicateLink.review_id == review_id)
        if statuses is not None:
            statement = statement.where(col(DuplicateLink.status).in_(statuses))
        return self.session.exec(statement.order_by(col(DuplicateLink.id))).all()

    def links_among(self, review_id: int, record_ids: Sequence[int]) -> list[DuplicateLink]:
        """Links with both records in *record_ids*."""
        wanted = set(record_ids)
        found: dict[int, DuplicateLink] = {}
        for chunk in _chunks(sorted(wanted)):
            statement = select(DuplicateLink).where(
                DuplicateLink.review_id == review_id, col(DuplicateLink.record_a_id).in_(chunk)
            )
            for link in self.session.exec(statement).all():
                if link.record_b_id in wanted and link.id is not None:
                    found[link.id] = link
        return [found[key] for key in sorted(found)]

    def links_touching(
        self, review_id: int, record_ids: Sequence[int], statuses: Sequence[DuplicateStatus]
    ) -> list[DuplicateLink]:
        """Links with *statuses* that have one of *record_ids* (one group's, a few) on a side."""
        statement = select(DuplicateLink).where(
            DuplicateLink.review_id == review_id,
            col(DuplicateLink.status).in_(statuses),
            or_(
                col(DuplicateLink.record_a_id).in_(record_ids),
                col(DuplicateLink.record_b_id).in_(record_ids),
            ),
        )
        return list(self.session.exec(statement.order_by(col(DuplicateLink.id))).all())

    def link(self, review_id: int, link_id: int) -> DuplicateLink | None:
        link = self.session.get(DuplicateLink, link_id)
        return link if link is not None and link.review_id == review_id else None

    def set_duplicate_of(self, changes: dict[int, int | None]) -> None:
        """Set ``duplicate_of_id`` per record id (one executemany by primary key), after the
        session's pending changes (the links that decided it)."""
        self.session.flush()
        if changes:
            rows = [{"id": rid, "duplicate_of_id": kept} for rid, kept in changes.items()]
            self.session.execute(update(Record), rows)

    def links_with_records(
        self,
        review_id: int,
        status: DuplicateStatus,
        *,
        limit: int,
        offset: int,
        records: Sequence[int] | None = None,
    ) -> tuple[int, list[tuple[DuplicateLink, Record, Record]]]:
        """One page of the links with *status* and both records, most alike first; with
        *records* (one group's ids, a few), only the links touching one of them."""
        left, right = aliased(Record), aliased(Record)
        base = (
            select(DuplicateLink, left, right)
            .join(left, col(left.id) == col(DuplicateLink.record_a_id))
            .join(right, col(right.id) == col(DuplicateLink.record_b_id))
            .where(col(DuplicateLink.review_id) == review_id, col(DuplicateLink.status) == status)
        )
        if records is not None:
            base = base.where(
                or_(
                    col(DuplicateLink.record_a_id).in_(records),
                    col(DuplicateLink.record_b_id).in_(records),
                )
            )
        total = self.session.exec(select(func.count()).select_from(base.subquery())).one()
        page = base.order_by(col(DuplicateLink.score).desc(), col(DuplicateLink.id))
        rows = self.session.exec(page.limit(limit).offset(offset)).all()
        return int(total), [(link, a, b) for link, a, b in rows]

    def delete_links(self, link_ids: Sequence[int]) -> None:
        """Delete links by id (machine proposals the core no longer makes)."""
        if link_ids:
            self.session.flush()
        for chunk in _chunks(sorted(link_ids)):
            self.session.execute(delete(DuplicateLink).where(col(DuplicateLink.id).in_(chunk)))

    def insert_links(self, links: Sequence[dict[str, Any]]) -> None:
        """Insert many links at once (plain rows: building ORM objects costs more than SQL)."""
        if links:
            self.session.flush()
            self.session.execute(insert(DuplicateLink), list(links))


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]
