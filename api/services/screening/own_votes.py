"""A reviewer's own current votes at a stage, to reopen and revise (no one else's: no blinding
question arises)."""

from __future__ import annotations

from sqlmodel import Session

from api.repositories.screening.views import ScreeningViews
from api.schemas.screening import OwnVoteRead, OwnVotesRead
from api.services.screening.votes import vote_read
from api.tables import Review, User
from screening.model import Stage


def own_votes(
    session: Session, review: Review, user: User, stage: Stage, *, offset: int, limit: int
) -> OwnVotesRead:
    """The caller's current votes at ``stage``, newest first, one page."""
    assert review.id is not None
    assert user.id is not None
    found, total = ScreeningViews(session).own_current_votes(
        review.id, user.id, stage, offset=offset, limit=limit
    )
    items = [OwnVoteRead(**vote_read(v.event).model_dump(), title=v.title) for v in found]
    return OwnVotesRead(items=items, total=total)
