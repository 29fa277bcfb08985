"""Resolving conflicts (issue 17): a full-text exclusion without a reason is refused on the reason
control itself (red, aria-invalid, its message tied by aria-describedby), not on "Why"; at
title/abstract the review's reasons are offered and optional."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, text

from tests.api.builders import ReviewRows
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

UNBLINDED = {"title_abstract": {"blinding": False}, "full_text": {"blinding": False}}
EXCLUDE_RED = "rgb(180, 37, 37)"  # --exclude in app.css


def test_a_missing_reason_is_marked_on_the_reason_control(
    page: Page, live_server: LiveServer, engine: Engine
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, settings=UNBLINDED)["id"]
    first = build.member(lead, rid, "reviewer")
    second = build.member(lead, rid, "reviewer")
    rows = ReviewRows(build.engine, rid)
    source = rows.source("MEDLINE")
    at_full_text, at_titles = rows.records(source, "Yoga for back pain", "Tai chi for balance")
    wrong_design = rows.reason("Wrong study design")
    not_a_trial = rows.reason("Not a trial", stage="title_abstract")
    rows.resolve(at_full_text, lead.id, "include")
    rows.full_text(at_full_text)
    rows.vote(at_full_text, first.id, "include", stage="full_text")
    rows.vote(at_full_text, second.id, "exclude", stage="full_text", reason_id=wrong_design)
    rows.vote(at_titles, first.id, "include")
    rows.vote(at_titles, second.id, "exclude", reason_id=not_a_trial)

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/conflicts?stage=full_text")
    conflict = page.get_by_role("article").filter(has_text="Yoga for back pain")
    conflict.get_by_label("Exclude").check()
    why = conflict.get_by_label("Why")
    why.fill("Not randomised after all: a cohort.")
    reason = conflict.get_by_label("Exclusion reason")
    conflict.get_by_role("button", name="Resolve").click()

    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    message = "Choose the exclusion reason: a full-text exclusion needs one."
    error = conflict.get_by_text(message)
    expect(error).to_be_visible()
    error_id = error.get_attribute("id") or ""
    assert error_id in (reason.get_attribute("aria-describedby") or "").split()
    assert reason.evaluate("el => getComputedStyle(el).borderTopColor") == EXCLUDE_RED
    expect(why).not_to_have_attribute("aria-invalid", "true")
    assert why.evaluate("el => getComputedStyle(el).borderTopColor") != EXCLUDE_RED
    screenshot(page, "conflicts-full-text-reason-missing")
    assert_accessible(page)

    reason.select_option(label="Wrong study design")
    conflict.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("No conflicts")).to_be_visible()

    # Title/abstract: the review's reasons are offered, and a resolution may go without one.
    page.goto(f"{live_server.url}/reviews/{rid}/conflicts?stage=title_abstract")
    conflict = page.get_by_role("article").filter(has_text="Tai chi for balance")
    expect(
        conflict.get_by_text("Optional; used when the final decision is exclude.")
    ).to_be_visible()
    expect(conflict.get_by_label("Exclusion reason").locator("option")).to_have_text(
        ["—", "Not a trial"]
    )
    conflict.get_by_label("Exclude").check()
    conflict.get_by_label("Why").fill("A narrative review, no trial.")
    conflict.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("No conflicts")).to_be_visible()

    with engine.connect() as connection:
        resolutions = connection.execute(
            text("SELECT record_id, stage, vote, reason_id FROM resolution WHERE review_id = :r"),
            {"r": rid},
        ).all()
    assert sorted(tuple(row) for row in resolutions) == sorted(
        [
            (at_full_text, "title_abstract", "include", None),  # set up above
            (at_full_text, "full_text", "exclude", wrong_design),
            (at_titles, "title_abstract", "exclude", None),
        ]
    )
