"""PRISMA counts for a review driven through the public API (imports, votes, resolutions, full
texts, study links), so the report agrees with what the other use cases store.

Deduplication is written as rows (a merge as the dedup use case leaves it: a link plus
``duplicate_of_id``), so this test does not depend on the dedup scoring.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.tables import Record
from tests.api.builders import Account, Builder, ReviewRows

API = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _ris(*titles: str) -> bytes:
    entries = [
        f"TY  - JOUR\nTI  - {title}\nAU  - Doe, Jane\nPY  - 2020\nJO  - Trials\nER  - \n"
        for title in titles
    ]
    return "\n".join(entries).encode()


class Api:
    def __init__(self, client: TestClient, review_id: int) -> None:
        self.client = client
        self.base = f"{API}/reviews/{review_id}"

    def call(self, method: str, path: str, who: Account, **kwargs: Any) -> Any:
        response = self.client.request(method, self.base + path, headers=who.headers, **kwargs)
        assert response.status_code < 300, (path, response.text)
        return response.json()

    def source(self, lead: Account, name: str, kind: str, *titles: str) -> None:
        source = self.call("POST", "/sources", lead, json={"name": name, "kind": kind})
        report = self.call(
            "POST",
            "/imports",
            lead,
            data={"source_id": str(source["id"])},
            files={"file": (f"{name}.ris", _ris(*titles), "application/x-research-info-systems")},
        )
        assert report["records_imported"] == len(titles)

    def votes(self, record_id: int, stage: str, *pairs: tuple[Account, str, int | None]) -> None:
        for who, decision, reason in pairs:
            body = {"stage": stage, "decision": decision, "reason_id": reason}
            self.call("POST", f"/records/{record_id}/decisions", who, json=body)


def test_prisma_from_a_review_driven_through_the_api(client: TestClient, build: Builder) -> None:
    lead = build.user()
    review_id = build.review(lead)["id"]
    a, b = (build.member(lead, review_id, "reviewer") for _ in range(2))
    api = Api(client, review_id)
    api.source(lead, "MEDLINE", "database", "Alpha trial", "Beta trial", "Gamma trial")
    api.source(lead, "Embase", "database", "Alpha trial (Embase)", "Delta cohort")
    api.source(lead, "CENTRAL", "register", "Epsilon registration")
    with Session(build.engine) as session:
        rows = session.exec(select(Record).where(Record.review_id == review_id)).all()
        ids = {r.title: r.id for r in rows if r.id is not None}
    ReviewRows(build.engine, review_id).merge(ids["Alpha trial (Embase)"], ids["Alpha trial"])

    ta = "title_abstract"
    api.votes(ids["Alpha trial"], ta, (a, "include", None), (b, "include", None))
    api.votes(ids["Beta trial"], ta, (a, "include", None), (b, "exclude", None))
    api.votes(ids["Gamma trial"], ta, (a, "exclude", None), (b, "exclude", None))
    api.votes(ids["Delta cohort"], ta, (a, "include", None), (b, "maybe", None))
    api.votes(ids["Epsilon registration"], ta, (a, "include", None), (b, "include", None))
    conflict = {"stage": ta, "decision": "include", "reason": "relevant population"}
    api.call("POST", f"/records/{ids['Beta trial']}/resolution", lead, json=conflict)

    for title in ("Alpha trial", "Beta trial", "Epsilon registration"):
        files = {"file": ("report.pdf", PDF, "application/pdf")}
        api.call("PUT", f"/records/{ids[title]}/full-text", a, files=files)
    api.call(
        "PUT", f"/records/{ids['Delta cohort']}/full-text", a, json={"status": "not_retrieved"}
    )
    reasons = {r["label"]: r["id"] for r in api.call("GET", "/exclusion-reasons", lead)}
    population = next(i for label, i in reasons.items() if "population" in label.lower())
    ft = "full_text"
    for title in ("Alpha trial", "Epsilon registration"):
        api.votes(ids[title], ft, (a, "include", None), (b, "include", None))
    api.votes(ids["Beta trial"], ft, (a, "exclude", population), (b, "exclude", population))
    studies = api.call("GET", "/studies", lead)["items"]
    alpha = next(s for s in studies if s["reports"][0]["record_id"] == ids["Alpha trial"])
    body = {"record_ids": [ids["Epsilon registration"]]}
    api.call("POST", f"/studies/{alpha['id']}/reports", lead, json=body)

    prisma = api.call("GET", "/prisma", lead)
    counts = prisma["counts"]
    assert prisma["violations"] == []
    assert counts["database_specific_results"] == [
        {"label": "MEDLINE", "n": 3},
        {"label": "Embase", "n": 2},
    ]
    assert (counts["database_results"], counts["register_results"], counts["duplicates"]) == (
        5,
        1,
        1,
    )
    assert (counts["records_screened"], counts["records_excluded"]) == (5, 1)
    assert (counts["dbr_sought_reports"], counts["dbr_notretrieved_reports"]) == (4, 1)
    assert counts["dbr_assessed"] == 3
    label = next(label for label, i in reasons.items() if i == population)
    assert counts["dbr_excluded"] == [{"label": label, "n": 1}]
    assert (counts["new_studies"], counts["new_reports"]) == (1, 2)
    included = api.call("GET", "/studies", lead, params={"status": "included"})["items"]
    assert [len(s["reports"]) for s in included] == [counts["new_reports"]]
