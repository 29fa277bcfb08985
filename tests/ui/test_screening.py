"""A reviewer screens with the keyboard alone; the votes are then in the API."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from tests.ui.conftest import LiveServer, import_ris, record_timings, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

KEYWORDS = {"include": ["low back pain", "randomised"], "exclude": ["children", "cohort"]}


def test_reviewer_screens_records_with_the_keyboard(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    review = build.review(lead, settings={"keywords": KEYWORDS})
    rid = review["id"]
    import_ris(live_server, lead, rid, "screening.ris")
    reviewer = build.member(lead, rid, "reviewer")

    sign_in(page, live_server, reviewer, then=f"/reviews/{rid}/screen/title_abstract")
    record = page.locator("article.record")
    expect(record).to_be_visible()
    expect(record.locator("mark.kw-include").first).to_be_visible()
    screenshot(page, "screen-title-abstract")

    seen: list[str] = []
    timings: list[float] = []
    for key in ["i", "e", "m"]:
        before = record.get_attribute("data-record-id") or ""
        seen.append(before)
        started = time.perf_counter()
        page.keyboard.press(key)
        expect(record).not_to_have_attribute("data-record-id", before)
        timings.append(time.perf_counter() - started)
    expect(page.get_by_text("3 done · 2 to go")).to_be_visible()

    page.keyboard.press("u")  # back to the third record, with the vote shown
    expect(record).to_have_attribute("data-record-id", seen[2])
    expect(page.get_by_text("You voted maybe on this record")).to_be_visible()
    page.keyboard.press("e")
    expect(record).not_to_have_attribute("data-record-id", seen[2])

    noted = record.get_attribute("data-record-id") or ""
    page.keyboard.press("n")
    page.keyboard.type("Check the trial registry entry.")
    page.keyboard.press("Tab")  # Cancel
    page.keyboard.press("Tab")  # Save note
    page.keyboard.press("Enter")
    expect(page.get_by_text("Note saved.")).to_be_visible()
    notes = build.client.get(
        f"/api/v1/reviews/{rid}/records/{noted}/notes", headers=reviewer.headers
    ).json()
    assert [note["text"] for note in notes] == ["Check the trial registry entry."]

    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    screenshot(page, "screen-keymap")
    page.keyboard.press("Escape")

    votes = {
        record_id: build.client.get(
            f"/api/v1/reviews/{rid}/records/{record_id}/decisions", headers=reviewer.headers
        ).json()
        for record_id in seen
    }
    assert [votes[r][0]["decision"] for r in seen] == ["include", "exclude", "exclude"]
    assert votes[seen[2]][0]["supersedes_id"] is not None  # the undone maybe was superseded
    record_timings("screening-key-to-next-record", timings)
