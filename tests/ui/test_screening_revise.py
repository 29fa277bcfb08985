"""Screening, issue 17: "record n of N", a list of my decisions to reopen and revise, undo that
survives a reload, and a warning when another tab changed my vote."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.api.builders import Account, ReviewRows
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, import_ris, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

SINGLE = {"title_abstract": {"mode": "single"}, "full_text": {"mode": "single"}}


def _my_votes(server: LiveServer, who: Account, rid: int) -> dict[int, str]:
    response = server.build.client.get(
        f"/api/v1/reviews/{rid}/my-decisions?stage=title_abstract", headers=who.headers
    )
    assert response.status_code == 200, response.text
    return {v["record_id"]: v["decision"] for v in response.json()["items"]}


def _on_screen(page: Page) -> tuple[int, str]:
    record = page.locator("article.record")
    return int(record.get_attribute("data-record-id") or 0), record.locator("h2").inner_text()


def test_position_my_decisions_and_undo_after_a_reload(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, settings=SINGLE)["id"]
    import_ris(live_server, lead, rid, "screening.ris")  # five records
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/screen/title_abstract")
    position = page.locator(".record-position")
    expect(position).to_have_text("Record 1 of 5")
    first, first_title = _on_screen(page)
    page.keyboard.press("i")
    expect(position).to_have_text("Record 2 of 5")
    second, second_title = _on_screen(page)
    assert second != first
    page.keyboard.press("e")  # no title/abstract reasons here: excluded at once
    expect(position).to_have_text("Record 3 of 5")
    third, _ = _on_screen(page)

    # My decisions, newest first; reopen the first and change it to maybe.
    page.keyboard.press("d")
    dialog = page.get_by_role("dialog", name="My decisions at this stage")
    expect(dialog.get_by_text("1\u20132 of 2, newest first.")).to_be_visible()
    expect(dialog.locator("li")).to_have_count(2)
    expect(dialog.locator("li").nth(0)).to_contain_text(second_title)
    expect(dialog.locator("li").nth(0)).to_contain_text("exclude")
    expect(dialog.locator("li").nth(1)).to_contain_text("include")
    screenshot(page, "screen-my-decisions")
    assert_accessible(page)
    dialog.get_by_role("button", name=f"Revise “{first_title}”").click()
    expect(page.locator("article.record")).to_have_attribute("data-record-id", str(first))
    expect(position).to_have_text("Revising an earlier vote")
    expect(page.get_by_text("You voted include on this record.")).to_be_visible()
    page.keyboard.press("m")
    # Back to the record that was waiting, still third of five: a revision is not progress.
    expect(page.locator("article.record")).to_have_attribute("data-record-id", str(third))
    expect(position).to_have_text("Record 3 of 5")
    assert _my_votes(live_server, lead, rid) == {first: "maybe", second: "exclude"}

    # A reload keeps the last vote: u goes back to it. (The record served after the reload may
    # be another one still held for this reviewer: the ranker reorders as votes come in.)
    page.reload()
    resume = page.locator(".resume-line")
    expect(resume).to_contain_text(f"Your last vote here: Maybe, “{first_title}”.")
    expect(resume.get_by_role("button", name="Undo")).to_be_visible()
    waiting, _ = _on_screen(page)
    assert waiting not in (first, second)
    page.keyboard.press("u")
    expect(page.locator("article.record")).to_have_attribute("data-record-id", str(first))
    expect(page.get_by_text("You voted maybe on this record.")).to_be_visible()
    expect(resume).to_be_hidden()
    page.keyboard.press("e")
    expect(page.locator("article.record")).to_have_attribute("data-record-id", str(waiting))
    # The one before it is still there after another reload.
    page.reload()
    expect(resume).to_contain_text(f"Your last vote here: Excluded, “{first_title}”.")
    page.keyboard.press("u")
    page.keyboard.press("u")
    expect(page.locator("article.record")).to_have_attribute("data-record-id", str(second))
    assert _my_votes(live_server, lead, rid) == {first: "exclude", second: "exclude"}


def test_a_vote_changed_in_another_tab_is_said_in_both(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, settings=SINGLE)["id"]
    rows = ReviewRows(build.engine, rid)
    [record_id] = rows.records(rows.source("MEDLINE"), "Yoga for back pain")
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/screen/title_abstract")
    other: Any = page.context.new_page()
    other.goto(f"{live_server.url}/reviews/{rid}/screen/title_abstract")
    for tab in (page, other):
        expect(tab.locator("article.record")).to_have_attribute("data-record-id", str(record_id))

    page.keyboard.press("i")
    expect(page.get_by_text("Nothing left for you at this stage")).to_be_visible()
    warning = other.get_by_role("alert").filter(has_text="another tab")
    expect(warning).to_have_text(
        "Your vote on “Yoga for back pain” was changed in another tab: it is now include."
    )
    # The other tab still shows it as new; its vote replaces the first, and both tabs say so.
    other.keyboard.press("e")
    expect(other.get_by_role("alert").filter(has_text="already voted")).to_have_text(
        "You had already voted on “Yoga for back pain” in another tab or window;"
        " your vote is now exclude."
    )
    expect(page.get_by_role("alert").filter(has_text="another tab")).to_have_text(
        "Your vote on “Yoga for back pain” was changed in another tab: it is now exclude."
    )
    screenshot(other, "screen-vote-changed-in-another-tab")
    assert_accessible(other)
    # Undo in the first tab knows the vote as it is now.
    page.keyboard.press("u")
    expect(page.get_by_text("You voted exclude on this record.")).to_be_visible()
    assert _my_votes(live_server, lead, rid) == {record_id: "exclude"}
    # Progress counted the record once.
    expect(other.get_by_text("1 done · 0 to go")).to_be_visible()
