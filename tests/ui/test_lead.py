"""A lead resolves a conflict between two reviewers and then reads the PRISMA diagram."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.builders import Account
from tests.ui.conftest import LiveServer, import_ris, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def _vote(server: LiveServer, who: Account, rid: int, record_id: int, decision: str) -> None:
    response = server.build.client.post(
        f"/api/v1/reviews/{rid}/records/{record_id}/decisions",
        json={"stage": "title_abstract", "decision": decision, "note": f"{decision}, I think"},
        headers=who.headers,
    )
    assert response.status_code == 201, response.text


def _conflicts(server: LiveServer, lead: Account, rid: int) -> list[dict[str, Any]]:
    response = server.build.client.get(f"/api/v1/reviews/{rid}/conflicts", headers=lead.headers)
    assert response.status_code == 200, response.text
    conflicts: list[dict[str, Any]] = response.json()["items"]
    return conflicts


def test_lead_resolves_a_conflict_and_sees_the_prisma_diagram(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]  # blinded, as reviews start
    import_ris(live_server, lead, rid, "screening.ris")
    first = build.member(lead, rid, "reviewer")
    second = build.member(lead, rid, "reviewer")
    records = build.client.get(f"/api/v1/reviews/{rid}/records", headers=lead.headers).json()
    record_id = records["items"][0]["id"]
    _vote(live_server, first, rid, record_id, "include")
    _vote(live_server, second, rid, record_id, "exclude")
    assert [c["record_id"] for c in _conflicts(live_server, lead, rid)] == [record_id]

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/conflicts")
    conflict = page.get_by_role("article")
    # Issue 17 changes this (it read "Blinded:", who voted, never how): blinding is for the
    # screeners, so the lead who resolves sees each vote and its note while blinding is on.
    expect(conflict.locator(".vote-card")).to_have_count(2)
    expect(conflict).to_contain_text("include, I think")
    expect(conflict).to_contain_text("exclude, I think")
    screenshot(page, "conflicts")
    conflict.get_by_label("Include").check()
    conflict.get_by_label("Why").fill(
        "Adults with chronic low back pain in an RCT: meets the criteria."
    )
    conflict.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("No conflicts")).to_be_visible()
    assert _conflicts(live_server, lead, rid) == []

    page.get_by_role("link", name="PRISMA").click()
    diagram = page.get_by_role("img", name="PRISMA 2020 flow diagram of this review")
    expect(diagram).to_be_visible()
    assert diagram.evaluate("image => image.naturalWidth") > 0
    screenshot(page, "prisma")
    # Four records are still unscreened, so the numbers do not add up yet: a draft (issue 17).
    with page.expect_download() as download:
        page.get_by_role("button", name="Download draft JSON").click()
    assert download.value.suggested_filename == f"prisma-review-{rid}-draft.json"
    assert "counts" in json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
