"""Screening by keyboard, issue 17: keys after a click in the PDF, the reason list in view after
`e`, single-key shortcuts that a reviewer can turn off (WCAG 2.1.4), a live region that says the
vote and the next title, and keyword highlighting by word form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.api.builders import Account
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, attach_pdf, import_ris, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

SINGLE = {"title_abstract": {"mode": "single"}, "full_text": {"mode": "single"}}


def _full_text_review(server: LiveServer) -> tuple[Account, int]:
    """A lead alone (single screening) with every record of screening.ris at full text."""
    build = server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, settings=SINGLE)["id"]
    import_ris(server, lead, rid, "screening.ris")
    records = build.client.get(f"/api/v1/reviews/{rid}/records", headers=lead.headers).json()
    for record in records["items"]:
        response = build.client.post(
            f"/api/v1/reviews/{rid}/records/{record['id']}/decisions",
            json={"stage": "title_abstract", "decision": "include"},
            headers=lead.headers,
        )
        assert response.status_code == 201, response.text
        attach_pdf(server, lead, rid, record["id"])
    return lead, rid


def _votes(server: LiveServer, who: Account, rid: int, stage: str) -> list[dict[str, Any]]:
    """Who's current votes at a stage, record by record (in the order of the records list)."""
    client = server.build.client
    records = client.get(f"/api/v1/reviews/{rid}/records", headers=who.headers).json()["items"]
    votes: list[dict[str, Any]] = []
    for record in records:
        response = client.get(
            f"/api/v1/reviews/{rid}/records/{record['id']}/decisions?stage={stage}",
            headers=who.headers,
        )
        assert response.status_code == 200, response.text
        votes.extend(v for v in response.json() if v["reviewer_id"] == who.id)
    return votes


def _screen_titles(
    page: Page, server: LiveServer, keywords: dict[str, list[str]] | None = None
) -> tuple[Account, int]:
    """A lead alone (single screening) on the title/abstract page of screening.ris."""
    build = server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, settings={**SINGLE, "keywords": keywords or {}})["id"]
    import_ris(server, lead, rid, "screening.ris")
    sign_in(page, server, lead, then=f"/reviews/{rid}/screen/title_abstract")
    expect(page.locator("article.record")).to_be_visible()
    return lead, rid


def test_keys_work_after_a_click_in_the_pdf(page: Page, live_server: LiveServer) -> None:
    lead, rid = _full_text_review(live_server)
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/screen/full_text")
    record = page.locator("article.record")
    first = record.get_attribute("data-record-id") or ""
    viewer = page.locator("iframe.pdf")
    _wait_for_pdf_viewer(page)

    box = viewer.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # The click gave the keyboard to the viewer's document; the page takes it back.
    page.wait_for_function("() => document.activeElement?.classList.contains('pdf-slot')")
    page.keyboard.press("i")
    expect(record).not_to_have_attribute("data-record-id", first)
    [vote] = _votes(live_server, lead, rid, "full_text")
    assert (vote["record_id"], vote["decision"]) == (int(first), "include")

    # A Tab into the PDF is the keyboard user's choice: it stays there, and the bar says so.
    second = record.get_attribute("data-record-id") or ""
    expect(page.get_by_title(f"Full text of record {second}")).to_be_visible()
    _wait_for_pdf_viewer(page)
    page.get_by_role("link", name="Open in a new tab").focus()
    page.keyboard.press("Tab")
    hint = page.get_by_text("keys now go to the PDF")
    expect(hint).to_be_visible()
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    screenshot(page, "screen-full-text-keys-in-pdf")
    page.locator("#record-title").click()  # back on the record, the keys vote again
    expect(hint).to_be_hidden()
    page.keyboard.press("m")
    expect(record).not_to_have_attribute("data-record-id", second)


def _wait_for_pdf_viewer(page: Page) -> None:
    """Until Chromium's PDF viewer (a frame of its own extension) has loaded the PDF on the page;
    before that a click or a Tab may pass it by."""
    src = page.locator("iframe.pdf").get_attribute("src")

    def is_viewer(frame: Any) -> bool:
        parent = frame.parent_frame
        return str(frame.url).startswith("chrome-extension://") and parent and parent.url == src

    # The sync API handles the driver's events only inside its calls: no frame slips between.
    viewer = next((frame for frame in page.frames if is_viewer(frame)), None)
    if viewer is None:
        viewer = page.wait_for_event("framenavigated", predicate=is_viewer)
    # The viewer's toolbar knows the page count once the document is in (Chromium's own markup).
    viewer.wait_for_function(
        """() => document.querySelector("pdf-viewer")?.shadowRoot
            ?.querySelector("viewer-toolbar")?.docLength > 0"""
    )


def test_the_reason_list_comes_into_view_and_takes_the_keyboard_after_e(
    page: Page, live_server: LiveServer
) -> None:
    lead, rid = _full_text_review(live_server)
    page.set_viewport_size({"width": 1366, "height": 600})  # the reasons start below the fold
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/screen/full_text")
    record = page.locator("article.record")
    first = record.get_attribute("data-record-id") or ""
    reasons = page.get_by_role("region", name="Reason for exclusion")
    assert not _in_view(page, ".reasons-card")

    page.keyboard.press("e")
    expect(page.get_by_role("button", name="Wrong population", exact=True)).to_be_focused()
    assert _in_view(page, ".reasons-card")
    expect(reasons.get_by_role("list")).to_have_class("reasons wanted")
    screenshot(page, "screen-full-text-reasons-wanted")
    assert_accessible(page)

    page.keyboard.press("3")
    expect(record).not_to_have_attribute("data-record-id", first)
    # The next record is read from its top, and the keyboard left the old record's reasons.
    assert _in_view(page, "#record-title")
    expect(page.get_by_role("button", name="Wrong population", exact=True)).not_to_be_focused()
    [vote] = _votes(live_server, lead, rid, "full_text")
    reason_ids = {
        r["label"]: r["id"]
        for r in live_server.build.client.get(
            f"/api/v1/reviews/{rid}/exclusion-reasons", headers=lead.headers
        ).json()
        if r["stage"] == "full_text"
    }
    assert (vote["record_id"], vote["decision"], vote["reason_id"]) == (
        int(first),
        "exclude",
        reason_ids["Wrong comparator"],
    )


def _in_view(page: Page, selector: str) -> bool:
    """Whether the element is wholly on screen and not under the sticky vote bar."""
    inside: bool = page.evaluate(
        """selector => {
            const box = document.querySelector(selector).getBoundingClientRect();
            const bar = document.querySelector(".screen-toolbar").getBoundingClientRect();
            return box.top >= bar.bottom && box.bottom <= window.innerHeight;
        }""",
        selector,
    )
    return inside


def test_single_key_shortcuts_can_be_turned_off_and_stay_off(
    page: Page, live_server: LiveServer
) -> None:
    lead, rid = _screen_titles(page, live_server)
    record = page.locator("article.record")
    first = record.get_attribute("data-record-id") or ""
    switch = page.get_by_role("checkbox", name="Single-key shortcuts")
    expect(switch).to_be_checked()
    include = page.get_by_role("button", name="Include")
    expect(include).to_have_attribute("aria-keyshortcuts", "i")

    switch.uncheck()
    expect(include).not_to_have_attribute("aria-keyshortcuts", "i")
    expect(include.locator("kbd")).to_be_hidden()
    screenshot(page, "screen-shortcuts-off")
    assert_accessible(page)
    page.reload()  # kept for this person on this browser
    expect(switch).not_to_be_checked()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("i")  # a stray letter does nothing now...
    page.keyboard.press("?")
    page.get_by_role("button", name="Maybe").click()  # ...while the buttons still vote
    expect(record).not_to_have_attribute("data-record-id", first)
    expect(page.get_by_text("1 done · 4 to go")).to_be_visible()
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()
    votes = _votes(live_server, lead, rid, "title_abstract")
    assert [(v["record_id"], v["decision"]) for v in votes] == [(int(first), "maybe")]

    second = record.get_attribute("data-record-id") or ""
    switch.check()  # the letter right after works, though the switch has the focus
    expect(switch).to_be_focused()
    page.keyboard.press("e")
    expect(record).not_to_have_attribute("data-record-id", second)
    assert page.evaluate("localStorage.length") == 1


def test_the_live_region_says_the_vote_and_the_next_title(
    page: Page, live_server: LiveServer
) -> None:
    _screen_titles(page, live_server)
    record = page.locator("article.record")
    title = page.locator("#record-title")
    first_title = title.inner_text()
    announcer = page.locator("[data-announcer]")
    expect(announcer).to_have_attribute("role", "status")
    # The record itself is not a live region: its abstract is read only when asked for.
    assert record.evaluate("el => el.closest('[aria-live]')") is None

    first = record.get_attribute("data-record-id") or ""
    page.keyboard.press("i")
    expect(record).not_to_have_attribute("data-record-id", first)
    next_title = title.inner_text()
    expect(announcer).to_have_text(f"Included. Next: {next_title}")

    page.keyboard.press("u")
    expect(announcer).to_have_text(f"Back to {first_title}. You voted include.")


WORD_FORMS = [
    # keyword, text, the words it marks
    (
        "child",
        "Child and children in childhood; not chill or schoolchildren.",
        ["Child", "children", "childhood"],
    ),
    ("children", "children, not child", ["children"]),
    (
        "study",
        "This study, two studies, studied, studying; not a student.",
        ["study", "studies", "studied", "studying"],
    ),
    ("therapy", "therapies and therapist", ["therapies", "therapist"]),
    (
        "randomised",
        "Randomized, randomisation and randomised; not random.",
        ["Randomized", "randomisation", "randomised"],
    ),
    ("exercise", "exercises, exercising, exercized", ["exercises", "exercising", "exercized"]),
    ("pain", "pains, not paint", ["pains"]),
    ("adults", "adult adulthood", ["adult", "adulthood"]),
    ("analysis", "analysis and analyst", ["analysis"]),
    ("low back pain", "Low-back pains and low  back pain", ["Low-back pains", "low  back pain"]),
    ("paediatric", "pediatric and paediatrics", ["pediatric", "paediatrics"]),
    ("oedema", "edema", ["edema"]),
    ('"child"', "child, children", ["child"]),
    ("random*", "randomly random", ["randomly", "random"]),
]


SPANS_IN_PAGE = """async ([include, exclude, text]) => {
    const app = document.querySelector('script[type="module"]').src;
    const words = await import(app.replace(/app\\.js$/, "keywords.js"));
    return words.findSpans(words.keywordMatcher(include, exclude), "", text);
}"""


def _marked(page: Page, include: list[str], exclude: list[str], text: str) -> list[str]:
    """The words of *text* the page's keyword rule marks."""
    spans = page.evaluate(SPANS_IN_PAGE, [include, exclude, text])
    return [text[span["start"] : span["end"]] for span in spans]


def test_keywords_match_their_word_forms(page: Page, live_server: LiveServer) -> None:
    keywords = {"include": ["low back pain", "randomised controlled trial"], "exclude": ["child"]}
    _screen_titles(page, live_server, keywords=keywords)

    # The rule itself, run in the page on hand-made text (the module the screening page uses).
    found = [_marked(page, [keyword], [], text) for keyword, text, _ in WORD_FORMS]
    assert found == [marks for _, _, marks in WORD_FORMS]
    # Nested matches: the longer wins, whatever its kind.
    assert _marked(page, ["low back pain"], ["pain"], "Low back pain") == ["Low back pain"]

    # And on the page: "child" marks the children of a record's title and abstract.
    while "children" not in (page.locator("#record-title").inner_text()):
        current = page.locator("article.record").get_attribute("data-record-id") or ""
        page.keyboard.press("m")
        expect(page.locator("article.record")).not_to_have_attribute("data-record-id", current)
    marks = page.locator("article.record mark.kw-exclude")
    expect(marks.first).to_have_text("children")
    assert {m.lower() for m in marks.all_inner_texts()} == {"children"}
    screenshot(page, "screen-keyword-word-forms")
