"""Data extraction: the review's form, entries per study, verification, conflicts, consensus."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import ExtractAccess, LeadAccess, ReadAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.extraction import (
    ConflictRead,
    EntryRead,
    ExtractionExportFormat,
    ExtractionLayout,
    FormPut,
    FormRead,
    StudyExtractionRead,
    ValuesPut,
    VerificationPost,
)
from api.schemas.ids import DbId
from api.services.extraction import entries, exports
from api.tables import ExtractionForm

router = APIRouter(prefix="/reviews/{rid}", tags=["extraction"], responses=ERROR_RESPONSES)

StudyIdPath = Annotated[DbId, Path()]


@router.put("/extraction/form", response_model=FormRead)
def put_form(data: FormPut, access: LeadAccess, session: SessionDep) -> ExtractionForm:
    """Define the extraction form; a changed form is a new version and earlier entries keep
    theirs, so they stay readable."""
    return entries.put_form(session, access.review, access.user, data.fields)


@router.get("/extraction/form", response_model=FormRead)
def read_form(
    access: ReadAccess,
    session: SessionDep,
    version: Annotated[DbId | None, Query(description="an earlier version")] = None,
) -> ExtractionForm:
    """The current version of the extraction form, or the ``version`` an entry was made with."""
    if version is None:
        return entries.current_form(session, access.review)
    return entries.form_version(session, access.review, version)


@router.put("/studies/{sid}/extraction", response_model=EntryRead)
def put_extraction(
    sid: StudyIdPath, data: ValuesPut, access: ExtractAccess, session: SessionDep
) -> EntryRead:
    """Save the caller's extraction of a study; values are checked against the form (422 names
    the field)."""
    row = entries.put_extraction(session, access.review, access.user, sid, data.values)
    return entries.entry_read(session, row)


@router.get("/studies/{sid}/extraction", response_model=StudyExtractionRead)
def read_study_extraction(
    sid: StudyIdPath, access: ExtractAccess, session: SessionDep
) -> StudyExtractionRead:
    """Where the study's extraction stands; final values once agreed, verified or settled."""
    state = entries.study_state(session, access.review, sid)
    mine = entries.own_entry(session, access.review, access.user, sid)
    return StudyExtractionRead(
        study_id=sid,
        state=state.state.value,
        extractors=list(state.extractors),
        verifier_id=state.verifier_id,
        final=dict(state.final) if state.final is not None else None,
        mine=entries.entry_read(session, mine) if mine is not None else None,
    )


@router.post("/studies/{sid}/extraction/verification", response_model=EntryRead)
def verify_extraction(
    sid: StudyIdPath, data: VerificationPost, access: ExtractAccess, session: SessionDep
) -> EntryRead:
    """single_with_verification: a second person signs off (no values) or corrects the values."""
    row = entries.verify_extraction(session, access.review, access.user, sid, data.values)
    return entries.entry_read(session, row)


@router.get("/extraction/conflicts", response_model=list[ConflictRead])
def list_conflicts(access: LeadAccess, session: SessionDep) -> list[ConflictRead]:
    """Studies whose two extractions differ, field by field."""
    return entries.conflict_reads(session, access.review)


@router.get("/studies/{sid}/extraction/entries", response_model=list[EntryRead])
def read_study_entries(
    sid: StudyIdPath, access: LeadAccess, session: SessionDep
) -> list[EntryRead]:
    """Each extractor's current values for the study, oldest first: the lead compares them and
    records the consensus (extractors never see each other's)."""
    rows = entries.current_extractions(session, access.review, sid)
    return [entries.entry_read(session, row) for row in rows]


@router.post("/studies/{sid}/extraction/consensus", response_model=EntryRead)
def record_consensus(
    sid: StudyIdPath, data: ValuesPut, access: LeadAccess, session: SessionDep
) -> EntryRead:
    """The agreed values: give every disputed field; fields both extractors agree on are kept."""
    row = entries.record_consensus(session, access.review, access.user, sid, data.values)
    return entries.entry_read(session, row)


@router.get("/extraction/export", response_class=Response)
def export_extraction(
    access: LeadAccess,
    session: SessionDep,
    format: Annotated[ExtractionExportFormat, Query()] = ExtractionExportFormat.CSV,
    layout: Annotated[ExtractionLayout, Query()] = ExtractionLayout.WIDE,
) -> Response:
    """Final extracted values, one row per included study (wide) or one row per value (long)."""
    file = exports.export_extraction(session, access.review, fmt=format, layout=layout)
    headers = {"Content-Disposition": f'attachment; filename="{file.filename}"'}
    return Response(file.content, media_type=file.media_type, headers=headers)
