"""``winnow parse`` (a file, no database) and ``winnow import`` (a file or a PubMed query)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.engine import Engine

from api.settings import Settings
from importers.errors import ImportFormatError
from importers.model import ParseResult, Reference
from importers.registry import FORMAT_CHOICES

SUMMARY_ROWS = 20
BAR_WIDTH = 30


def register(commands: Any) -> None:
    parse = commands.add_parser("parse", help="parse a reference file without a database")
    parse.add_argument("file", metavar="FILE", type=Path)
    parse.add_argument("--format", default="auto", choices=FORMAT_CHOICES)
    parse.add_argument("--json", action="store_true", help="print records and warnings as JSON")
    parse.set_defaults(run=_parse)

    imp = commands.add_parser("import", help="import a file or a PubMed search into a review")
    what = imp.add_mutually_exclusive_group(required=True)
    what.add_argument("file", metavar="FILE", type=Path, nargs="?")
    what.add_argument("--pubmed", metavar="QUERY", help="search PubMed and import every hit")
    imp.add_argument("--review", type=int, required=True, metavar="RID")
    imp.add_argument("--source", required=True, metavar="SOURCE", help="source id or name")
    imp.add_argument("--format", default="auto", choices=FORMAT_CHOICES)
    imp.add_argument("--mindate", help="PubMed: first publication date (YYYY[/MM[/DD]])")
    imp.add_argument("--maxdate", help="PubMed: last publication date (YYYY[/MM[/DD]])")
    imp.set_defaults(run=_import)


def reference_json(reference: Reference) -> dict[str, Any]:
    """The record shape of ``winnow parse --json`` (DESIGN.md)."""
    return {
        "title": reference.title,
        "abstract": reference.abstract,
        "authors": list(reference.authors),
        "year": reference.year,
        "journal": reference.journal,
        "volume": reference.volume,
        "issue": reference.issue,
        "pages": reference.pages,
        "doi": reference.doi,
        "pmid": reference.pmid,
        "keywords": list(reference.keywords),
        "type": reference.type.value,
    }


def _parse(args: argparse.Namespace) -> int:
    from importers.gc_pause import collector_paused
    from importers.registry import parse_bytes

    data = _read(args.file)
    if data is None:
        return 1
    try:
        with collector_paused():  # this process parses one file and exits
            result = parse_bytes(data, format=args.format)
    except ImportFormatError as error:
        print(f"winnow: error: {args.file}: {error.message}", file=sys.stderr)
        return 1
    if args.json:
        _print_json(result)
    else:
        _print_summary(result, sys.stdout)
    return 0


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as error:
        print(f"winnow: error: cannot read {path}: {error.strerror}", file=sys.stderr)
        return None


def _print_json(result: ParseResult) -> None:
    body = {
        "records": [reference_json(reference) for reference in result.references],
        "warnings": [
            {"record": note.record, "line": note.line, "message": note.message}
            for note in result.warnings
        ],
    }
    json.dump(body, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _print_summary(result: ParseResult, out: TextIO) -> None:
    rejected = len(result.rejected)
    repaired = len(result.warnings) - rejected
    out.write(f"format {result.format}, encoding {result.encoding}: ")
    out.write(
        f"{len(result.notes)} records, {len(result.references)} accepted "
        f"({repaired} repaired), {rejected} rejected\n\n"
    )
    out.write(f"{'#':>6}  {'year':<4}  {'first author':<24}  title\n")
    for reference in result.references[:SUMMARY_ROWS]:
        author = reference.authors[0] if reference.authors else ""
        year = str(reference.year or "")
        out.write(
            f"{reference.record_number:>6}  {year:<4}  {_cut(author, 24):<24}  "
            f"{_cut(reference.title, 70)}\n"
        )
    if len(result.references) > SUMMARY_ROWS:
        out.write(f"{'':>6}  ... and {len(result.references) - SUMMARY_ROWS} more\n")
    if result.warnings:
        out.write("\nwarnings:\n")
        for note in result.warnings:
            out.write(f"  record {note.record} (line {note.line}) {note.outcome}: {note.message}\n")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _import(args: argparse.Namespace) -> int:
    from api.commands.database import open_database

    settings = Settings()
    engine = open_database(settings.database_url)
    try:
        if args.pubmed is not None:
            return _import_pubmed(engine, settings, args)
        return _import_file(engine, args)
    finally:
        engine.dispose()


def _import_file(engine: Engine, args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from api.services.imports import import_file

    data = _read(args.file)
    if data is None:
        return 1
    with Session(engine, expire_on_commit=False) as session, session.begin():
        review, source_id = _review_and_source(session, args.review, args.source)
        try:
            report = import_file(
                session,
                review,
                None,
                source_id=source_id,
                filename=args.file.name,
                data=data,
                format=args.format,
            )
        except ImportFormatError as error:
            print(f"winnow: error: {args.file}: {error.message}", file=sys.stderr)
            return 1
    _print_report(report.model_dump())
    return 0


def _review_and_source(session: Any, review_id: int, source: str) -> tuple[Any, int]:
    """The review and the id of its source named or numbered *source* (NotFound otherwise)."""
    from api.repositories.reviews import ReviewRepository, SourceRepository
    from api.services.errors import NotFound

    review = ReviewRepository(session).get(review_id)
    if review is None:
        raise NotFound("review", review_id)
    sources = SourceRepository(session)
    found = sources.by_name(review_id, source)
    if found is None and source.isdigit():
        found = sources.get(review_id, int(source))
    if found is None or found.id is None:
        raise NotFound("source", repr(source))
    return review, found.id


def _print_report(report: dict[str, Any]) -> None:
    if report.get("already_imported"):
        print(f"already imported as import {report['id']}: nothing was added")
        return
    print(
        f"import {report['id']}: {report['records_imported']} of {report['records_total']} "
        f"records imported, {report['records_rejected']} rejected ({report['format']})"
    )
    for warning in report["warnings"]:
        print(f"  record {warning['record']} (line {warning['line']}): {warning['message']}")


def _pubmed_problem(args: argparse.Namespace) -> str:
    from importers.pubmed import parse_pubmed_date

    if not args.pubmed.strip():
        return "the PubMed query must not be blank"
    for option in ("mindate", "maxdate"):
        value = getattr(args, option)
        try:
            if value is not None:
                parse_pubmed_date(value)
        except ValueError as error:
            return f"--{option}: {error}"
    return ""


@dataclass
class ProgressBar:
    """A plain-text progress bar redrawn in place on a terminal stream."""

    out: TextIO
    width: int = BAR_WIDTH
    drawn: bool = field(default=False)

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            filled = self.width * min(done, total) // total
            bar = "#" * filled + "-" * (self.width - filled)
            self.out.write(f"\r[{bar}] {done}/{total} records fetched")
        else:
            self.out.write(f"\r{done} records fetched")
        self.out.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.out.write("\n")
            self.out.flush()


def _import_pubmed(engine: Engine, settings: Settings, args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from api import jobs
    from api.services.imports import PUBMED_JOB
    from api.tables import Job, JobStatus

    problem = _pubmed_problem(args)
    if problem:
        print(f"winnow: error: {problem}", file=sys.stderr)
        return 2
    with Session(engine, expire_on_commit=False) as session, session.begin():
        _review, source_id = _review_and_source(session, args.review, args.source)
        params = {
            "query": args.pubmed.strip(),
            "source_id": source_id,
            "mindate": args.mindate,
            "maxdate": args.maxdate,
        }
        job = jobs.submit(session, kind=PUBMED_JOB, review_id=args.review, params=params, user=None)
    assert job.id is not None
    claimed = jobs.claim(engine, job.id)
    if claimed is None:  # a server's runner took it first: it will finish it
        print(f"job {job.id} is being run by the server; follow it with GET /jobs/{job.id}")
        return 0
    bar = ProgressBar(sys.stderr)
    try:
        jobs.execute(engine, claimed, settings, listener=bar)
    finally:
        bar.close()
    with Session(engine) as session:
        ended = session.get(Job, job.id)
    assert ended is not None
    if ended.status is not JobStatus.SUCCEEDED:
        print(f"winnow: error: PubMed import failed: {ended.error}", file=sys.stderr)
        return 1
    result = ended.result or {}
    print(
        f"import {result.get('import_id')}: {result.get('records_imported')} of "
        f"{result.get('records_total')} records imported from PubMed (job {job.id})"
    )
    return 0
