"""The records browser's screening filters: stage, decision (the unsettled ones for a lead only)
and a note's tag, in the address so a filtered list reloads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.builders import ReviewRows, screening_records
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

TITLES = ["Included trial", "Excluded trial", "Disputed trial", "Open trial"]


def _apply(page: Page) -> None:
    page.get_by_role("search", name="Find records").get_by_role("button", name="Search").click()


def _listed(page: Page, *titles: str) -> None:
    table = page.get_by_role("table", name="In screening")
    expect(table.get_by_role("row")).to_have_count(len(titles) + 1)  # and the header row
    for title in titles:
        expect(table.get_by_role("link", name=title, exact=True)).to_be_visible()


def test_records_filtered_by_stage_decision_and_tag(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user()
    rid = build.review(lead)["id"]
    first, second = build.member(lead, rid, "reviewer"), build.member(lead, rid, "reviewer")
    ids = screening_records(build.engine, rid, [(title, "") for title in TITLES])
    rows = ReviewRows(build.engine, rid)
    for record, votes in zip(ids, ("II", "EE", "IE"), strict=False):
        for reviewer, vote in zip((first, second), votes, strict=True):
            rows.vote(record, reviewer.id, "include" if vote == "I" else "exclude")
    response = build.client.post(
        f"/api/v1/reviews/{rid}/records/{ids[0]}/notes",
        json={"tags": ["pilot"]},
        headers=first.headers,
    )
    assert response.status_code == 201, response.text

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/records")
    _listed(page, *TITLES)
    page.get_by_label("Decision").select_option("conflict")
    _apply(page)
    _listed(page, "Disputed trial")
    assert "decision=conflict" in page.url
    page.get_by_label("Stage").select_option("full_text")
    _apply(page)
    expect(page.get_by_text("No records match.")).to_be_visible()
    page.get_by_label("Stage").select_option("title_abstract")
    page.get_by_label("Decision").select_option("excluded")
    _apply(page)
    _listed(page, "Excluded trial")
    page.reload()  # the filters live in the address
    expect(page.get_by_label("Decision")).to_have_value("excluded")
    _listed(page, "Excluded trial")
    page.get_by_label("Decision").select_option("")
    page.get_by_label("Note tag").fill("pilot")
    _apply(page)
    _listed(page, "Included trial")  # settled, so the reviewer's note counts for everyone
    assert_accessible(page)

    # A reviewer may filter by settled outcomes only: no conflicts to choose.
    page.context.clear_cookies()
    sign_in(page, live_server, second, then=f"/reviews/{rid}/records")
    options = page.get_by_label("Decision").locator("option")
    expect(options).to_have_text(["Any decision", "Included", "Excluded"])
    page.get_by_label("Decision").select_option("included")
    _apply(page)
    _listed(page, "Included trial")


def test_a_records_page_shows_its_votes_and_notes_as_blinding_allows(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user()
    rid = build.review(lead)["id"]
    first = build.member(lead, rid, "reviewer")
    second = build.member(lead, rid, "reviewer")
    settled, disputed = screening_records(build.engine, rid, [(t, "") for t in TITLES[:3:2]])
    rows = ReviewRows(build.engine, rid)
    for record, votes in ((settled, ("include", "include")), (disputed, ("include", "exclude"))):
        for reviewer, vote in zip((first, second), votes, strict=True):
            rows.vote(record, reviewer.id, vote)
    for record in (settled, disputed):
        response = build.client.post(
            f"/api/v1/reviews/{rid}/records/{record}/notes",
            json={"text": "check the dose", "tags": ["pilot"]},
            headers=first.headers,
        )
        assert response.status_code == 201, response.text
    first_name, second_name = (a.email.split("@")[0] for a in (first, second))

    sign_in(page, live_server, second, then=f"/reviews/{rid}/records/{settled}")
    screening = page.get_by_role("region", name="Screening")
    expect(screening).to_contain_text(f"{first_name}: Include")  # settled: every vote
    expect(screening).to_contain_text(f"{second_name}: Include")
    expect(screening).to_contain_text("pilot")
    expect(screening).to_contain_text("check the dose")
    assert_accessible(page)
    page.goto(f"{live_server.url}/reviews/{rid}/records/{disputed}")
    screening = page.get_by_role("region", name="Screening")
    expect(screening).to_contain_text(f"{second_name}: Exclude")  # their own vote only
    expect(screening).not_to_contain_text(f"{first_name}: ")
    expect(screening).not_to_contain_text("check the dose")
    expect(screening).to_contain_text("No notes to show.")
