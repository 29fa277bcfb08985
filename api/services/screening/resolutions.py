"""Who resolves conflicts, and taking a resolution back (an undo is a row; nothing is deleted)."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session

from api.db import hold_writer
from api.permissions import Role
from api.repositories.screening.state import StateRepository
from api.repositories.screening.votes import ScreeningRepository
from api.schemas.screening import ResolutionRead
from api.services.audit import record_event
from api.services.errors import Conflict, NotFound
from api.services.screening import prioritization
from api.services.screening.settings import designated_resolvers
from api.services.screening.store import apply_change
from api.services.screening.votes import status_now
from api.tables import Resolution, Review, User
from screening.model import Stage
from screening.workflow import check_undo_resolution


def may_resolve(review: Review, user_id: int, role: Role, voters: Collection[int]) -> bool:
    """A lead resolves any record; a designated third reviewer those they did not vote on."""
    if role is Role.LEAD:
        return True
    return user_id in designated_resolvers(review.settings) and user_id not in voters


def undo_resolution(
    session: Session, review: Review, user: User, role: Role, record_id: int, stage: Stage
) -> ResolutionRead:
    """Take the record's resolution back: a withdrawn row supersedes it, the record's stored
    row is recomputed as for a resolution (so it is again what its votes say: a conflict goes
    back to the list), and the audit log says who did it."""
    assert review.id is not None
    assert user.id is not None
    hold_writer(session)
    repo = ScreeningRepository(session)
    at = StateRepository(session).record_at_stages(review.id, record_id, lock=stage)
    if at is None:
        raise NotFound("record", record_id)
    if at.duplicate or at.removed or not at.row(stage).in_stage:
        raise Conflict(f"record {record_id} is not at the {stage.value} stage")
    undone = check_undo_resolution(
        status_now(session, review, stage, record_id),
        resolver_id=user.id,
        resolver_is_lead=role is Role.LEAD,
        designated_resolvers=designated_resolvers(review.settings),
    )
    row = Resolution(
        review_id=review.id,
        record_id=record_id,
        stage=stage,
        vote=undone.vote,
        reason_id=undone.reason_id,
        reason="",
        resolver_id=user.id,
        supersedes_id=undone.seq,
        withdrawn=True,
    )
    repo.add(row)
    apply_change(session, review, stage, at, repo.record_log(record_id, stage), new_resolution=True)
    record_event(
        session,
        actor=user,
        action="resolution.undo",
        review_id=review.id,
        target=f"record:{record_id}",
        details={"stage": stage.value, "undone": undone.seq, "decision": undone.vote.value},
    )
    prioritization.decisions_changed(session)
    return resolution_read(row)


def resolution_read(row: Resolution) -> ResolutionRead:
    return ResolutionRead(
        **{k: v for k, v in row.model_dump().items() if k in ResolutionRead.model_fields},
        decision=row.vote,
    )
