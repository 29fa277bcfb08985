"""Full-text retrieval: the records whose reports are sought, and matching PDF names to them."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ReadAccess, RetrieveAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.retrieval import FileMatchRead, MatchRequest, RetrievalRead
from api.services import retrieval

router = APIRouter(prefix="/reviews/{rid}/retrieval", tags=["full text"], responses=ERROR_RESPONSES)


@router.get("", response_model=RetrievalRead)
def read_retrieval(access: ReadAccess, session: SessionDep) -> RetrievalRead:
    """Every record included at title/abstract with its state (`attached`, `not_retrieved`,
    `missing`), and the counts of each."""
    return retrieval.retrieval(session, access.review)


@router.post("/match", response_model=list[FileMatchRead])
def match_files(
    data: MatchRequest, access: RetrieveAccess, session: SessionDep
) -> list[FileMatchRead]:
    """Which record each PDF file name belongs to: by DOI, PMID or PMCID in the name, then by
    title. `record_id` is set only when certain; otherwise ask the person among `options`.
    Nothing is stored: attach each file with `PUT /records/{id}/full-text`."""
    return retrieval.match(session, access.review, data.filenames)
