"""``winnow parse`` and ``winnow import`` (files and PubMed, with a progress bar)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from api.cli import main
from api.db import make_engine
from api.schemas.reviews import ReviewCreate, SourceCreate
from api.services.accounts import create_user
from api.services.reviews import create_review, create_source
from api.tables import ImportBatch, Record
from tests.api.test_imports import THREE_RECORDS
from tests.fakes.eutils_server import FakeEutilsServer
from tests.importers.files import fixture_bytes

RECORD_FIELDS = {
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "keywords",
    "type",
}


@pytest.fixture
def ris_file(tmp_path: Path) -> Path:
    path = tmp_path / "search.ris"
    path.write_bytes(THREE_RECORDS)
    return path


def test_parse_json_prints_records_and_warnings_per_the_contract(
    ris_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(ris_file), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert set(body) == {"records", "warnings"}
    assert [set(record) for record in body["records"]] == [RECORD_FIELDS, RECORD_FIELDS]
    first = body["records"][0]
    assert first["title"] == "Exercise therapy for chronic low back pain"
    assert (first["authors"], first["year"], first["doi"]) == (
        ["Smith, Jane"],
        2019,
        "10.1000/abc.1",
    )
    assert (first["keywords"], first["type"]) == ([], "journal_article")
    assert body["warnings"] == [
        {"record": 2, "line": 8, "message": "record has no title, abstract, authors or identifiers"}
    ]


def test_parse_reads_other_formats_and_honours_an_explicit_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(fixture_bytes("reflib-medline__cancer.nbib"))
    assert main(["parse", str(path), "--json"]) == 0
    detected = json.loads(capsys.readouterr().out)["records"]
    assert detected
    assert all(record["pmid"] for record in detected)
    assert main(["parse", str(path), "--format", "medline", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["records"] == detected
    assert main(["parse", str(path), "--format", "ris"]) == 1
    assert "looks like a PubMed/MEDLINE export" in capsys.readouterr().err


def test_parse_without_json_prints_a_summary_table(
    ris_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(ris_file)]) == 0
    out = capsys.readouterr().out
    assert "format ris, encoding utf-8: 3 records, 2 accepted (0 repaired), 1 rejected" in out
    assert "Yoga for back pain" in out
    assert "Doe, John" in out
    assert "record 2 (line 8) rejected: record has no title" in out


def test_parse_refuses_what_is_not_a_reference_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert main(["parse", str(pdf), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"winnow: error: {pdf}: ")
    assert "PDF" in captured.err
    assert main(["parse", str(tmp_path / "missing.ris")]) == 1
    assert "cannot read" in capsys.readouterr().err


@pytest.fixture
def review_db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    """A database with one review and a source named MEDLINE; the CLI is pointed at it."""
    monkeypatch.setenv("WINNOW_DATABASE_URL", database_url)
    engine = make_engine(database_url)
    with Session(engine) as session, session.begin():
        user = create_user(session, email="lib@example.org", name="Lib", password="x" * 12)
        review = create_review(session, user, ReviewCreate(title="Back pain"))
        create_source(session, review, user, SourceCreate(name="MEDLINE"))
        assert review.id is not None
        review_id = review.id
    engine.dispose()
    return database_url, review_id


def _counts(database_url: str) -> tuple[int, int]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        batches = session.exec(select(func.count()).select_from(ImportBatch)).one()
        records = session.exec(select(func.count()).select_from(Record)).one()
    engine.dispose()
    return int(batches), int(records)


def test_import_stores_a_file_once_by_source_name_or_id(
    review_db: tuple[str, int], ris_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url, rid = review_db
    assert main(["import", str(ris_file), "--review", str(rid), "--source", "MEDLINE"]) == 0
    out = capsys.readouterr().out
    assert "2 of 3 records imported, 1 rejected (ris)" in out
    assert "record 2 (line 8)" in out
    assert main(["import", str(ris_file), "--review", str(rid), "--source", "1"]) == 0
    assert "already imported as import 1: nothing was added" in capsys.readouterr().out
    assert _counts(database_url) == (1, 2)


def test_import_refuses_unknown_sources_and_bad_files(
    review_db: tuple[str, int], tmp_path: Path, ris_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url, rid = review_db
    assert main(["import", str(ris_file), "--review", str(rid), "--source", "Embase"]) == 1
    assert "source 'Embase' not found" in capsys.readouterr().err
    assert main(["import", str(ris_file), "--review", "999", "--source", "MEDLINE"]) == 1
    assert "review 999 not found" in capsys.readouterr().err
    html = tmp_path / "page.html"
    html.write_bytes(b"<!DOCTYPE html><html><body>Results</body></html>")
    assert main(["import", str(html), "--review", str(rid), "--source", "MEDLINE"]) == 1
    assert "HTML" in capsys.readouterr().err
    assert _counts(database_url) == (0, 0)


@pytest.fixture
def eutils(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEutilsServer]:
    with FakeEutilsServer(enforce_rate=False) as server:
        monkeypatch.setenv("WINNOW_EUTILS_URL", server.base_url)
        monkeypatch.setenv("WINNOW_NCBI_EMAIL", "lib@example.org")
        yield server


def test_import_pubmed_shows_a_progress_bar_and_stores_every_hit(
    review_db: tuple[str, int], eutils: FakeEutilsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url, rid = review_db
    eutils.add_synthetic("tai chi", 450)
    args = ["import", "--pubmed", "tai chi", "--review", str(rid), "--source", "MEDLINE"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "450 of 450 records imported from PubMed" in captured.out
    assert f"[{'#' * 30}] 450/450 records fetched" in captured.err
    assert "400/450 records fetched" in captured.err
    assert _counts(database_url) == (1, 450)


def test_import_pubmed_reports_a_query_pubmed_cannot_use(
    review_db: tuple[str, int], eutils: FakeEutilsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url, rid = review_db
    args = ["import", "--pubmed", "abcXYZ", "--review", str(rid), "--source", "MEDLINE"]
    assert main(args) == 1
    assert "PhraseNotFound: abcXYZ" in capsys.readouterr().err
    assert main([*args, "--mindate", "2020/13"]) == 2
    assert "--mindate" in capsys.readouterr().err
    assert _counts(database_url) == (0, 0)
