"""Extraction in the browser: a lead builds the form, an extractor fills it, trips over a
validation error as they type, fixes it and saves; the API then holds the values."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.api.builders import Account
from tests.ui.conftest import LiveServer, attach_pdf, import_ris, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

SINGLE = {"title_abstract": {"mode": "single"}, "full_text": {"mode": "single"}}
FORM = [
    {"key": "design", "label": "Study design", "type": "choice", "options": ["RCT", "Cohort"]},
    {
        "key": "n_randomised",
        "label": "Participants randomised",
        "type": "integer",
        "required": True,
    },
    {"key": "mean_age", "label": "Mean age", "type": "number"},
]


def _include(server: LiveServer, reviewer: Account, rid: int, record_id: int) -> None:
    for stage in ["title_abstract", "full_text"]:
        if stage == "full_text":
            attach_pdf(server, reviewer, rid, record_id)
        response = server.build.client.post(
            f"/api/v1/reviews/{rid}/records/{record_id}/decisions",
            json={"stage": stage, "decision": "include"},
            headers=reviewer.headers,
        )
        assert response.status_code == 201, response.text


def test_lead_adds_a_field_to_the_form(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/extraction/form")
    page.get_by_role("button", name="Add a field").click()
    page.get_by_label("Field label").last.fill("Mean age")
    page.get_by_label("Field type").last.select_option("number")
    screenshot(page, "extraction-form-builder")
    page.get_by_role("button", name="Save form").click()
    expect(page.get_by_text("Saved as version 1.")).to_be_visible()

    form = build.client.get(f"/api/v1/reviews/{rid}/extraction/form", headers=lead.headers)
    assert [f["key"] for f in form.json()["fields"]] == ["design", "n_randomised", "mean_age"]


def test_extractor_fixes_a_validation_error_and_saves(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, settings=SINGLE)["id"]
    import_ris(live_server, lead, rid, "screening.ris")
    extractor = build.member(lead, rid, "reviewer")
    records = build.client.get(f"/api/v1/reviews/{rid}/records", headers=lead.headers).json()
    _include(live_server, extractor, rid, records["items"][0]["id"])
    response = build.client.put(
        f"/api/v1/reviews/{rid}/extraction/form", json={"fields": FORM}, headers=lead.headers
    )
    assert response.status_code == 200, response.text

    sign_in(page, live_server, extractor, then=f"/reviews/{rid}/extraction")
    study_link = page.get_by_role("link", name=re.compile("^Extract "))  # the study's own link
    expect(study_link).to_be_visible()
    screenshot(page, "extraction-studies")
    study_link.click()
    randomised = page.get_by_label("Participants randomised")
    randomised.fill("12o")
    expect(page.get_by_text("Enter a whole number")).to_be_visible()
    expect(randomised).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Study design").select_option("RCT")
    page.get_by_role("button", name="Save extraction").click()
    expect(page.get_by_text("Fix the 1 field marked in red first.")).to_be_visible()
    screenshot(page, "extraction-form-error")
    randomised.fill("120")
    expect(randomised).to_have_attribute("aria-invalid", "false")
    randomised.press("Enter")
    expect(page.get_by_text("Extraction saved.")).to_be_visible()
    screenshot(page, "extraction-form-saved")

    included = f"/api/v1/reviews/{rid}/studies?status=included"
    studies = build.client.get(included, headers=lead.headers).json()["items"]
    state = build.client.get(
        f"/api/v1/reviews/{rid}/studies/{studies[0]['id']}/extraction", headers=extractor.headers
    ).json()
    assert state["extractors"] == [extractor.id]

    # A second extractor disagrees on one value; the lead settles it in the consensus view.
    second = build.member(lead, rid, "reviewer")
    sid = studies[0]["id"]
    other = {"values": {"design": "RCT", "n_randomised": 118}}
    response = build.client.put(
        f"/api/v1/reviews/{rid}/studies/{sid}/extraction", json=other, headers=second.headers
    )
    assert response.status_code == 200, response.text
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/login")
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/extraction")
    differences = page.get_by_role("region", name="Extractions that differ")
    expect(
        differences.get_by_role("row").filter(has_text="Participants randomised")
    ).to_contain_text("120118")
    screenshot(page, "extraction-conflicts")
    differences.get_by_role("link", name="Record consensus").click()
    page.get_by_label("Study design").select_option("RCT")
    page.get_by_label("Participants randomised").fill("120")
    page.get_by_role("button", name="Record consensus").click()
    expect(page.get_by_text("Consensus recorded.")).to_be_visible()
    final = build.client.get(
        f"/api/v1/reviews/{rid}/studies/{sid}/extraction", headers=lead.headers
    ).json()
    assert (final["state"], final["final"]) == ("consensus", {"design": "RCT", "n_randomised": 120})
