"""Studies are stored with the records (import), and listing them never writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.tables import Record, Study
from tests.api.builders import Builder
from tests.api.test_imports import THREE_RECORDS, upload

API = "/api/v1"


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs inside the block."""
    seen: list[str] = []

    def remember(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def test_an_import_stores_a_study_per_record_and_listing_writes_nothing(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)["id"]
    assert upload(client, lead, rid, source, THREE_RECORDS).status_code == 201
    with Session(engine) as session:
        records = session.exec(select(Record).order_by(col(Record.id))).all()
        labels = {s.id: s.label for s in session.exec(select(Study)).all()}
    assert [labels[r.study_id] for r in records if r.study_id] == ["Smith 2019", "Doe 2021"]
    with statements(engine) as seen:
        page = client.get(f"{API}/reviews/{rid}/studies?limit=1", headers=lead.headers)
        one = client.get(f"{API}/reviews/{rid}/studies/{records[1].study_id}", headers=lead.headers)
    assert page.status_code == one.status_code == 200
    assert page.json()["total"] == 2
    assert [s["label"] for s in page.json()["items"]] == ["Smith 2019"]
    assert one.json()["reports"][0]["title"] == "Yoga for back pain"
    assert not {"INSERT", "UPDATE", "DELETE"} & set(seen), seen
