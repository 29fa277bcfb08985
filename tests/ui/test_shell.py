"""Signing in, the home page and the review pages for leads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_sign_in_with_the_keyboard_shows_the_reviews(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Ada Lead")
    build.review(lead, title="Exercise for chronic low back pain", description="Adults, RCTs.")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login")
    screenshot(page, "login")
    sign_in(page, live_server, lead)
    expect(page.get_by_role("link", name="Exercise for chronic low back pain")).to_be_visible()
    screenshot(page, "home")
