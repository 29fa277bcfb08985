"""axe-core in the page under test: serious and critical violations fail a test.

axe-core (MPL-2.0) is a test-only tool installed from the npm registry by `npm ci` (package.json
pins it; .ci/run runs it); it is loaded from node_modules at test time and never committed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def axe_script() -> str:
    """axe-core's source; CI must have it, a developer without `npm ci` skips these checks."""
    if not AXE_JS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs axe-core at {AXE_JS} (run `npm ci`)")
        pytest.skip("needs axe-core: run `npm ci` in the repository")
    return AXE_JS.read_text(encoding="utf-8")


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical findings on the page as it is now (WCAG 2.1 A and AA rules)."""
    # Evaluated through the driver, not as a <script>: the app's CSP rightly refuses inline ones.
    page.evaluate(f"(() => {{ {axe_script()}\n}})()")
    result: dict[str, Any] = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: "tag", values: [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def assert_accessible(page: Page) -> None:
    found = serious_violations(page)
    assert not found, f"axe-core: serious or critical violations: {found}"
