"""``winnow simulate``: the order a prioritised reviewer meets a labelled set's records."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from api.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "screening" / "hand_made_labelled.csv"


def _run(tmp_path: Path, *extra: str) -> list[str]:
    output = tmp_path / "order.txt"
    assert main(["simulate", str(FIXTURE), "--output", str(output), *extra]) == 0
    return output.read_text(encoding="utf-8").splitlines()


def test_every_id_once_cold_start_in_file_order_and_deterministic(tmp_path: Path) -> None:
    with FIXTURE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    order = _run(tmp_path, "--seed", "42")
    assert sorted(order) == sorted(row["id"] for row in rows)
    labels = {row["id"]: row["label_included"] == "1" for row in rows}
    # Cold start: file order until one inclusion and one exclusion have been seen.
    file_ids = [row["id"] for row in rows]
    seen = []
    for record_id in file_ids:
        seen.append(labels[record_id])
        if any(seen) and not all(seen):
            break
    assert order[: len(seen)] == file_ids[: len(seen)]
    assert order == _run(tmp_path, "--seed", "42")
    # Prioritised: every inclusion is met before the last record in file order would have been.
    last_inclusion = max(order.index(i) for i, included in labels.items() if included)
    assert last_inclusion < max(file_ids.index(i) for i, included in labels.items() if included)


def test_bad_dataset_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title\nx,Only a title\n", encoding="utf-8")
    assert main(["simulate", str(bad), "--output", str(tmp_path / "o.txt")]) == 2
    assert "label_included" in capsys.readouterr().err
    missing = tmp_path / "missing.csv"
    assert main(["simulate", str(missing), "--output", str(tmp_path / "o.txt")]) == 2
