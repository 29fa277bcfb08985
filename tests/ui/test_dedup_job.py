"""A review large enough for background deduplication: the page follows the job to its result."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine, text

from tests.ui.conftest import LiveServer, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

RIS = Path(__file__).resolve().parents[1] / "fixtures" / "ui" / "duplicates.ris"


@pytest.fixture
def server_settings() -> dict[str, Any]:
    return {"dedup_job_min_records": 1}  # every review counts as large here


def test_find_duplicates_follows_the_background_job(
    page: Page, live_server: LiveServer, engine: Engine
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    review = build.review(lead)
    librarian = build.member(lead, review["id"], "librarian")
    source = build.source(librarian, review["id"], "MEDLINE (Ovid)")
    rid = review["id"]
    with RIS.open("rb") as handle:
        response = build.client.post(
            f"/api/v1/reviews/{rid}/imports",
            data={"source_id": str(source["id"])},
            files={"file": ("duplicates.ris", handle, "application/x-research-info-systems")},
            headers=librarian.headers,
        )
    assert response.status_code == 201, response.text

    sign_in(page, live_server, librarian, then=f"/reviews/{rid}/duplicates")
    page.get_by_role("button", name="Find duplicates").click()
    expect(page.get_by_text("1 question to decide.", exact=True)).to_be_visible()  # per two groups
    # The toast (the tab "Merged automatically" has no count).
    expect(page.get_by_text(re.compile(r"\d+ pairs? merged automatically"))).to_be_visible()
    with engine.connect() as connection:
        jobs = connection.execute(
            text("SELECT kind, status FROM job WHERE review_id = :rid"), {"rid": rid}
        ).all()
    assert [tuple(job) for job in jobs] == [("dedup", "succeeded")]
