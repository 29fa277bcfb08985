"""Pages follow the role: a viewer reads the settings without being offered a Save that would
fail, a page a role cannot use says so, and an unknown address shows a real not-found page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_a_viewer_reads_settings_and_is_told_what_is_not_for_them(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, title="Yoga for back pain")["id"]
    viewer = build.member(lead, rid, "viewer")

    sign_in(page, live_server, viewer, then=f"/reviews/{rid}")
    page.get_by_role("navigation", name="Review sections").get_by_role(
        "link", name="Settings"
    ).click()
    expect(page.get_by_text("Only a lead of this review can change its settings.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Yoga for back pain")
    expect(page.get_by_label("Title")).to_be_disabled()
    expect(page.get_by_label("Screening mode").first).to_be_disabled()
    expect(page.get_by_role("button", name="Save settings")).to_have_count(0)
    expect(page.get_by_role("button", name="Add member")).to_have_count(0)
    expect(page.get_by_role("button", name="Add reason")).to_have_count(0)
    members = page.get_by_role("region", name="Members")
    expect(members.get_by_role("combobox")).to_have_count(0)
    expect(members).to_contain_text("Viewer")
    screenshot(page, "settings-viewer")
    assert_accessible(page)

    page.goto(f"{live_server.url}/reviews/{rid}/conflicts")
    expect(page.get_by_role("heading", name="Not available for your role")).to_be_visible()
    expect(page.get_by_text("You are a viewer in this review")).to_be_visible()
    assert_accessible(page)

    response = page.goto(f"{live_server.url}/no/such/page")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_role("link", name="Back to your reviews")).to_be_visible()
    assert page.title() == "Not found · Winnow"
    screenshot(page, "not-found")
    assert_accessible(page)


def test_a_lead_still_edits_settings(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, title="Yoga for back pain")["id"]
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/settings")
    expect(page.get_by_text("Only a lead of this review")).to_have_count(0)
    page.get_by_label("Title").fill("Yoga for chronic back pain")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    review = build.client.get(f"/api/v1/reviews/{rid}", headers=lead.headers).json()
    assert review["title"] == "Yoga for chronic back pain"
