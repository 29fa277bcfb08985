"""Small things a team notices: the stopping estimate in plain words, decimal commas."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.api.builders import ReviewRows
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, import_ris, screenshot, sign_in
from tests.ui.test_extraction import FORM, SINGLE
from tests.ui.test_extraction import _include as include_through_both_stages

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_the_stopping_estimate_says_how_many_may_remain(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    rows = ReviewRows(build.engine, rid)
    source = rows.source("MEDLINE")
    records = rows.records(source, *[f"Trial number {i}" for i in range(60)])
    for record_id in records[:30]:
        rows.vote(record_id, lead.id, "exclude")
    progress = build.client.get(f"/api/v1/reviews/{rid}/progress", headers=lead.headers).json()
    stopping = progress["title_abstract"]["stopping"]
    assert stopping["point"] is not None

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/agreement")
    estimate = page.locator(".stopping-estimate")
    expected = re.compile(
        rf"^(At most|Between \d+ and) {stopping['upper']} relevant records? may remain unscreened "
        rf"\({round(100 * stopping['confidence'])}% confidence\); best guess \d+\."
    )
    expect(estimate).to_have_text(expected)
    screenshot(page, "agreement-stopping")
    assert_accessible(page)


def test_a_number_field_takes_a_decimal_comma(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, settings=SINGLE)["id"]
    import_ris(live_server, lead, rid, "screening.ris")
    extractor = build.member(lead, rid, "reviewer")
    records = build.client.get(f"/api/v1/reviews/{rid}/records", headers=lead.headers).json()
    include_through_both_stages(live_server, extractor, rid, records["items"][0]["id"])
    form = build.client.put(
        f"/api/v1/reviews/{rid}/extraction/form", json={"fields": FORM}, headers=lead.headers
    )
    assert form.status_code == 200, form.text
    studies = build.client.get(
        f"/api/v1/reviews/{rid}/studies?status=included", headers=lead.headers
    ).json()["items"]
    sid = studies[0]["id"]

    sign_in(page, live_server, extractor, then=f"/reviews/{rid}/studies/{sid}/extraction")
    age = page.get_by_label("Mean age")
    age.fill("1.234,5")  # a thousands point and a decimal comma: not guessed at
    expect(page.get_by_text("Enter a number, e.g. 12.5 or 12,5.")).to_be_visible()
    age.fill("64,5")
    expect(age).to_have_attribute("aria-invalid", "false")
    page.get_by_label("Participants randomised").fill("120")
    page.get_by_role("button", name="Save extraction").click()
    expect(page.get_by_text("Extraction saved.")).to_be_visible()
    state = build.client.get(
        f"/api/v1/reviews/{rid}/studies/{sid}/extraction", headers=extractor.headers
    ).json()
    assert state["mine"]["values"] == {"n_randomised": 120, "mean_age": 64.5}
