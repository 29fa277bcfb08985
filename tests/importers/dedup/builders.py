"""Hand-made reference builders for the dedup tests (no labelled data is used)."""

from __future__ import annotations

from typing import Any

from importers.model import Reference, ReferenceType

ARTICLE: dict[str, Any] = {
    "title": "Remote ischaemic preconditioning before cardiac surgery: a randomised trial",
    "authors": ("Hausenloy, D. J.", "Candilio, L.", "Evans, R."),
    "year": 2015,
    "journal": "New England Journal of Medicine",
    "volume": "373",
    "issue": "15",
    "pages": "1408-1417",
    "doi": "10.1056/NEJMoa1413534",
    "abstract": "Background: remote ischemic preconditioning reduces myocardial injury "
    "in patients undergoing coronary artery bypass graft surgery. We tested whether it "
    "improves clinical outcomes in a multicentre sham-controlled trial of 1612 adults.",
    "type": ReferenceType.JOURNAL_ARTICLE,
}


def make_reference(**overrides: Any) -> Reference:
    """The hand-made article above, with some fields changed."""
    return Reference(**{**ARTICLE, **overrides})
