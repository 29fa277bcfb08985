"""Notes and tags a reviewer writes on a record, blinded like the votes."""

from __future__ import annotations

from sqlmodel import Session

from api.repositories.notes import NotesRepository
from api.repositories.rows import save
from api.schemas.notes import NoteCreate
from api.services.errors import InvalidInput
from api.services.screening.state import review_settings, status_at
from api.services.screening.votes import get_record
from api.tables import RecordNote, Review, User
from screening.model import Stage


def add_note(
    session: Session, review: Review, actor: User, record_id: int, data: NoteCreate
) -> RecordNote:
    assert review.id is not None
    assert actor.id is not None
    get_record(session, review, record_id)
    tags = sorted({t.strip() for t in data.tags if t.strip()})
    if not data.text.strip() and not tags:
        raise InvalidInput("body: a note needs text or at least one tag")
    note = RecordNote(
        review_id=review.id, record_id=record_id, user_id=actor.id, text=data.text, tags=tags
    )
    save(session, note)
    return note


def notes(session: Session, review: Review, viewer: User, record_id: int) -> list[RecordNote]:
    """Notes on a record; under blinding, others' notes only once its title/abstract is settled."""
    assert review.id is not None
    record = get_record(session, review, record_id)
    rows = NotesRepository(session).notes(review.id, [record_id])
    status = status_at(session, review, record, Stage.TITLE_ABSTRACT)
    blinding = review_settings(review).for_stage(Stage.TITLE_ABSTRACT).blinding
    if not blinding or (status is not None and status.state.settled):
        return list(rows)
    return [n for n in rows if n.user_id == viewer.id]
