"""The audit log: who did what, when."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from api.repositories.audit import AuditRepository
from api.schemas.audit import AuditEventRead, AuditFilter, AuditPage
from api.tables import Review, User, utc_now


def record_event(
    session: Session,
    *,
    actor: User | None,
    action: str,
    review_id: int | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    values = {
        "review_id": review_id,
        "actor_id": actor.id if actor else None,
        "action": action,
        "target": target,
        "details": details or {},
        "at": utc_now(),
    }
    AuditRepository(session).add(values)


def page(
    session: Session, review: Review, where: AuditFilter, *, limit: int, offset: int
) -> AuditPage:
    """A page of the review's audit log, newest first."""
    assert review.id is not None
    rows, total = AuditRepository(session).page(review.id, where, limit=limit, offset=offset)
    items = [
        AuditEventRead.model_validate(event).model_copy(update={"actor_name": name})
        for event, name in rows
    ]
    return AuditPage(items=items, total=total)
