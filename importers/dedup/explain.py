"""Why the machine left two records to a person, in words for the person who decides.

The queue shows people a pair of records (each perhaps with copies already merged into it).
They need to know what held the machine back, said as a reader of citations would say it:
no rule names, no record numbers, no scores without their meaning. The same conflicts that
block automatic merges (:mod:`importers.dedup.conflict`) are checked here on the records as
they are now, so a corrected identifier changes the explanation at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from importers.dedup.compare import Agreement, FieldScores, compare, title_similarity
from importers.dedup.config import DEFAULT, DedupConfig
from importers.dedup.conflict import (
    DIFFERENT_DOIS,
    DIFFERENT_PMIDS,
    TITLES_DISAGREE,
    conflict,
)
from importers.dedup.keys import MatchKeys
from importers.dedup.kind import Kind

_KIND_WORDS = {
    Kind.ARTICLE: "an article",
    Kind.ERRATUM: "a correction notice (erratum)",
    Kind.RETRACTION: "a retraction notice",
    Kind.COMMENT: "a comment or reply",
    Kind.ABSTRACT: "a conference abstract",
}
_CONFLICT_WORDS = {
    DIFFERENT_DOIS: "they carry different DOIs, and the matcher never merges two DOIs on its "
    "own (if one DOI is wrong, correct it)",
    DIFFERENT_PMIDS: "they carry different PubMed IDs, and the matcher never merges two PubMed "
    "IDs on its own (if one is wrong, correct it)",
    TITLES_DISAGREE: "their titles are too different for the matcher to call them one "
    "publication, although other details agree",
    "numbers in titles differ": "their titles carry different numbers (part 1 and part 2, or "
    "two years, for instance)",
    "years differ": "their years of publication are too far apart",
    "pages differ": "their pages differ",
    "volumes differ": "their volume numbers differ",
    "issues differ": "their issue numbers differ",
}
_SHORT_TITLE = 80


@dataclass(frozen=True, slots=True)
class Member:
    """A record of one side of the question, as the person sees it: its title and its keys."""

    title: str
    keys: MatchKeys


def conflict_words(left: MatchKeys, right: MatchKeys, config: DedupConfig = DEFAULT) -> str | None:
    """What keeps two records from an automatic merge, as a clause ("their pages differ"), or
    ``None`` when nothing does."""
    blocker = conflict(left, right, config)
    if blocker is None:
        return None
    if blocker == f"{left.kind} vs {right.kind}":
        return f"one is {_KIND_WORDS[left.kind]} and the other {_KIND_WORDS[right.kind]}"
    return _CONFLICT_WORDS.get(blocker, blocker)


def pair_scores(left: MatchKeys, right: MatchKeys, config: DedupConfig = DEFAULT) -> FieldScores:
    """The field scores of two records as the pipeline computes them."""
    title = (
        title_similarity(left.title, right.title, config) if left.title and right.title else None
    )
    return compare(left, right, title=title)


def _percent(name: str, score: float | None) -> str | None:
    return None if score is None else f"{name} {round(score)}% alike"


def _listed(words: Sequence[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def alike_words(scores: FieldScores) -> str:
    """What agrees and what differs: "Titles 98% alike, authors 100% alike. Same year and
    volume. Different: pages."."""
    similar = [
        text
        for text in (
            _percent("titles", scores.title),
            _percent("authors", scores.authors),
            _percent("abstracts", scores.abstract),
            _percent("journal names", scores.journal),
        )
        if text is not None
    ]
    fields = (
        ("DOI", scores.doi),
        ("PubMed ID", scores.pmid),
        ("year", scores.year),
        ("volume", scores.volume),
        ("issue", scores.issue),
        ("pages", scores.page),
    )
    same = [name for name, value in fields if value is Agreement.SAME]
    different = [name for name, value in fields if value is Agreement.DIFFERENT]
    sentences = []
    if similar:
        sentences.append(_capital(", ".join(similar)) + ".")
    if same:
        sentences.append(f"Same {_listed(same)}.")
    if different:
        sentences.append(f"Different: {_listed(different)}.")
    return " ".join(sentences)


def _shared_identifier(scores: FieldScores, config: DedupConfig) -> str | None:
    """Why one shared DOI or PubMed ID was not enough."""
    if Agreement.SAME not in (scores.doi, scores.pmid):
        return None
    name = "a DOI" if scores.doi is Agreement.SAME else "a PubMed ID"
    if scores.title is None:
        return f"they share {name}, but one of them has no title"
    if scores.page is Agreement.DIFFERENT:
        return (
            f"they share {name}, but their pages differ: the identifier may have been copied "
            "onto another record, or a journal supplement may have one for all its abstracts"
        )
    if scores.title < config.title_same_identifier:
        return f"they share {name}, but their titles are worded differently"
    return f"they share {name}, but their authors differ"


def why_not_merged(
    shown: tuple[Member, Member],
    groups: tuple[Sequence[Member], Sequence[Member]] = ((), ()),
    *,
    recurring_title: bool = False,
    config: DedupConfig = DEFAULT,
) -> list[str]:
    """Sentences saying why the matcher asks a person about *shown* (the two most alike
    records of two groups) instead of merging them, then what agrees and what differs.

    *groups* are the other records already merged with each side: merging the question joins
    the groups whole, so a conflict between any two of their records holds the matcher back.
    *recurring_title*: the run found the title at several places of the review (a column
    printed in every issue), which needs the same issue or pages."""
    left, right = shown
    scores = pair_scores(left.keys, right.keys, config)
    why = conflict_words(left.keys, right.keys, config) or _shared_identifier(scores, config)
    if why is None:
        why = _across_groups(shown, groups, config)
    if why is None and (recurring_title or left.keys.generic or right.keys.generic):
        why = (
            "the title is one a journal prints again and again (an editorial or a regular "
            "column, for instance), and the issue or pages do not show it is the same one"
        )
    if why is None:
        why = "they look alike, but not alike enough for the matcher to be sure"
    sentences = [f"Not merged automatically: {why}."]
    alike = alike_words(scores)
    if alike:
        sentences.append(alike)
    return sentences


def _across_groups(
    shown: tuple[Member, Member],
    groups: tuple[Sequence[Member], Sequence[Member]],
    config: DedupConfig,
) -> str | None:
    """A conflict between two records the merge would join, other than the shown pair."""
    left_side = [shown[0], *groups[0]]
    right_side = [shown[1], *groups[1]]
    for a in left_side:
        for b in right_side:
            if a is shown[0] and b is shown[1]:
                continue
            words = conflict_words(a.keys, b.keys, config)
            if words is not None:
                return (
                    f"merging them would also put “{_short(a.title)}” together with "
                    f"“{_short(b.title)}”, and for those two {words}"
                )
    return None


def _short(title: str) -> str:
    text = " ".join(title.split()) or "(no title)"
    return text if len(text) <= _SHORT_TITLE else text[: _SHORT_TITLE - 1].rstrip() + "…"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
