"""Consensus extraction starts from what both extractors agree on and shows each one's value
beside every field, so the lead only settles the differences."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, attach_pdf, import_ris, screenshot, sign_in
from tests.ui.test_extraction import FORM

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_consensus_is_prefilled_with_agreed_values_and_shows_both(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]  # dual extraction, as reviews start
    import_ris(live_server, lead, rid, "screening.ris")
    ana = build.member(lead, rid, "reviewer")
    ben = build.member(lead, rid, "reviewer")
    record_id = build.client.get(f"/api/v1/reviews/{rid}/records", headers=lead.headers).json()[
        "items"
    ][0]["id"]
    for stage in ("title_abstract", "full_text"):
        if stage == "full_text":
            attach_pdf(live_server, lead, rid, record_id)
        for who in (ana, ben):
            voted = build.client.post(
                f"/api/v1/reviews/{rid}/records/{record_id}/decisions",
                json={"stage": stage, "decision": "include"},
                headers=who.headers,
            )
            assert voted.status_code == 201, voted.text
    assert build.client.put(
        f"/api/v1/reviews/{rid}/extraction/form", json={"fields": FORM}, headers=lead.headers
    ).is_success
    sid = build.client.get(
        f"/api/v1/reviews/{rid}/studies?status=included", headers=lead.headers
    ).json()["items"][0]["id"]
    for who, values in (
        (ana, {"design": "RCT", "n_randomised": 120, "mean_age": 64.5}),
        (ben, {"design": "RCT", "n_randomised": 118}),
    ):
        saved = build.client.put(
            f"/api/v1/reviews/{rid}/studies/{sid}/extraction",
            json={"values": values},
            headers=who.headers,
        )
        assert saved.status_code == 200, saved.text
    names = {
        m["user_id"]: m["name"]
        for m in build.client.get(f"/api/v1/reviews/{rid}/members", headers=lead.headers).json()
    }

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/studies/{sid}/extraction?consensus=1")
    expect(page.get_by_role("heading", name="Consensus values")).to_be_visible()
    expect(page.get_by_label("Study design")).to_have_value("RCT")  # agreed: filled in
    expect(page.get_by_label("Participants randomised")).to_have_value("")  # disputed: open
    design = page.locator(".field").filter(has=page.get_by_label("Study design"))
    expect(design.locator(".extractor-values")).to_contain_text("Both agree")
    randomised = page.locator(".field").filter(has=page.get_by_label("Participants randomised"))
    beside = randomised.locator(".extractor-values")
    expect(beside).to_contain_text("They differ")
    expect(beside).to_contain_text(f"{names[ana.id]}: 120")
    expect(beside).to_contain_text(f"{names[ben.id]}: 118")
    age = (
        page.locator(".field")
        .filter(has=page.get_by_label("Mean age"))
        .locator(".extractor-values")
    )
    expect(age).to_contain_text(f"{names[ben.id]}: —")
    screenshot(page, "extraction-consensus")
    assert_accessible(page)

    page.get_by_label("Participants randomised").fill("118")
    page.get_by_label("Mean age").fill("64,5")
    page.get_by_role("button", name="Record consensus").click()
    expect(page.get_by_text("Consensus recorded.")).to_be_visible()
    final = build.client.get(
        f"/api/v1/reviews/{rid}/studies/{sid}/extraction", headers=lead.headers
    ).json()
    assert (final["state"], final["final"]) == (
        "consensus",
        {"design": "RCT", "n_randomised": 118, "mean_age": 64.5},
    )
