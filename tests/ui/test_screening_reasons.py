"""Title/abstract exclusion reasons (issue 17): a lead sets one up in Settings and the screening
page offers the stage's reasons on exclude, by number key or by click, and lets a reviewer
exclude without one; a review without them excludes at once, as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, import_ris, screenshot, sign_in
from tests.ui.test_screening_keys import SINGLE, _votes

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_title_abstract_reasons_are_offered_on_exclude(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, settings=SINGLE)["id"]
    import_ris(live_server, lead, rid, "screening.ris")

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/settings")
    for label in ("Not a trial", "Wrong age group"):
        page.get_by_label("New reason").fill(label)
        page.get_by_label("Stage", exact=True).select_option("title_abstract")
        page.get_by_role("button", name="Add reason").click()
        expect(page.get_by_role("cell", name=label, exact=True)).to_be_visible()
    reasons = {
        r["label"]: r["id"]
        for r in build.client.get(
            f"/api/v1/reviews/{rid}/exclusion-reasons", headers=lead.headers
        ).json()
        if r["stage"] == "title_abstract"
    }
    assert set(reasons) == {"Not a trial", "Wrong age group"}

    page.goto(f"{live_server.url}/reviews/{rid}/screen/title_abstract")
    record = page.locator("article.record")
    card = page.get_by_role("region", name="Reason for exclusion (optional)")
    expect(card.get_by_role("button")).to_have_text(["1Not a trial", "2Wrong age group"])
    voted: list[tuple[str, str | None]] = []

    def screened(reason: str | None, *keys: str) -> None:
        before = record.get_attribute("data-record-id") or ""
        for key in keys:
            page.keyboard.press(key)
        expect(record).not_to_have_attribute("data-record-id", before)
        voted.append((before, reason))

    # e, then a number: the reason is asked for, in view and focused, and the number excludes.
    first = record.get_attribute("data-record-id") or ""
    page.keyboard.press("e")
    expect(card.get_by_text("Pick a reason for exclusion with its number key")).to_be_visible()
    expect(card.get_by_role("button", name="Not a trial", exact=True)).to_be_focused()
    screenshot(page, "screen-title-abstract-reasons")
    assert_accessible(page)
    screened("Wrong age group", "2")
    assert voted[0][0] == first

    # A number first, then e.
    expect(card.get_by_role("button", name="Not a trial", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    page.keyboard.press("1")
    expect(card.get_by_role("button", name="Not a trial", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    screened("Not a trial", "e")

    # e twice: excluded without a reason.
    screened(None, "e", "e")

    # By mouse: Exclude, then "Exclude without a reason".
    before = record.get_attribute("data-record-id") or ""
    page.get_by_role("button", name="Exclude", exact=True).click()
    card.get_by_role("button", name="Exclude without a reason").click()
    expect(record).not_to_have_attribute("data-record-id", before)
    voted.append((before, None))

    for record_id, reason in voted:
        [vote] = build.client.get(
            f"/api/v1/reviews/{rid}/records/{record_id}/decisions", headers=lead.headers
        ).json()
        assert (vote["decision"], vote["reason_id"]) == (
            "exclude",
            reasons[reason] if reason else None,
        ), record_id
    assert len(_votes(live_server, lead, rid, "title_abstract")) == 4


def test_without_title_abstract_reasons_e_excludes_at_once(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, settings=SINGLE)["id"]  # new reviews have full-text reasons only
    import_ris(live_server, lead, rid, "screening.ris")
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/screen/title_abstract")
    record = page.locator("article.record")
    first = record.get_attribute("data-record-id") or ""
    expect(page.get_by_role("region", name="Reason for exclusion (optional)")).to_have_count(0)
    page.keyboard.press("e")
    expect(record).not_to_have_attribute("data-record-id", first)
    [vote] = _votes(live_server, lead, rid, "title_abstract")
    assert (vote["record_id"], vote["decision"], vote["reason_id"]) == (int(first), "exclude", None)
