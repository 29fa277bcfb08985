"""Imports into a review's sources: reference files and PubMed searches."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Response, UploadFile, status

from api.deps import LibrarianAccess, ReadAccess, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.schemas.ids import DbId
from api.schemas.imports import ImportRemoved, ImportReport, PubmedImportCreate
from api.schemas.jobs import JobRead
from api.services import imports, source_removal
from api.services.errors import PayloadTooLarge
from api.tables import Job
from importers.registry import FORMAT_CHOICES

router = APIRouter(prefix="/reviews/{rid}/imports", tags=["imports"], responses=ERROR_RESPONSES)
FORMAT_HELP = f"the file's format, or 'auto' to detect it: {', '.join(FORMAT_CHOICES)}"


@router.post(
    "",
    response_model=ImportReport,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": ImportReport, "description": "This file was imported before"}},
)
def create_import(
    file: UploadFile,
    source_id: Annotated[DbId, Form()],
    access: LibrarianAccess,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    format: Annotated[str, Form(max_length=32, description=FORMAT_HELP)] = "auto",
) -> ImportReport:
    """Import a reference file (RIS, MEDLINE, PubMed XML, BibTeX, EndNote XML, CSV, ...) into a
    source: every accepted record, or none. The same file again adds nothing (200, flagged)."""
    data = read_within_limit(file, settings.max_upload_bytes)
    report = imports.import_file(
        session,
        access.review,
        access.user,
        source_id=source_id,
        filename=file.filename or "upload",
        data=data,
        format=format,
    )
    if report.already_imported:
        response.status_code = status.HTTP_200_OK
    return report


def read_within_limit(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, reading at most *limit* + 1 whatever the transport let through."""
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"the file exceeds the upload limit of {limit // (1024 * 1024)} MB")
    return data


@router.get("", response_model=list[ImportReport])
def list_imports(access: ReadAccess, session: SessionDep) -> list[ImportReport]:
    """Every import of the review (files and PubMed searches) with its per-record report."""
    return imports.list_imports(session, access.review)


@router.post("/pubmed", response_model=JobRead, status_code=status.HTTP_202_ACCEPTED)
def create_pubmed_import(
    data: PubmedImportCreate, access: LibrarianAccess, session: SessionDep
) -> Job:
    """Search PubMed and import every hit into a source, in the background: poll
    `GET /jobs/{id}` (progress `done` of `total`); the records appear all at once at the end."""
    return imports.start_pubmed_import(session, access.review, access.user, data)


@router.delete("/{batch_id}", response_model=ImportRemoved)
def delete_import(
    batch_id: Annotated[DbId, Path()], access: LibrarianAccess, session: SessionDep
) -> ImportRemoved:
    """Remove an import made into the wrong source, with its records, before screening: 409
    once any of its records has a screening decision, or while a PubMed import still runs.
    Records that had been merged into one of its records stand alone again."""
    removed = source_removal.remove_import(session, access.review, access.user, batch_id)
    return ImportRemoved(records_removed=removed)
