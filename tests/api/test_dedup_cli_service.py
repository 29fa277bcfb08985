"""The service and ``winnow dedupe`` give identical groups and ask the same questions on the
same records: one importer, one core, one clustering (run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.cli import main
from tests.api.builders import Builder
from tests.api.test_imports import upload

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "dedup" / "handmade_labelled.csv"


def _all(client: TestClient, url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = client.get(url, params={"limit": 500, "offset": len(items)}, headers=headers)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        if len(items) >= page.json()["total"]:
            return items


def test_service_and_cli_give_identical_groups_and_questions(
    client: TestClient, build: Builder, tmp_path: Path
) -> None:
    text = RECORDS.read_text(encoding="utf-8")
    ids = [row["id"] for row in csv.DictReader(io.StringIO(text))]
    # The service: import the file as a librarian would, deduplicate.
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)
    imported = upload(client, lead, rid, source["id"], text.encode(), name="records.csv")
    assert imported.status_code in (200, 201), imported.text
    base = f"/api/v1/reviews/{rid}"
    assert client.post(f"{base}/dedup", headers=lead.headers).status_code == 200
    records = _all(client, f"{base}/records", lead.headers)
    name = {r["id"]: ids[r["record_number"] - 1] for r in records}
    service = {name[r["id"]]: name[r["duplicate_of_id"] or r["id"]] for r in records}
    questions = _all(client, f"{base}/duplicates", lead.headers)
    service_questions = {
        frozenset(service[name[q[side]["id"]]] for side in ("record_a", "record_b"))
        for q in questions
    }
    # The command on the same file.
    output, queue = tmp_path / "groups.csv", tmp_path / "queue.csv"
    args = ["dedupe", str(RECORDS), "--output", str(output), "--review-queue", str(queue)]
    assert main(args) == 0
    groups = csv.DictReader(io.StringIO(output.read_text(encoding="utf-8")))
    cli = {row["id"]: row["group"] for row in groups}
    cli_questions = {
        frozenset((cli[row["id_a"]], cli[row["id_b"]]))
        for row in csv.DictReader(io.StringIO(queue.read_text(encoding="utf-8")))
    }
    assert service == cli  # the same groups, kept by the same record
    assert any(group != record for record, group in cli.items())
    assert service_questions == cli_questions
    assert len(cli_questions) >= 3
