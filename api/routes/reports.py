"""PRISMA 2020 reports (JSON, the PRISMA2020 CSV template, SVG) and reference exports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from api.deps import EngineDep, LeadAccess, ReadAccess, SessionDep
from api.errors import ERROR_RESPONSES
from api.permissions import Role
from api.schemas.reports import ExportFormat, ExportStatus, PrismaRead
from api.services.reports import archive, exports, prisma

router = APIRouter(prefix="/reviews/{rid}", tags=["reports"], responses=ERROR_RESPONSES)


@router.get("/prisma", response_model=PrismaRead)
def read_prisma(access: ReadAccess, session: SessionDep) -> dict[str, Any]:
    """PRISMA 2020 counts derived from the review's events, keyed by the PRISMA2020 package's
    ``data`` names, with every arithmetic identity that fails (none when consistent)."""
    return prisma.prisma_json(session, access.review)


@router.get("/prisma.csv", response_class=Response)
def read_prisma_csv(access: ReadAccess, session: SessionDep) -> Response:
    """The PRISMA2020 package's data template, filled: load it into the PRISMA2020 Shiny app."""
    content = prisma.prisma_csv(session, access.review)
    return _download(content, "text/csv; charset=utf-8", f"prisma-review-{access.review.id}.csv")


@router.get("/prisma.svg", response_class=Response)
def read_prisma_svg(access: ReadAccess, session: SessionDep) -> Response:
    """The PRISMA 2020 flow diagram as a standalone SVG."""
    return Response(prisma.prisma_svg(session, access.review), media_type="image/svg+xml")


@router.get("/export", response_class=StreamingResponse)
def export_references(
    access: LeadAccess,
    engine: EngineDep,
    format: Annotated[ExportFormat, Query()] = ExportFormat.RIS,
    status: Annotated[ExportStatus, Query()] = ExportStatus.ALL,
) -> StreamingResponse:
    """References with their screening outcome: RIS (EndNote, Zotero) or CSV (for leads),
    streamed a thousand records at a time."""
    assert access.review.id is not None
    media_type, filename = exports.export_type(access.review, format, status)
    body = exports.stream_references(
        engine,
        access.review.id,
        fmt=format,
        status=status,
        show_open_votes=access.role is Role.LEAD,
    )
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(body, media_type=media_type, headers=headers)


@router.get("/archive", response_class=Response)
def export_archive(access: LeadAccess, session: SessionDep) -> Response:
    """The whole review as a zip: every stored row as JSON (``review.json``), the PRISMA report
    (JSON, CSV, SVG), the references (RIS, CSV) and the extracted data (CSV)."""
    content = archive.review_archive(session, access.review)
    return _download(content, "application/zip", f"winnow-review-{access.review.id}.zip")


def _download(content: str | bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=media_type, headers=headers)
