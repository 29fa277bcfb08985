"""Notes and tags on a record (blinded like the votes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from api.deps import ReadAccess, ScreenAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.ids import DbId
from api.schemas.notes import NoteCreate, NoteRead
from api.services import notes
from api.tables import RecordNote

router = APIRouter(prefix="/reviews/{rid}", tags=["screening"], responses=ERROR_RESPONSES)

RecordIdPath = Annotated[DbId, Path()]


@router.post(
    "/records/{record_id}/notes", response_model=NoteRead, status_code=status.HTTP_201_CREATED
)
def add_note(
    record_id: RecordIdPath, data: NoteCreate, access: ScreenAccess, session: SessionDep
) -> RecordNote:
    """A note and tags on a record."""
    return notes.add_note(session, access.review, access.user, record_id, data)


@router.get("/records/{record_id}/notes", response_model=list[NoteRead])
def list_notes(
    record_id: RecordIdPath, access: ReadAccess, session: SessionDep
) -> list[RecordNote]:
    """Notes on a record: yours, and others' once the record is settled (blinding)."""
    return notes.notes(session, access.review, access.user, record_id)
