"""A lead's other pages: settings saved through the form, full-text screening with the PDF and a
reason picked by number key, agreement and progress, exports and the overview."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.ui.conftest import LiveServer, attach_pdf, import_ris, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_lead_changes_settings_and_screens_a_full_text_with_a_reason(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, description="Adults with chronic non-specific low back pain.")["id"]
    import_ris(live_server, lead, rid, "screening.ris")

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/settings")
    title_abstract = page.get_by_role("group", name="Title & abstract")
    title_abstract.get_by_label("Screening mode").select_option("single")
    page.get_by_role("group", name="Full text").get_by_label("Screening mode").select_option(
        "single"
    )
    page.get_by_label("Include terms").fill("low back pain\nrandomised")
    screenshot(page, "settings")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    review = build.client.get(f"/api/v1/reviews/{rid}", headers=lead.headers).json()
    assert review["settings"]["title_abstract"]["mode"] == "single"
    assert review["settings"]["keywords"]["include"] == ["low back pain", "randomised"]

    page.goto(f"{live_server.url}/reviews/{rid}/screen/title_abstract")
    record = page.locator("article.record")
    record_id = int(record.get_attribute("data-record-id") or 0)
    page.keyboard.press("i")
    expect(record).not_to_have_attribute("data-record-id", str(record_id))
    attach_pdf(live_server, lead, rid, record_id)

    page.goto(f"{live_server.url}/reviews/{rid}/screen/full_text")
    expect(page.get_by_title(f"Full text of record {record_id}")).to_be_visible()
    page.keyboard.press("e")  # an exclusion needs a reason first
    reason_card = page.get_by_role("region", name="Reason for exclusion")
    expect(reason_card.get_by_text("Pick the reason for exclusion")).to_be_visible()
    screenshot(page, "screen-full-text")
    page.keyboard.press("2")
    expect(page.get_by_text("Nothing left for you at this stage")).to_be_visible()
    votes = build.client.get(
        f"/api/v1/reviews/{rid}/records/{record_id}/decisions?stage=full_text",
        headers=lead.headers,
    ).json()
    reasons = build.client.get(f"/api/v1/reviews/{rid}/exclusion-reasons", headers=lead.headers)
    second = [r for r in reasons.json() if r["stage"] == "full_text"][1]
    assert [(v["decision"], v["reason_id"]) for v in votes] == [("exclude", second["id"])]

    for section, heading in [
        ("Agreement", "Agreement and progress"),
        ("Exports", "Exports"),
        ("Overview", "Exercise for low back pain"),
    ]:
        page.get_by_role("link", name=section, exact=True).click()
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        screenshot(page, section.lower())
        if section == "Exports":
            references = page.get_by_role("form", name="References")
            references.get_by_label("Records").select_option("all")
            with page.expect_download() as download:
                references.get_by_role("button", name="Download").click()
            assert download.value.suggested_filename == f"review-{rid}-all.ris"
            exported = Path(download.value.path()).read_text(encoding="utf-8")
            assert exported.count("TY  - ") == 5


def test_lead_adds_a_member_by_email(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    colleague = build.user(name="Cora Colleague")
    rid = build.review(lead)["id"]

    # An unknown address is now invited (tests/ui/test_accounts.py); a deactivated one is refused.
    gone, admin = build.user(name="Gus Gone"), build.user(admin=True)
    off = build.client.patch(
        f"/api/v1/users/{gone.id}", json={"is_active": False}, headers=admin.headers
    )
    assert off.status_code == 200

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/settings")
    form = page.get_by_role("form", name="Add a member")
    form.get_by_label("Email").fill(gone.email)
    form.get_by_label("Email").press("Enter")
    expect(form).to_contain_text(f"the account of {gone.email} is deactivated")
    form.get_by_label("Email").fill(colleague.email)
    form.get_by_label("Role").select_option("librarian")
    form.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("combobox", name="Role of Cora Colleague")).to_have_value("librarian")
    members = build.client.get(f"/api/v1/reviews/{rid}/members", headers=lead.headers).json()
    assert (colleague.id, "librarian") in {(m["user_id"], m["role"]) for m in members}
