"""Records removed before screening: out of the queue, counted in PRISMA's own two boxes,
refused for duplicates, voted records and other methods, and restorable."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.tables import Record
from tests.api.builders import Builder, ReviewRows
from tests.api.test_prisma_api_flow import Api

TA = "title_abstract"


def _setup(client: TestClient, build: Builder) -> tuple[Api, Any, Any, Any, dict[str, int]]:
    lead = build.user()
    review_id = build.review(lead, settings={TA: {"mode": "single"}})["id"]
    librarian = build.member(lead, review_id, "librarian")
    reviewer = build.member(lead, review_id, "reviewer")
    api = Api(client, review_id)
    api.source(lead, "MEDLINE", "database", "Alpha", "Beta", "Gamma", "Delta", "Epsilon")
    api.source(lead, "Reference lists", "citation", "Zeta")
    with Session(build.engine) as session:
        rows = session.exec(select(Record).where(Record.review_id == review_id)).all()
        ids = {r.title: r.id for r in rows if r.id is not None}
    return api, lead, librarian, reviewer, ids


def _review_id(api: Api) -> int:
    return int(api.base.rsplit("/", 1)[1])


def _next_titles(api: Api, reviewer: Any, ids: dict[str, int]) -> set[str]:
    """Every record the reviewer is offered, voting exclude on each to move on."""
    titles = {record_id: title for title, record_id in ids.items()}
    seen: set[str] = set()
    while True:
        response = api.client.get(f"{api.base}/screening/{TA}/next", headers=reviewer.headers)
        if response.status_code == 204 or not response.content or response.json() is None:
            return seen
        record_id = response.json()["record"]["id"]
        seen.add(titles[record_id])
        api.votes(record_id, TA, (reviewer, "exclude", None))


def test_removed_records_leave_screening_and_fill_prismas_boxes(
    client: TestClient, build: Builder
) -> None:
    api, lead, librarian, reviewer, ids = _setup(client, build)
    ReviewRows(build.engine, _review_id(api)).merge(ids["Epsilon"], ids["Delta"])
    body = {"record_ids": [ids["Alpha"]], "removed": "automation", "reason": "RCT classifier"}
    assert api.call("POST", "/records/remove", librarian, json=body) == {"records": 1}
    body = {"record_ids": [ids["Beta"]], "removed": "other", "reason": "published before 2000"}
    assert api.call("POST", "/records/remove", librarian, json=body) == {"records": 1}
    beta = api.call("GET", f"/records/{ids['Beta']}", reviewer)
    assert (beta["removed"], beta["removal_reason"]) == ("other", "published before 2000")

    assert _next_titles(api, reviewer, ids) == {"Gamma", "Delta", "Zeta"}
    prisma = api.call("GET", "/prisma", lead)
    counts = prisma["counts"]
    assert prisma["violations"] == []
    assert (counts["database_results"], counts["duplicates"]) == (5, 1)
    assert (counts["excluded_automatic"], counts["excluded_other"]) == (1, 1)
    # 5 identified - 1 duplicate - 1 by automation - 1 for another reason
    assert (counts["records_screened"], counts["records_excluded"]) == (2, 2)
    export = api.client.get(
        f"{api.base}/export", params={"format": "csv", "status": "all"}, headers=lead.headers
    )
    assert export.status_code == 200
    assert ",removed," in export.text
    vote = api.client.post(
        f"{api.base}/records/{ids['Alpha']}/decisions",
        json={"stage": TA, "decision": "include"},
        headers=reviewer.headers,
    )
    assert vote.status_code == 409
    assert "removed before screening" in vote.json()["detail"]


def test_removal_is_refused_where_prisma_has_no_box_for_it(
    client: TestClient, build: Builder
) -> None:
    api, lead, librarian, reviewer, ids = _setup(client, build)
    ReviewRows(build.engine, _review_id(api)).merge(ids["Epsilon"], ids["Delta"])
    api.votes(ids["Gamma"], TA, (reviewer, "include", None))

    def remove(title: str, who: Any = librarian) -> Any:
        body = {"record_ids": [ids[title]], "removed": "other", "reason": "out of scope"}
        return api.client.post(f"{api.base}/records/remove", json=body, headers=who.headers)

    duplicate = remove("Epsilon")
    assert (duplicate.status_code, "is a duplicate" in duplicate.json()["detail"]) == (409, True)
    voted = remove("Gamma")
    assert (voted.status_code, "already has screening votes" in voted.json()["detail"]) == (
        409,
        True,
    )
    citation = remove("Zeta")
    assert citation.status_code == 422
    assert "databases and registers" in citation.json()["detail"]
    assert remove("Alpha", reviewer).status_code == 403
    blank = api.client.post(
        f"{api.base}/records/remove",
        json={"record_ids": [ids["Alpha"]], "removed": "other", "reason": "  "},
        headers=librarian.headers,
    )
    assert blank.status_code == 422
    ghost = api.client.post(
        f"{api.base}/records/remove",
        json={"record_ids": [999_999], "removed": "other", "reason": "x"},
        headers=librarian.headers,
    )
    assert ghost.status_code == 404
    # Nothing above changed a record.
    for title in ("Alpha", "Gamma", "Epsilon", "Zeta"):
        assert api.call("GET", f"/records/{ids[title]}", lead)["removed"] is None


def test_a_restored_record_is_screened_again(client: TestClient, build: Builder) -> None:
    api, lead, librarian, reviewer, ids = _setup(client, build)
    everything_but_delta = [ids[t] for t in ("Alpha", "Beta", "Gamma", "Epsilon")]
    body = {"record_ids": everything_but_delta, "removed": "other", "reason": "wrong language"}
    assert api.call("POST", "/records/remove", librarian, json=body) == {"records": 4}
    assert api.call("GET", "/prisma", lead)["counts"]["excluded_other"] == 4
    restored = api.call("POST", "/records/restore", librarian, json={"record_ids": [ids["Beta"]]})
    assert restored == {"records": 1}
    again = api.client.post(
        f"{api.base}/records/restore", json={"record_ids": [ids["Beta"]]}, headers=lead.headers
    )
    assert again.status_code == 409
    assert _next_titles(api, reviewer, ids) == {"Beta", "Delta", "Zeta"}
    counts = api.call("GET", "/prisma", lead)["counts"]
    assert (counts["excluded_other"], counts["records_screened"]) == (3, 2)


def test_the_record_list_filters_removed_records(client: TestClient, build: Builder) -> None:
    api, _, librarian, reviewer, ids = _setup(client, build)
    body = {"record_ids": [ids["Alpha"], ids["Gamma"]], "removed": "other", "reason": "animals"}
    api.call("POST", "/records/remove", librarian, json=body)

    def titles(query: str) -> list[str]:
        page = api.call("GET", f"/records?{query}", reviewer)
        assert page["total"] == len(page["items"])
        return [record["title"] for record in page["items"]]

    assert titles("removed=true") == ["Alpha", "Gamma"]
    assert titles("removed=false") == ["Beta", "Delta", "Epsilon", "Zeta"]
    assert titles("removed=false&q=ta") == ["Beta", "Delta", "Zeta"]
    assert len(titles("limit=50")) == 6
