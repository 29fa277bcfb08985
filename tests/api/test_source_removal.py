"""Taking back an import made into the wrong source (with its records) before screening, and
deleting an unused source; refused with a clear 409 once screening touched the records."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.tables import Record
from tests.api.builders import Builder, ReviewRows

RIS = (
    b"TY  - JOUR\nTI  - Yoga for back pain\nAU  - Lee, K\nPY  - 2020\nER  - \n"
    b"TY  - JOUR\nTI  - Tai chi for balance\nAU  - Kim, J\nPY  - 2019\nER  - \n"
)


def _import(client: TestClient, headers: dict[str, str], rid: int, source_id: int) -> Any:
    response = client.post(
        f"/api/v1/reviews/{rid}/imports",
        files={"file": ("search.ris", RIS, "text/plain")},
        data={"source_id": str(source_id)},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _records(client: TestClient, headers: dict[str, str], rid: int, batch_id: int) -> list[int]:
    page = client.get(f"/api/v1/reviews/{rid}/records?batch_id={batch_id}", headers=headers)
    return [r["id"] for r in page.json()["items"]]


def test_an_import_into_the_wrong_source_is_removed_with_its_records(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    librarian = build.member(lead, rid, "librarian")
    wrong = build.source(lead, rid, "Embase")
    right = build.source(lead, rid, "MEDLINE")
    mistaken = _import(client, librarian.headers, rid, wrong["id"])
    kept = _import(client, librarian.headers, rid, right["id"])
    [yoga_wrong, _] = _records(client, lead.headers, rid, mistaken["id"])
    [yoga_right, _] = _records(client, lead.headers, rid, kept["id"])
    ReviewRows(engine, rid).merge(yoga_right, yoga_wrong)  # the right one merged into the wrong

    url = f"/api/v1/reviews/{rid}/imports/{mistaken['id']}"
    removed = client.delete(url, headers=librarian.headers)
    assert removed.status_code == 200, removed.text
    assert removed.json() == {"records_removed": 2}
    assert _records(client, lead.headers, rid, mistaken["id"]) == []
    imports = client.get(f"/api/v1/reviews/{rid}/imports", headers=lead.headers).json()
    assert [b["id"] for b in imports] == [kept["id"]]
    with Session(engine) as session:
        survivor = session.get(Record, yoga_right)
        assert survivor is not None
        assert survivor.duplicate_of_id is None  # it stands alone again
    assert client.delete(url, headers=librarian.headers).status_code == 404
    # The same file can now go into the right source, or the wrong one again.
    assert _import(client, librarian.headers, rid, wrong["id"])["records_imported"] == 2


def test_an_import_whose_records_were_screened_stays(
    client: TestClient, build: Builder, engine: Engine
) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid, "Embase")
    batch = _import(client, lead.headers, rid, source["id"])
    first, _ = _records(client, lead.headers, rid, batch["id"])
    voted = client.post(
        f"/api/v1/reviews/{rid}/records/{first}/decisions",
        json={"stage": "title_abstract", "decision": "exclude"},
        headers=lead.headers,
    )
    assert voted.status_code == 201, voted.text
    refused = client.delete(f"/api/v1/reviews/{rid}/imports/{batch['id']}", headers=lead.headers)
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("1 record of this import has screening decisions")
    assert len(_records(client, lead.headers, rid, batch["id"])) == 2


def test_a_source_is_deleted_once_it_has_no_imports(client: TestClient, build: Builder) -> None:
    lead = build.user()
    rid = build.review(lead)["id"]
    viewer = build.member(lead, rid, "viewer")
    source = build.source(lead, rid, "Embase")
    batch = _import(client, lead.headers, rid, source["id"])
    url = f"/api/v1/reviews/{rid}/sources/{source['id']}"
    assert client.delete(url, headers=viewer.headers).status_code == 403
    busy = client.delete(url, headers=lead.headers)
    assert busy.status_code == 409
    assert busy.json()["detail"] == "the source 'Embase' has 1 import; remove it first"
    client.delete(f"/api/v1/reviews/{rid}/imports/{batch['id']}", headers=lead.headers)
    assert client.delete(url, headers=lead.headers).status_code == 204
    assert client.get(url, headers=lead.headers).status_code == 404
    renamed = build.source(lead, rid, "Embase")  # the name is free again
    assert renamed["name"] == "Embase"
