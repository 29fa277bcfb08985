"""The sources searched for a review (databases, registers, websites, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, status

from api.deps import LibrarianAccess, ReadAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.ids import DbId
from api.schemas.reviews import SourceCreate, SourceRead, SourceUpdate
from api.services import reviews, source_removal
from api.tables import Source

router = APIRouter(prefix="/reviews/{rid}/sources", tags=["sources"], responses=ERROR_RESPONSES)

SourceIdPath = Annotated[DbId, Path()]


@router.post("", response_model=SourceRead, status_code=status.HTTP_201_CREATED)
def create_source(data: SourceCreate, access: LibrarianAccess, session: SessionDep) -> Source:
    """Record a searched source; PRISMA counts records per source."""
    return reviews.create_source(session, access.review, access.user, data)


@router.get("", response_model=list[SourceRead])
def list_sources(access: ReadAccess, session: SessionDep) -> Sequence[Source]:
    """The review's sources."""
    return reviews.list_sources(session, access.review)


@router.get("/{source_id}", response_model=SourceRead)
def read_source(source_id: SourceIdPath, access: ReadAccess, session: SessionDep) -> Source:
    """One source."""
    return reviews.get_source(session, access.review, source_id)


@router.patch("/{source_id}", response_model=SourceRead)
def update_source(
    source_id: SourceIdPath, data: SourceUpdate, access: LibrarianAccess, session: SessionDep
) -> Source:
    """Correct a source's name, kind, query, date or notes."""
    return reviews.update_source(session, access.review, access.user, source_id, data)


@router.delete("/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(source_id: SourceIdPath, access: LibrarianAccess, session: SessionDep) -> None:
    """Delete a source nobody imported into (409 while it has imports: remove those first)."""
    source_removal.remove_source(session, access.review, access.user, source_id)
