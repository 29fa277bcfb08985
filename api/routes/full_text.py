"""Full texts: upload a record's PDF (or say it could not be retrieved), and read it back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from api.deps import ReadAccess, RetrieveAccess, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.schemas.ids import DbId
from api.schemas.retrieval import RetrievalItem
from api.schemas.screening import FullTextRead, NotRetrieved
from api.services import full_text, retrieval
from api.services.errors import BadRequest, InvalidInput, describe_validation_errors
from api.tables import FullText

router = APIRouter(
    prefix="/reviews/{rid}/records/{record_id}/full-text",
    tags=["full text"],
    responses=ERROR_RESPONSES,
)

RecordIdPath = Annotated[DbId, Path()]


@router.put(
    "",
    response_model=FullTextRead,
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
                "application/json": {"schema": NotRetrieved.model_json_schema()},
            }
        }
    },
)
async def put_full_text(
    record_id: RecordIdPath,
    request: Request,
    access: RetrieveAccess,
    session: SessionDep,
    settings: SettingsDep,
) -> FullText:
    """Multipart PDF ``file`` (checked, size-limited), or JSON ``{"status": "not_retrieved"}``."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        async with request.form() as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise InvalidInput("file: a PDF file is required (multipart field 'file')")
            content = await upload.read()
            filename = upload.filename or ""
        return await run_in_threadpool(
            full_text.store_pdf,
            session,
            access.review,
            access.user,
            record_id,
            filename=filename,
            content=content,
            data_dir=settings.data_dir,
            max_bytes=settings.max_upload_bytes,
        )
    if not content_type.startswith("application/json"):
        raise BadRequest('send a multipart PDF \'file\' or JSON {"status": "not_retrieved"}')
    try:
        NotRetrieved.model_validate_json(await request.body())
    except ValidationError as exc:
        raise InvalidInput(describe_validation_errors(exc.errors())) from exc
    return await run_in_threadpool(
        full_text.mark_not_retrieved, session, access.review, access.user, record_id
    )


@router.get("", response_class=FileResponse, responses={200: {"content": {"application/pdf": {}}}})
def get_full_text(
    record_id: RecordIdPath, access: ReadAccess, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    """The record's PDF."""
    path, filename = full_text.read_pdf(session, access.review, record_id, settings.data_dir)
    return FileResponse(path, media_type="application/pdf", filename=filename)


@router.delete("/not-retrieved", response_model=RetrievalItem)
def undo_not_retrieved(
    record_id: RecordIdPath, access: RetrieveAccess, session: SessionDep
) -> RetrievalItem:
    """Take back "not retrieved": back to the PDF attached before, or to awaiting one (409 when
    the record is not marked so)."""
    return retrieval.undo_not_retrieved(session, access.review, access.user, record_id)
