"""Toasts do not stack (issue 17): the page has one live region for short messages, and a new
message replaces the one before it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, screenshot
from tests.ui.test_screening_keys import _screen_titles

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

NOTIFY = """async ([message, kind]) => {
    const app = document.querySelector('script[type="module"]').src;
    const { notify } = await import(app.replace(/app\\.js$/, "dom.js"));
    notify(message, kind);
}"""


def test_a_new_message_replaces_the_last(page: Page, live_server: LiveServer) -> None:
    _screen_titles(page, live_server)
    toasts = page.locator("#toasts")
    expect(toasts).to_have_attribute("role", "status")

    # Two notes saved one after the other: one "Note saved.", not two.
    for text in ("Check the registry.", "And the protocol."):
        page.keyboard.press("n")
        page.get_by_label("Note", exact=True).fill(text)
        page.get_by_role("button", name="Save note").click()
        expect(page.get_by_role("dialog", name="Note on this record")).to_be_hidden()
        expect(toasts.locator(".toast")).to_have_text(["Note saved."])

    # Messages of any kind, in a burst: only the last one shows.
    page.evaluate(NOTIFY, ["Pair merged.", "info"])
    page.evaluate(NOTIFY, ["The server refused the merge.", "error"])
    expect(toasts.locator(".toast")).to_have_text(["The server refused the merge."])
    expect(toasts.locator(".toast")).to_have_class("toast toast-error")
    screenshot(page, "toast-replaced")
    assert_accessible(page)
    expect(toasts.locator(".toast")).to_have_count(0, timeout=15_000)  # and it goes away
