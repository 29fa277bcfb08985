"""Hand-made reference builders for the dedup tests: invented people, titles and DOIs (the
10.5555 prefix is reserved for examples); no labelled data is used."""

from __future__ import annotations

from typing import Any

from importers.dedup import DedupResult, deduplicate
from importers.model import Reference, ReferenceType

ARTICLE: dict[str, Any] = {
    "title": "Cold-water immersion after eccentric exercise in recreational runners: "
    "a randomised trial",
    "authors": ("Halvorsen, K. T.", "Mbeki, A.", "Oyelaran, P. J."),
    "year": 2016,
    "journal": "Journal of Exercise Recovery Studies",
    "volume": "48",
    "issue": "7",
    "pages": "1311-1320",
    "doi": "10.5555/jers.2016.0481311",
    "abstract": "Background: cold-water immersion is widely used to speed recovery after hard "
    "training, yet trials in amateur athletes are few. Methods: we randomised 212 recreational "
    "runners to ten minutes of immersion at ten degrees or to passive rest after a downhill run.",
    "type": ReferenceType.JOURNAL_ARTICLE,
}


def make_reference(**overrides: Any) -> Reference:
    """The hand-made article above, with some fields changed."""
    return Reference(**{**ARTICLE, **overrides})


def groups(result: DedupResult) -> set[tuple[int, ...]]:
    return {c.members for c in result.clusters}


def queued(result: DedupResult) -> set[tuple[int, int]]:
    return {(p.left, p.right) for p in result.maybe_pairs}


def merged(*refs: Reference) -> bool:
    """Whether the references end in one cluster automatically."""
    return len(deduplicate(list(refs)).clusters) == 1
