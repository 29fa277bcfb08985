"""``winnow prisma`` and ``winnow export`` on a review in the database."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from api.cli import main
from screening.prisma.csv import read_prisma_csv
from tests.api.builders import Builder
from tests.api.test_prisma import EXPECTED_COUNTS, build_flow


@pytest.fixture
def review_id(build: Builder, database_url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("WINNOW_DATABASE_URL", database_url)
    return build_flow(build).review_id


def test_prisma_json_csv_and_svg(
    review_id: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["prisma", str(review_id)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["counts"] == EXPECTED_COUNTS
    assert captured.err == ""  # no identity violated
    assert main(["prisma", str(review_id), "--format", "csv"]) == 0
    assert read_prisma_csv(capsys.readouterr().out).records_screened == 10
    svg = tmp_path / "prisma.svg"
    assert main(["prisma", str(review_id), "--format", "svg", "-o", str(svg)]) == 0
    assert "wrote" in capsys.readouterr().err
    assert ET.fromstring(svg.read_bytes()).tag.endswith("svg")


def test_prisma_reports_violations_on_stderr(
    build: Builder,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WINNOW_DATABASE_URL", database_url)
    flow = build_flow(build)
    flow.rows.resolve(flow.ids["R2"], flow.lead.id, "include")
    assert main(["prisma", str(flow.review_id)]) == 0
    assert "D6: dbr_assessed is 4" in capsys.readouterr().err


def test_export_references_and_extraction(
    review_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(review_id), "--format", "csv", "--status", "included"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(row["title"] for row in rows) == ["C1", "M1", "R1"]
    assert main(["export", str(review_id)]) == 0
    assert capsys.readouterr().out.count("ER  - ") == 12
    assert main(["export", str(review_id), "--format", "json"]) == 2
    assert "ris or csv" in capsys.readouterr().err
    assert main(["export", str(review_id), "--extraction", "--format", "ris"]) == 2


def test_an_unknown_review_is_an_error(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WINNOW_DATABASE_URL", database_url)
    assert main(["prisma", "424242"]) == 1
    assert "review 424242 not found" in capsys.readouterr().err
