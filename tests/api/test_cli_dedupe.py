"""``winnow dedupe`` on small hand-made CSV files (no database)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from api.cli import main
from api.commands import dedupe

HEADER = "id,title,authors,year,journal,volume,issue,pages,doi,abstract,entrytype,isbn\n"
MEDLINE = HEADER + (
    'm1,Remote ischaemic preconditioning before cardiac surgery,"Halvorsen K. T.Mbeki A.",'
    "2015,N Engl J Med,373,15,1408-17,10.5555/trial.2015.1408,,article,\n"
    "m2,Statins in adults over seventy: a cohort study,Smith J.,2018,Heart,104,7,553-60,"
    "10.5555/heart-2017-312345,,article,\n"
)
EMBASE = HEADER + (
    "e1,REMOTE ISCHAEMIC PRECONDITIONING BEFORE CARDIAC SURGERY.,"
    '"Halvorsen, K. T. and Mbeki, A.",2015,New England Journal of Medicine,373,15,'
    "1408-1417,https://doi.org/10.5555/trial.2015.1408,,article,\n"
    "e2,Statins in adults over seventy: a cohort study,Smith J.,2018,Heart,104,7,553-60,"
    "10.5555/heart-2017-999999,,article,\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_dedupe_writes_one_group_per_record_and_the_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [_write(tmp_path, "medline.csv", MEDLINE), _write(tmp_path, "embase.csv", EMBASE)]
    output, queue = tmp_path / "pred.csv", tmp_path / "pairs.csv"
    code = main(["dedupe", *map(str, files), "--output", str(output), "--review-queue", str(queue)])
    assert code == 0
    assert output.read_text(encoding="utf-8").startswith("id,group\n")
    group = {row["id"]: row["group"] for row in _rows(output)}
    assert list(group) == ["m1", "m2", "e1", "e2"]
    assert group["m1"] == group["e1"] in {"m1", "e1"}
    assert (group["m2"], group["e2"]) == ("m2", "e2")
    pairs = _rows(queue)
    assert [(p["id_a"], p["id_b"]) for p in pairs] == [("m2", "e2")]
    assert pairs[0]["reason"].startswith("different DOIs")
    assert "4 records: 1 merged as duplicates into 3 groups, 1 uncertain pairs" in (
        capsys.readouterr().out
    )


def test_large_inputs_show_a_progress_bar_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dedupe, "PROGRESS_MIN_RECORDS", 2)
    output = tmp_path / "pred.csv"
    assert main(["dedupe", str(_write(tmp_path, "m.csv", MEDLINE)), "--output", str(output)]) == 0
    err = capsys.readouterr().err
    assert f"comparing   [{'#' * dedupe.BAR_WIDTH}] 100%" in err
    assert "clustering" in err


def test_small_inputs_stay_quiet_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "pred.csv"
    assert main(["dedupe", str(_write(tmp_path, "m.csv", MEDLINE)), "--output", str(output)]) == 0
    assert capsys.readouterr().err == ""


def test_the_bar_redraws_one_line_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = dedupe.ProgressBar(screen)
    for done in (0, 5, 5, 10):
        bar("pairs", done, 10)
    assert screen.getvalue().count("\r") == 3
    assert screen.getvalue().endswith("100%\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title,year\nA trial,2001\n", "the CSV needs an 'id' column"),
        (HEADER + "a,T,,,,,,,,,,\na,U,,,,,,,,,,\n", "row 2: missing or repeated id 'a'"),
        ("", "the CSV needs an 'id' column"),
        (HEADER + ",Untitled,,,,,,,,,,\n", "row 1: missing or repeated id ''"),
    ],
)
def test_a_bad_csv_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = _write(tmp_path, "bad.csv", text)
    output = tmp_path / "pred.csv"
    assert main(["dedupe", str(path), "--output", str(output)]) == 1
    assert capsys.readouterr().err.strip() == f"winnow: error: {path}: {message}"
    assert not output.exists()


def test_ids_repeated_across_files_and_missing_files_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _write(tmp_path, "a.csv", MEDLINE)
    second = _write(tmp_path, "b.csv", MEDLINE)
    output = tmp_path / "pred.csv"
    assert main(["dedupe", str(first), str(second), "--output", str(output)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"winnow: error: {second}: id 'm1' is also in {first}"
    )
    missing = tmp_path / "missing.csv"
    assert main(["dedupe", str(missing), "--output", str(output)]) == 1
    assert capsys.readouterr().err.strip() == f"winnow: error: {missing}: No such file or directory"
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + "a,Caf\xe9,,,,,,,,,,\n".encode("latin-1"))
    assert main(["dedupe", str(latin), "--output", str(output)]) == 1
    assert "not UTF-8 text" in capsys.readouterr().err
    assert not output.exists()
