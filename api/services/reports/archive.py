"""The whole review as one zip: every stored row as JSON (for another Winnow instance to import),
plus the PRISMA report and the exports as a person would download them.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from sqlmodel import Session, SQLModel

from api.repositories.reports import ReportsRepository
from api.repositories.reviews import MembershipRepository
from api.schemas.extraction import ExtractionExportFormat, ExtractionLayout
from api.schemas.reports import ExportStatus
from api.services.errors import NotFound
from api.services.extraction import exports as extraction_exports
from api.services.reports import exports, prisma
from api.tables import (
    AuditEvent,
    Decision,
    DuplicateLink,
    ExclusionReason,
    Extraction,
    ExtractionForm,
    FullText,
    ImportBatch,
    Record,
    RecordNote,
    Resolution,
    Review,
    Source,
    StageEvent,
    Study,
    utc_now,
)
from screening.prisma.csv import fill_prisma_csv
from screening.prisma.svg import render_prisma_svg

ARCHIVE_FORMAT = "winnow-review-archive"
ARCHIVE_VERSION = 1
# Every table that belongs to a review, in an order an importer can insert them (parents first).
TABLES: tuple[tuple[str, type[SQLModel]], ...] = (
    ("sources", Source),
    ("import_batches", ImportBatch),
    ("studies", Study),
    ("records", Record),
    ("duplicate_links", DuplicateLink),
    ("exclusion_reasons", ExclusionReason),
    ("decisions", Decision),
    ("resolutions", Resolution),
    ("full_texts", FullText),
    ("stage_events", StageEvent),
    ("record_notes", RecordNote),
    ("extraction_forms", ExtractionForm),
    ("extractions", Extraction),
    ("audit_events", AuditEvent),
)


def review_document(session: Session, review: Review) -> dict[str, Any]:
    """Every stored row of the review, JSON-ready (full-text PDFs are referenced, not included)."""
    assert review.id is not None
    document: dict[str, Any] = {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "exported_at": utc_now().isoformat(),
        "review": review.model_dump(mode="json"),
        "members": [
            {"user_id": m.user_id, "name": u.name, "email": u.email, "role": m.role.value}
            for m, u in MembershipRepository(session).members(review.id)
        ],
    }
    for name, table in TABLES:
        document[name] = _rows(session, table, review.id)
    return document


def _rows(session: Session, table: type[SQLModel], review_id: int) -> list[dict[str, Any]]:
    rows = ReportsRepository(session).review_rows(table, review_id)
    return [row.model_dump(mode="json") for row in rows]


def review_archive(session: Session, review: Review) -> bytes:
    """A zip: ``review.json`` (all rows), PRISMA (JSON, CSV, SVG), references (RIS, CSV), and
    the extracted data (wide and long CSV) when the review has an extraction form."""
    report = prisma.prisma_report(session, review)
    references = exports.export_rows(session, review, status=ExportStatus.ALL, show_open_votes=True)
    files: dict[str, str] = {
        "review.json": json.dumps(review_document(session, review), indent=1, ensure_ascii=False),
        "prisma.json": json.dumps(report.as_json(), indent=2),
        "prisma.csv": fill_prisma_csv(report.counts),
        "prisma.svg": render_prisma_svg(report.counts, source_detail=True),
        "references.ris": exports.to_ris(references),
        "references.csv": exports.to_csv(references),
    }
    files |= _extraction_files(session, review)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(f"review-{review.id}/{name}", content)
    return buffer.getvalue()


def _extraction_files(session: Session, review: Review) -> dict[str, str]:
    files = {}
    for layout in ExtractionLayout:
        try:
            file = extraction_exports.export_extraction(
                session, review, fmt=ExtractionExportFormat.CSV, layout=layout
            )
        except NotFound:  # no extraction form yet
            return {}
        files[f"extraction_{layout.value}.csv"] = file.content
    return files
