"""Exclusion reasons: per review and stage; a new review starts with the usual full-text ones."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from api.repositories.rows import save
from api.repositories.screening.votes import ScreeningRepository
from api.schemas.screening import ReasonCreate
from api.services.audit import record_event
from api.services.errors import Conflict
from api.tables import ExclusionReason, Review, User
from screening.model import Stage

DEFAULT_FULL_TEXT_REASONS = (
    "Wrong population",
    "Wrong intervention",
    "Wrong comparator",
    "Wrong outcome",
    "Wrong study design",
    "Wrong setting",
    "Wrong publication type",
    "Duplicate",
)


def seed_default_reasons(session: Session, review_id: int) -> None:
    """The usual full-text exclusion reasons every new review starts with."""
    reasons = [
        ExclusionReason(review_id=review_id, stage=Stage.FULL_TEXT, label=label, position=position)
        for position, label in enumerate(DEFAULT_FULL_TEXT_REASONS)
    ]
    save(session, *reasons)


def list_reasons(session: Session, review: Review) -> Sequence[ExclusionReason]:
    assert review.id is not None
    return ScreeningRepository(session).reasons(review.id)


def add_reason(
    session: Session, review: Review, actor: User, data: ReasonCreate
) -> ExclusionReason:
    assert review.id is not None
    label = data.label.strip()
    existing = ScreeningRepository(session).reasons(review.id, data.stage)
    if any(r.label.casefold() == label.casefold() for r in existing):
        raise Conflict(f"{data.stage.value} already has the exclusion reason {label!r}")
    reason = ExclusionReason(
        review_id=review.id, stage=data.stage, label=label, position=len(existing)
    )
    save(session, reason)
    record_event(
        session,
        actor=actor,
        action="exclusion_reason.create",
        review_id=review.id,
        target=f"exclusion_reason:{reason.id}",
        details={"stage": data.stage.value, "label": label},
    )
    return reason
