"""Decision per scored pair: duplicate (certain), maybe (for a person) or distinct, and why.

Certain merges need agreeing evidence and no conflict. A conflict (two identifiers, two kinds,
titles that disagree, two citations) never merges automatically; where the records still look
alike the pair goes to people, who may merge anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from importers.dedup.compare import Agreement, FieldScores
from importers.dedup.config import DedupConfig
from importers.dedup.conflict import (
    CITATION_CONFLICTS,
    IDENTIFIER_CONFLICTS,
    TITLES_DISAGREE,
    conflict,
)
from importers.dedup.evidence import merge_notes, same_text, title_extends
from importers.dedup.keys import MatchKeys

# Starts the reason of a queued pair whose title recurs in the review (a column in every issue).
RECURRING_TITLE = "a recurring title without the same issue or pages"


class Decision(StrEnum):
    DUPLICATE = "duplicate"
    MAYBE = "maybe"
    DISTINCT = "distinct"


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    reason: str


def citations_disagreeing(scores: FieldScores) -> int:
    """How many of year (more than one apart), volume and pages disagree."""
    return (
        (scores.year_gap > 1)
        + (scores.volume is Agreement.DIFFERENT)
        + (scores.page is Agreement.DIFFERENT)
    )


def _fmt(score: float | None) -> str:
    return "-" if score is None else str(round(score))


def describe(scores: FieldScores) -> str:
    """The field scores in words: ``title 98, authors 100, same year/volume/pages``."""
    parts = [f"title {_fmt(scores.title)}", f"authors {_fmt(scores.authors)}"]
    if scores.abstract is not None:
        parts.append(f"abstract {_fmt(scores.abstract)}")
    same = [
        name
        for name, value in (
            ("year", scores.year),
            ("volume", scores.volume),
            ("issue", scores.issue),
            ("pages", scores.page),
        )
        if value is Agreement.SAME
    ]
    if same:
        parts.append("same " + "/".join(same))
    return ", ".join(parts)


def _high(score: float | None, threshold: float) -> bool:
    return score is not None and score >= threshold


def _corroborated(scores: FieldScores, config: DedupConfig) -> bool:
    """Something beyond title and authors says it is the same publication.

    A volume alone is too weak (a supplement abstract and the article can share it), and two
    clearly different journals outweigh everything but the same first page.
    """
    if scores.page is Agreement.SAME:
        return True
    if scores.journal is None and scores.volume is Agreement.SAME:
        return scores.page is Agreement.MISSING  # nothing disagrees and the volume agrees
    if scores.journal is not None and scores.journal < config.journal_mismatch:
        return False
    return _high(scores.abstract, config.abstract_duplicate) or (
        _high(scores.journal, config.journal_match) and scores.volume is not Agreement.DIFFERENT
    )


def _full_citation(scores: FieldScores) -> bool:
    return (
        scores.year is Agreement.SAME
        and scores.volume is Agreement.SAME
        and scores.page is Agreement.SAME
    )


def _same_paper(scores: FieldScores, config: DedupConfig) -> bool:
    """Online and print pagination, or a typo: same DOI, title, authors and volume."""
    return (
        _high(scores.title, config.title_same)
        and _high(scores.authors, config.author_same)
        and scores.volume is not Agreement.DIFFERENT
    )


def _reworded_title(
    left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig, name: str
) -> Verdict:
    """Same identifier, titles below the bar: same authors and citation, or a dropped subtitle."""
    if _high(scores.authors, config.author_same) and title_extends(left, right, config):
        return Verdict(
            Decision.DUPLICATE, f"same {name}, one title extends the other, {describe(scores)}"
        )
    backed = _full_citation(scores) or _high(scores.abstract, config.abstract_same)
    if _high(scores.authors, config.author_same) and backed:
        return Verdict(Decision.DUPLICATE, f"same {name} and citation, {describe(scores)}")
    return Verdict(Decision.MAYBE, f"same {name} but titles differ ({describe(scores)})")


def _same_identifier(
    left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig
) -> Verdict:
    name = "DOI" if scores.doi is Agreement.SAME else "PMID"
    if scores.page is Agreement.DIFFERENT and not _same_paper(scores, config):
        if _high(scores.title, config.title_same) and _high(scores.abstract, config.abstract_same):
            # The identifier, the title and the abstract text all agree: one citation is wrong.
            return Verdict(
                Decision.DUPLICATE,
                f"same {name}, title and abstract; pages differ ({describe(scores)})",
            )
        # A DOI copied onto the wrong record, or one DOI for a whole supplement of abstracts.
        decision = Decision.MAYBE
        if _abstracts_unlike(scores, left, right, config):
            decision = Decision.DISTINCT  # two texts: two items sharing a container's DOI
        return Verdict(decision, f"same {name} but pages differ ({describe(scores)})")
    # Identifier, year, volume and first page agree: author or title forms may not.
    cited_alike = _full_citation(scores) and _high(scores.title, config.title_maybe)
    if scores.title is not None and scores.title < config.title_same_identifier:
        if cited_alike:
            return Verdict(Decision.DUPLICATE, f"same {name} and citation, {describe(scores)}")
        return _reworded_title(left, right, scores, config, name)
    if scores.title is None:
        return Verdict(Decision.MAYBE, f"same {name}, one title missing ({describe(scores)})")
    if not _high(scores.authors, config.author_maybe) and not _high(
        scores.title, config.title_same
    ):
        if cited_alike:
            return Verdict(Decision.DUPLICATE, f"same {name} and citation, {describe(scores)}")
        return Verdict(Decision.MAYBE, f"same {name} but authors differ ({describe(scores)})")
    return Verdict(Decision.DUPLICATE, f"same {name}, {describe(scores)}")


def _abstracts_unlike(
    scores: FieldScores, left: MatchKeys, right: MatchKeys, config: DedupConfig
) -> bool:
    """Two long abstracts that share little are two texts, so two items."""
    long_enough = min(len(left.abstract), len(right.abstract)) >= config.abstract_long
    return long_enough and scores.abstract is not None and scores.abstract < config.abstract_unlike


def _placed_alike(scores: FieldScores) -> bool:
    """Same pages, or the same issue of the same volume: one place in one journal."""
    if scores.page is Agreement.SAME:
        return True
    return scores.issue is Agreement.SAME and scores.volume is Agreement.SAME


def _certain(
    left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig, generic: bool
) -> bool:
    if generic:
        if not _high(scores.title, config.title_maybe):
            return False
        # "Editorial", "Editor's comments": only the same authors at the same place of the
        # same journal are the same item (the year may be the online one, a year before
        # print); or the same long abstract by the same authors in the same journal and year.
        same_journal = scores.year is Agreement.SAME or _high(scores.journal, config.journal_match)
        placed = _placed_alike(scores) and same_journal
        return _high(scores.authors, config.author_same) and (
            placed or same_text(left, right, config)
        )
    if _full_citation(scores) and _citation_backs_title(left, right, scores, config):
        return True
    if not _high(scores.title, config.title_duplicate) or scores.year is Agreement.MISSING:
        return False
    if _high(scores.authors, config.author_duplicate):
        return _corroborated(scores, config)
    # Author strings in very different forms: the full citation must agree instead.
    return _full_citation(scores) and _high(scores.title, config.title_same)


def _citation_backs_title(
    left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig
) -> bool:
    """Same year, volume, first page and authors: a reworded or translated title still matches
    (titles that disagree never got here)."""
    if scores.title is None or not _high(scores.authors, config.author_duplicate):
        return False
    return (
        _high(scores.title, config.title_maybe)
        or left.translated
        or right.translated
        or title_extends(left, right, config)
    )


def decide(left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig) -> Verdict:
    """Certain needs agreeing identifiers, or titles plus corroboration, and no conflict.

    A generic title (see :mod:`importers.dedup.generic`) needs the same place as well.
    """
    generic = left.generic or right.generic
    blocker = conflict(left, right, config)
    if blocker is None and Agreement.SAME in (scores.doi, scores.pmid):
        return _same_identifier(left, right, scores, config)
    if blocker is None and _certain(left, right, scores, config, generic):
        notes = merge_notes(left, right, scores, config)
        return Verdict(Decision.DUPLICATE, "; ".join([describe(scores), *notes]))
    if _worth_a_look(left, right, scores, config, blocker, generic):
        prefix = f"{blocker}: " if blocker else ""
        if blocker is None and generic:
            prefix = f"{RECURRING_TITLE}: "
        return Verdict(Decision.MAYBE, prefix + describe(scores))
    return Verdict(Decision.DISTINCT, describe(scores))


def _worth_a_look(
    left: MatchKeys,
    right: MatchKeys,
    scores: FieldScores,
    config: DedupConfig,
    blocker: str | None,
    generic: bool,
) -> bool:
    """Whether a person should see a pair that is not merged automatically."""
    if blocker in IDENTIFIER_CONFLICTS:
        # Two registered identifiers: worth a look only if all else says "same".
        return _certain(left, right, scores, config, generic)
    if blocker == TITLES_DISAGREE:
        # Another title: only a shared identifier or the whole citation and the same authors
        # suggest a data error rather than two items.
        if _abstracts_unlike(scores, left, right, config):
            return False
        if Agreement.SAME in (scores.doi, scores.pmid):
            return _high(scores.title, config.title_related) or _high(
                scores.authors, config.author_maybe
            )
        return _full_citation(scores) and _high(scores.authors, config.author_same)
    if blocker in CITATION_CONFLICTS:
        # Two citation fields that disagree, another citation and a different title, or
        # another place for a generic title (each issue's "Editor's comments"): another
        # item, not a typo.
        if generic or citations_disagreeing(scores) > 1:
            return False
        return _high(scores.title, config.title_conflict_maybe) and _possible(scores, config)
    if Agreement.SAME in (scores.doi, scores.pmid):
        return True
    return _possible(scores, config)


def _possible(scores: FieldScores, config: DedupConfig) -> bool:
    """Worth a person's look: similar titles with some support, or one record lacks a title."""
    if scores.title is None:
        return (
            _high(scores.authors, config.author_duplicate)
            and scores.year is Agreement.SAME
            and scores.page is Agreement.SAME
        )
    if scores.title < config.title_maybe:
        return _high(scores.abstract, config.abstract_duplicate) and _high(
            scores.authors, config.author_duplicate
        )
    return _high(scores.authors, config.author_maybe) or scores.year is Agreement.SAME
