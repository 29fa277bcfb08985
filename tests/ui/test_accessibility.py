"""The axe-core check itself: it finds what it must (so a clean page means something)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.ui.accessibility import serious_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]


def test_axe_reports_a_nameless_button_and_a_clean_page_passes(page: Page) -> None:
    page.set_content('<html lang="en"><title>t</title><main><button></button></main></html>')
    assert [v["id"] for v in serious_violations(page)] == ["button-name"]
    page.set_content('<html lang="en"><title>t</title><main><button>Save</button></main></html>')
    assert serious_violations(page) == []
