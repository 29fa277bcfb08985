"""Audit log queries: writing an event; a review's events, filtered and paged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from api.schemas.audit import AuditFilter
from api.tables import AuditEvent, User

# Built once: a vote writes an event, and an ORM object cost as much as the rest of the vote's
# statements together.
_INSERT = sa.insert(AuditEvent.__table__)  # type: ignore[attr-defined]


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, values: dict[str, Any]) -> None:
        """Write one event (the columns of `AuditEvent`, ``at`` included), after what the caller
        changed (flushed first, so the log follows the changes it describes)."""
        self.session.flush()
        self.session.connection().execute(_INSERT, values)

    def page(
        self, review_id: int, where: AuditFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[tuple[AuditEvent, str | None]], int]:
        """Events newest first, each with its actor's name (None once the account is gone)."""
        conditions: list[Any] = [col(AuditEvent.review_id) == review_id]
        if where.actor_id is not None:
            conditions.append(col(AuditEvent.actor_id) == where.actor_id)
        if where.action is not None:
            conditions.append(col(AuditEvent.action) == where.action)
        if where.since is not None:
            conditions.append(col(AuditEvent.at) >= where.since)
        if where.until is not None:
            conditions.append(col(AuditEvent.at) < where.until)
        total = self.session.exec(
            select(func.count()).select_from(AuditEvent).where(*conditions)
        ).one()
        statement = (
            select(AuditEvent, User.name)
            .join(User, col(User.id) == col(AuditEvent.actor_id), isouter=True)
            .where(*conditions)
            .order_by(col(AuditEvent.id).desc())
            .limit(limit)
            .offset(offset)
        )
        return self.session.exec(statement).all(), int(total)
