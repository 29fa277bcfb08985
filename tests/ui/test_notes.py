"""Notes are no longer write-only (issue 17): a note saved with `n` shows on the screening card at
once for its writer, for another screener once blinding allows, for the resolver on the
conflicts page, and in the decision log's note column."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.api.builders import ReviewRows
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def _write_note(page: Page, text: str) -> None:
    page.keyboard.press("n")
    dialog = page.get_by_role("dialog", name="Note on this record")
    dialog.get_by_label("Note").fill(text)
    dialog.get_by_role("button", name="Save note").click()
    expect(dialog).to_be_hidden()


def test_a_note_shows_where_blinding_allows_and_reaches_the_decision_log(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]  # dual, blinded
    ana = build.member(lead, rid, "reviewer", name="Ana Screener")
    ben = build.member(lead, rid, "reviewer", name="Ben Screener")
    rows = ReviewRows(build.engine, rid)
    [record_id] = rows.records(rows.source("MEDLINE"), "Yoga for back pain")

    # Ana writes a note with n: it is on the card at once, and after a reload.
    sign_in(page, live_server, ana, then=f"/reviews/{rid}/screen/title_abstract")
    expect(page.locator("article.record")).to_have_attribute("data-record-id", str(record_id))
    notes = page.get_by_role("region", name="Notes")
    expect(notes).to_be_hidden()
    _write_note(page, "Adults only? Check the methods.")
    expect(notes).to_contain_text("You")
    expect(notes).to_contain_text("Adults only? Check the methods.")
    page.reload()
    expect(notes).to_contain_text("Adults only? Check the methods.")
    screenshot(page, "screen-note-on-card")
    assert_accessible(page)
    page.keyboard.press("i")
    expect(page.get_by_text("Nothing left for you at this stage")).to_be_visible()
    page.context.clear_cookies()

    # Ben, blinded, does not see it while the record is open; once settled, he does.
    sign_in(page, live_server, ben, then=f"/reviews/{rid}/screen/title_abstract")
    expect(page.locator("article.record")).to_have_attribute("data-record-id", str(record_id))
    expect(page.locator("article.record")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Adults only?")).to_have_count(0)
    page.keyboard.press("i")
    expect(page.get_by_text("Nothing left for you at this stage")).to_be_visible()
    page.keyboard.press("d")
    dialog = page.get_by_role("dialog", name="My decisions at this stage")
    dialog.get_by_role("button", name="Revise “Yoga for back pain”").click()
    expect(notes).to_contain_text("Ana Screener")
    expect(notes).to_contain_text("Adults only? Check the methods.")
    page.context.clear_cookies()

    # The decision log (from the Exports page) carries it in Ana's row.
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/exports")
    card = page.get_by_role("form", name="Decision log")
    card.get_by_label("Format").select_option("csv")
    with page.expect_download() as download_info:
        card.get_by_role("button", name="Download").click()
    target = tmp_path / "decisions.csv"
    download_info.value.save_as(target)
    log = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    by_voter = {row["reviewer_email"]: row["note"] for row in log}
    assert by_voter == {ana.email: "Adults only? Check the methods.", ben.email: ""}
