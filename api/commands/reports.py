"""``winnow prisma`` and ``winnow export``: a review's PRISMA 2020 report and exports, for scripts.

They read the database directly (as the operator, with a lead's view: votes are not blinded).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.schemas.extraction import ExtractionExportFormat, ExtractionLayout
from api.schemas.reports import ExportFormat, ExportStatus, PrismaFormat
from api.settings import Settings


def register(commands: Any) -> None:
    prisma = commands.add_parser("prisma", help="a review's PRISMA 2020 counts, CSV or diagram")
    prisma.add_argument("review", metavar="REVIEW", type=int, help="the review id")
    prisma.add_argument("--format", default="json", choices=[f.value for f in PrismaFormat])
    prisma.add_argument("--output", "-o", type=Path, help="write here instead of standard output")
    prisma.set_defaults(run=_prisma)

    export = commands.add_parser(
        "export", help="a review's references with decisions (RIS, CSV) or its extracted data"
    )
    export.add_argument("review", metavar="REVIEW", type=int, help="the review id")
    export.add_argument(
        "--format", choices=["ris", "csv", "json"], help="ris or csv (references); csv or json"
    )
    export.add_argument("--status", default="all", choices=[s.value for s in ExportStatus])
    export.add_argument(
        "--extraction", action="store_true", help="export the extracted data instead"
    )
    export.add_argument("--layout", default="wide", choices=[x.value for x in ExtractionLayout])
    export.add_argument("--output", "-o", type=Path, help="write here instead of standard output")
    export.set_defaults(run=_export)


def _prisma(args: argparse.Namespace) -> int:
    from api.services.reports import prisma

    producers: dict[str, Callable[..., Any]] = {
        PrismaFormat.JSON: lambda s, r: json.dumps(prisma.prisma_json(s, r), indent=2) + "\n",
        PrismaFormat.CSV: prisma.prisma_csv,
        PrismaFormat.SVG: prisma.prisma_svg,
    }
    text, violations = _with_review(args.review, producers[args.format], check=True)
    _write(text, args.output)
    for violation in violations:
        print(f"winnow: {violation}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    from api.services.extraction import exports as extraction_exports
    from api.services.reports import exports

    if args.extraction:
        if args.format == "ris":
            print("winnow: error: extracted data exports as csv or json", file=sys.stderr)
            return 2
        fmt = ExtractionExportFormat(args.format or "csv")
        layout = ExtractionLayout(args.layout)

        def produce(session: Any, review: Any) -> str:
            file = extraction_exports.export_extraction(session, review, fmt=fmt, layout=layout)
            return file.content

    else:
        if args.format == "json":
            print("winnow: error: references export as ris or csv", file=sys.stderr)
            return 2
        ref_fmt, status = ExportFormat(args.format or "ris"), ExportStatus(args.status)

        def produce(session: Any, review: Any) -> str:
            return exports.export_references(
                session, review, fmt=ref_fmt, status=status, show_open_votes=True
            ).content

    text, _ = _with_review(args.review, produce)
    _write(text, args.output)
    return 0


def _with_review(
    review_id: int, produce: Callable[..., str], *, check: bool = False
) -> tuple[str, list[str]]:
    """Run *produce(session, review)* in one transaction; with *check*, also return the PRISMA
    identity violations (printed to standard error, so a script sees them)."""
    from sqlmodel import Session

    from api.commands.database import open_database
    from api.services.errors import NotFound
    from api.services.reports.prisma import prisma_report
    from api.tables import Review

    engine = open_database(Settings().database_url)
    try:
        with Session(engine) as session, session.begin():
            review = session.get(Review, review_id)
            if review is None:
                raise NotFound("review", review_id)
            text = produce(session, review)
            violations = []
            if check:
                violations = [v.message for v in prisma_report(session, review).violations]
    finally:
        engine.dispose()
    return text, violations


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {output}", file=sys.stderr)
