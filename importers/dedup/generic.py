"""Generic titles: titles that name a journal's recurring item, not one publication.

"Editorial", "Editor's comments", "Remarks from the editor", "Letter to the editor" or "Book
review" recur issue after issue, often by the same editor in the same journal and volume. Two
records with such a title are the same item only when their issue, pages or DOI agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

# Words that name the standing parts of a journal issue, and the small words between them.
_COLUMN_WORDS_TEXT = """
    editor editors editorial editorials comment comments commentary commentaries remark remarks
    note notes letter letters reply replies response responses introduction introductory preface
    foreword afterword prologue epilogue review reviews reviewer reviewers book books issue issues
    special guest news update updates announcement announcements message messages president
    presidential chair column corner perspective perspectives correspondence abstract abstracts
    proceedings meeting meetings conference index contents table front matter cover masthead
    information instructions author authors acknowledgment acknowledgement acknowledgments
    acknowledgements thanks thank reader readers welcome overview summary highlights report
    reports notice notices calendar events obituary erratum errata correction corrections
    retraction minitrack track section volume annual year new board desk opinion viewpoint
    reflections feature features selected summaries
"""
_COLUMN_WORDS = frozenset(_COLUMN_WORDS_TEXT.split())
_SMALL_WORDS_TEXT = "a an the of to from in on for and this these our s by with at your his her its"
_SMALL_WORDS = frozenset(_SMALL_WORDS_TEXT.split())


def is_column_title(title: str) -> bool:
    """Whether every word of the folded *title* names a standing part of a journal issue
    (numbers allowed: "Editorial 2")."""
    words = title.split()
    content = [w for w in words if w not in _SMALL_WORDS and not w.isdigit()]
    return bool(content) and all(w in _COLUMN_WORDS for w in content)


def recurring_titles(
    titles: Sequence[str], places: Sequence[tuple[int | None, str]], *, min_places: int
) -> frozenset[str]:
    """Titles printed at *min_places* or more different places (year and volume, both known).

    One publication exported by several databases sits at one place, give or take an online
    year; a title printed in many volumes is a recurring item, whatever its words. Issues are
    left out: some sources fill that field with a running number.
    """
    seen: dict[str, set[tuple[int | None, str]]] = defaultdict(set)
    for title, (year, volume) in zip(titles, places, strict=True):
        if title and year and volume:
            seen[title].add((year, volume))
    return frozenset(title for title, where in seen.items() if len(where) >= min_places)
