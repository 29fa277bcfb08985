"""A librarian finds records and removes them before screening (an automation tool's verdict),
sees them under "Removed before screening" and restores one; the API shows each step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.ui.conftest import LiveServer, import_ris, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

ACUPUNCTURE = "Acupuncture for knee osteoarthritis: a systematic review"
CHILDREN = "Spinal manipulation in children with acute neck pain: a cohort study"


def test_librarian_removes_records_before_screening_and_restores_one(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    librarian = build.member(lead, rid, "librarian")
    import_ris(live_server, lead, rid, "screening.ris")

    def removed() -> dict[str, Any]:
        response = build.client.get(
            f"/api/v1/reviews/{rid}/records?removed=true", headers=lead.headers
        )
        page_of_records: dict[str, Any] = response.json()
        return {r["title"]: (r["removed"], r["removal_reason"]) for r in page_of_records["items"]}

    sign_in(page, live_server, librarian, then=f"/reviews/{rid}")
    page.get_by_role("link", name="Records").click()
    expect(page.get_by_text("1\u20135 of 5 records.")).to_be_visible()  # an en dash

    # Removing nothing, or without saying why, is refused in the page.
    page.get_by_role("button", name="Remove selected").click()
    expect(page.get_by_text("Name the tool, or say why")).to_be_visible()
    page.get_by_label("Tool or reason").fill("RobotSearch RCT classifier")
    page.get_by_role("button", name="Remove selected").click()
    expect(page.get_by_text("Select the records to remove first.")).to_be_visible()

    page.get_by_label("Search", exact=True).fill("acupuncture")
    page.get_by_label("Search", exact=True).press("Enter")
    expect(page.get_by_text("1\u20131 of 1 record.")).to_be_visible()
    page.get_by_label(f"Select “{ACUPUNCTURE}”").check()
    page.get_by_label("Search", exact=True).fill("spinal")
    page.get_by_label("Search", exact=True).press("Enter")
    page.get_by_label(f"Select “{CHILDREN}”").check()
    page.get_by_label("Removed", exact=True).select_option("automation")
    page.get_by_role("button", name="Remove selected").click()
    expect(page.get_by_text("2 records removed before screening.")).to_be_visible()
    assert removed() == {
        ACUPUNCTURE: ("automation", "RobotSearch RCT classifier"),
        CHILDREN: ("automation", "RobotSearch RCT classifier"),
    }

    page.get_by_role("link", name="Removed before screening").click()
    table = page.get_by_role("table", name="Removed before screening")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two records
    expect(table).to_contain_text("Marked ineligible by an automation tool")
    screenshot(page, "records-removed")
    page.get_by_role("button", name=f"Restore “{CHILDREN}”").click()
    expect(page.get_by_text("is back in screening")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(2)
    assert list(removed()) == [ACUPUNCTURE]
    counts = build.client.get(f"/api/v1/reviews/{rid}/prisma", headers=lead.headers).json()
    assert counts["counts"]["excluded_automatic"] == 1
