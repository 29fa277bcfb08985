"""The audit log: who did what, when."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from api.tables import AuditEvent, User


def record_event(
    session: Session,
    *,
    actor: User | None,
    action: str,
    review_id: int | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    event = AuditEvent(
        review_id=review_id,
        actor_id=actor.id if actor else None,
        action=action,
        target=target,
        details=details or {},
    )
    session.add(event)
    session.flush()
