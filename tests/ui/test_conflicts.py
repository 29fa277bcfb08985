"""Resolving conflicts (issue 17): a full-text exclusion without a reason is refused on the reason
control itself (red, aria-invalid, its message tied by aria-describedby), not on "Why"; at
title/abstract the review's reasons are offered and optional."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


def _api(live_server: LiveServer, who: Any, method: str, path: str, **body: Any) -> Any:
    response = live_server.build.client.request(
        method, f"/api/v1{path}", headers=who.headers, json=body or None
    )
    assert response.status_code < 300, response.text
    return response.json()


def test_the_lead_judges_blinded_conflicts_by_key_and_takes_one_back(
    page: Page, live_server: LiveServer, engine: Engine
) -> None:
    """Blinding is for the screeners: on a blinded review the lead sees each vote with its
    reason and note and every note on the record; i/e resolve the conflict in focus without a
    "why"; the toast's Undo and u put a conflict back; with single keys off, letters do nothing."""
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]  # blinded: the default
    ana = build.member(lead, rid, "reviewer", name="Ana Screener")
    ben = build.member(lead, rid, "reviewer", name="Ben Screener")
    rows = ReviewRows(build.engine, rid)
    source = rows.source("MEDLINE")
    yoga, tai_chi = rows.records(source, "Yoga for back pain", "Tai chi for balance")
    not_a_trial = rows.reason("Not a trial", stage="title_abstract")
    for record_id in (yoga, tai_chi):
        _api(
            live_server,
            ana,
            "POST",
            f"/reviews/{rid}/records/{record_id}/decisions",
            stage="title_abstract",
            decision="include",
            note="Randomised, adults",
        )
        _api(
            live_server,
            ben,
            "POST",
            f"/reviews/{rid}/records/{record_id}/decisions",
            stage="title_abstract",
            decision="exclude",
            reason_id=not_a_trial,
        )
    _api(
        live_server,
        ben,
        "POST",
        f"/reviews/{rid}/records/{yoga}/notes",
        text="Looks like a cohort to me",
    )

    # A screener is not shown the page (nor, by the API, any conflict).
    sign_in(page, live_server, ana, then=f"/reviews/{rid}/conflicts")
    expect(page.get_by_text("Not available for your role")).to_be_visible()
    expect(page.get_by_text("Looks like a cohort")).to_have_count(0)
    page.context.clear_cookies()

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/conflicts")
    yoga_card = page.get_by_role("article").filter(has_text="Yoga for back pain")
    expect(yoga_card.get_by_text("Ana Screener")).to_be_visible()
    expect(yoga_card.get_by_text("Note with the vote: “Randomised, adults”")).to_be_visible()
    expect(yoga_card.get_by_text("Reason: Not a trial")).to_be_visible()
    notes = yoga_card.get_by_role("region", name="Notes on this record")
    expect(notes).to_contain_text("Ben Screener")
    expect(notes).to_contain_text("Looks like a cohort to me")
    expect(page.get_by_text("Blinded")).to_have_count(0)
    screenshot(page, "conflicts-resolver-sees-votes")
    assert_accessible(page)

    # j focuses the first conflict, e excludes it with no "why"; the next one takes the focus.
    page.keyboard.press("j")
    expect(yoga_card).to_be_focused()
    page.keyboard.press("e")
    toast = page.locator("#toasts")
    expect(toast).to_contain_text("Resolved: exclude.")
    tai_chi_card = page.get_by_role("article").filter(has_text="Tai chi for balance")
    expect(tai_chi_card).to_be_focused()
    expect(page.get_by_role("article").filter(has_text="Yoga for back pain")).to_have_count(0)
    # The toast's Undo puts it back among the conflicts.
    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_contain_text("is back among the conflicts")
    expect(page.get_by_role("article").filter(has_text="Yoga for back pain")).to_be_focused()
    # i includes the focused one; u takes that back too.
    page.keyboard.press("i")
    expect(toast).to_contain_text("Resolved: include.")
    expect(page.get_by_role("region", name="Resolved on this page")).to_contain_text(
        "“Yoga for back pain”: included."
    )
    page.keyboard.press("u")
    expect(toast).to_contain_text("is back among the conflicts")
    expect(page.get_by_role("region", name="Resolved on this page")).to_be_hidden()

    # Single keys off: i does nothing; the form still resolves, with no "why".
    page.get_by_label("Single-key shortcuts").uncheck()
    page.get_by_role("article").filter(has_text="Yoga for back pain").focus()
    page.keyboard.press("i")
    expect(page.get_by_role("article")).to_have_count(2)
    card = page.get_by_role("article").filter(has_text="Tai chi for balance")
    card.get_by_label("Include").check()
    card.get_by_role("button", name="Resolve").click()
    expect(toast).to_contain_text("Resolved: include.")
    expect(page.get_by_role("article")).to_have_count(1)

    with engine.connect() as connection:
        stored = connection.execute(
            text(
                "SELECT record_id, vote, reason, withdrawn FROM resolution"
                " WHERE review_id = :r ORDER BY id"
            ),
            {"r": rid},
        ).all()
        audit = connection.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'resolution.undo'")
        ).scalar_one()
    assert [tuple(row) for row in stored] == [
        (yoga, "exclude", "", False),
        (yoga, "exclude", "", True),
        (yoga, "include", "", False),
        (yoga, "include", "", True),
        (tai_chi, "include", "", False),
    ]
    assert audit == 2


def test_a_designated_third_reviewer_judges_what_they_did_not_vote_on(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    ana, ben, cleo = (build.user(name=n) for n in ("Ana Screener", "Ben Screener", "Cleo Third"))
    for who in (ana, ben, cleo):
        _api(live_server, lead, "PUT", f"/reviews/{rid}/members/{who.id}", role="reviewer")
    rows = ReviewRows(build.engine, rid)
    yoga, tai_chi = rows.records(
        rows.source("MEDLINE"), "Yoga for back pain", "Tai chi for balance"
    )
    for record_id, (first, second) in ((yoga, (ana, ben)), (tai_chi, (ana, cleo))):
        for who, vote in ((first, "include"), (second, "exclude")):
            _api(
                live_server,
                who,
                "POST",
                f"/reviews/{rid}/records/{record_id}/decisions",
                stage="title_abstract",
                decision=vote,
            )
    _api(live_server, lead, "PATCH", f"/reviews/{rid}", settings={"resolvers": [cleo.id]})

    sign_in(page, live_server, cleo, then=f"/reviews/{rid}")
    page.get_by_role("navigation").get_by_role("link", name="Conflicts").click()
    # Cleo voted on tai chi: only yoga is hers to judge, with both votes shown.
    expect(page.get_by_role("article")).to_have_count(1)
    card = page.get_by_role("article").filter(has_text="Yoga for back pain")
    expect(card.get_by_text("Ana Screener")).to_be_visible()
    expect(card.get_by_text("Ben Screener")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("i")
    expect(page.get_by_text("No conflicts")).to_be_visible()
    page.keyboard.press("u")  # she may take back what she resolved
    expect(page.get_by_role("article").filter(has_text="Yoga for back pain")).to_be_visible()
    page.context.clear_cookies()

    # Ben is not a resolver: no Conflicts section, and the page is not for him.
    sign_in(page, live_server, ben, then=f"/reviews/{rid}")
    expect(page.get_by_role("navigation").get_by_role("link", name="Screen")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Conflicts")).to_have_count(0)
