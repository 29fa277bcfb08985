"""Decision per scored pair: duplicate (certain), maybe (for a person) or distinct, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from importers.dedup.compare import Agreement, FieldScores, journal_similarity, page_agreement
from importers.dedup.config import DedupConfig
from importers.dedup.evidence import merge_notes, one_number_mistyped, same_text, title_extends
from importers.dedup.keys import Kind, MatchKeys


class Decision(StrEnum):
    DUPLICATE = "duplicate"
    MAYBE = "maybe"
    DISTINCT = "distinct"


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    reason: str


def conflict(left: MatchKeys, right: MatchKeys) -> str | None:
    """Why two records can never be merged automatically, or ``None``.

    Used for scored pairs and again by clustering for every pair a merge would join.
    """
    if left.doi and right.doi and left.doi != right.doi:
        return "different DOIs"
    if left.kind != right.kind and _kinds_known(left, right):
        return f"{left.kind} vs {right.kind}"
    if left.pmid and right.pmid and left.pmid != right.pmid:
        return "different PMIDs"
    if _digits_differ(left, right) and not _same_citation(left, right):
        return "numbers in titles differ"
    if left.doi and left.doi == right.doi:
        return None
    if left.year and right.year and abs(left.year - right.year) > 1:
        return "years differ"
    pages_differ = page_agreement(left, right) is Agreement.DIFFERENT
    volumes_differ = bool(left.volume and right.volume and left.volume != right.volume)
    if one_number_mistyped(left, right, pages_differ, volumes_differ) and same_text(left, right):
        return None
    if pages_differ:
        return "pages differ"
    if volumes_differ:
        return "volumes differ"
    return None


def _digits_differ(left: MatchKeys, right: MatchKeys) -> bool:
    """Delta-8 vs delta-9, part 1 vs part 2; typos in chemical names are excused by the citation."""
    return bool(
        left.title_digits and right.title_digits and left.title_digits != right.title_digits
    )


def _same_citation(left: MatchKeys, right: MatchKeys) -> bool:
    return bool(
        left.year
        and left.volume
        and left.first_page
        and (left.year, left.volume, left.first_page)
        == (right.year, right.volume, right.first_page)
    )


def _kinds_known(left: MatchKeys, right: MatchKeys) -> bool:
    """Whether differing kinds really mean two items (an abstract and the paginated article)."""
    kinds = {left.kind, right.kind}
    if kinds != {Kind.ABSTRACT, Kind.ARTICLE}:
        return True
    article = left if left.kind is Kind.ARTICLE else right
    # One DOI, one printed citation, or an unpaginated record in the meeting's journal:
    # both records are the abstract.
    same_doi = bool(left.doi) and left.doi == right.doi
    if same_doi or _same_citation(left, right):
        return False
    meeting = right if article is left else left
    if _printed_as_abstract(article, meeting):
        return False
    return bool(left.journal and right.journal and article.first_page)


def _printed_as_abstract(article: MatchKeys, meeting: MatchKeys) -> bool:
    """Printed in a supplement of the very journal the meeting record names.

    A single page is not enough: article numbers (BMJ ``m123``) look like single pages.
    """
    return article.supplement and journal_similarity(article.journal, meeting.journal) == 100


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
    if scores.journal is not None and scores.journal < _JOURNAL_MISMATCH:
        return False
    return _high(scores.abstract, config.abstract_duplicate) or (
        _high(scores.journal, config.journal_match) and scores.volume is not Agreement.DIFFERENT
    )


_JOURNAL_MISMATCH = 50.0


def _full_citation(scores: FieldScores) -> bool:
    return (
        scores.year is Agreement.SAME
        and scores.volume is Agreement.SAME
        and scores.page is Agreement.SAME
    )


def _same_paper(scores: FieldScores) -> bool:
    """Online and print pagination, or a typo: same DOI, title, authors and volume."""
    return (
        _high(scores.title, 98)
        and _high(scores.authors, 90)
        and scores.volume is not Agreement.DIFFERENT
    )


def _reworded_title(left: MatchKeys, right: MatchKeys, scores: FieldScores, name: str) -> Verdict:
    """Same identifier, titles below the bar: same authors and citation, or a dropped subtitle."""
    if _high(scores.authors, 90) and title_extends(left, right):
        return Verdict(
            Decision.DUPLICATE, f"same {name}, one title extends the other, {describe(scores)}"
        )
    backed = _full_citation(scores) or _high(scores.abstract, 95)
    if _high(scores.authors, 90) and _high(scores.title, 50) and backed:
        # A reworded title ("Case 17-2012" with or without its series name).
        return Verdict(Decision.DUPLICATE, f"same {name} and citation, {describe(scores)}")
    return Verdict(Decision.MAYBE, f"same {name} but titles differ ({describe(scores)})")


def _same_identifier(
    left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig
) -> Verdict:
    name = "DOI" if scores.doi is Agreement.SAME else "PMID"
    if not _high(scores.title, 50) and not _high(scores.authors, config.author_maybe):
        # One DOI for a whole supplement or issue, shared by unrelated abstracts.
        return Verdict(Decision.DISTINCT, f"same {name} on unrelated items ({describe(scores)})")
    if scores.page is Agreement.DIFFERENT and not _same_paper(scores):
        if _high(scores.title, 98) and _high(scores.abstract, 95):
            # The identifier, the title and the abstract text all agree: one citation is wrong.
            return Verdict(
                Decision.DUPLICATE,
                f"same {name}, title and abstract; pages differ ({describe(scores)})",
            )
        # A DOI copied onto the wrong record, or one DOI for a whole supplement of abstracts.
        return Verdict(Decision.MAYBE, f"same {name} but pages differ ({describe(scores)})")
    # Identifier, year, volume and first page agree: author or title forms may not.
    cited_alike = _full_citation(scores) and _high(scores.title, config.title_maybe)
    if scores.title is not None and scores.title < config.title_same_identifier:
        if cited_alike:
            return Verdict(Decision.DUPLICATE, f"same {name} and citation, {describe(scores)}")
        return _reworded_title(left, right, scores, name)
    if scores.title is None:
        return Verdict(Decision.MAYBE, f"same {name}, one title missing ({describe(scores)})")
    if not _high(scores.authors, config.author_maybe) and not _high(scores.title, 98):
        if cited_alike:
            return Verdict(Decision.DUPLICATE, f"same {name} and citation, {describe(scores)}")
        return Verdict(Decision.MAYBE, f"same {name} but authors differ ({describe(scores)})")
    return Verdict(Decision.DUPLICATE, f"same {name}, {describe(scores)}")


def _certain(left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig) -> bool:
    full_biblio = (
        scores.volume is Agreement.SAME
        and scores.page is Agreement.SAME
        and scores.year is Agreement.SAME
    )
    if full_biblio and _citation_backs_title(left, right, scores, config):
        return True
    if not _high(scores.title, config.title_duplicate) or scores.year is Agreement.MISSING:
        return False
    if left.title_words < config.generic_title_words:
        # "Editorial", "Introduction": only the same authors at the same place in the same
        # journal are the same item; the year may be the online one, a year before print.
        # The same long abstract by the same authors in the same journal and year also is.
        same_place = scores.volume is Agreement.SAME and scores.page is Agreement.SAME
        same_journal = scores.year is Agreement.SAME or _high(scores.journal, config.journal_match)
        placed = same_place and same_journal
        return _high(scores.authors, 90) and (placed or same_text(left, right))
    if _high(scores.authors, config.author_duplicate):
        return _corroborated(scores, config)
    # Author strings in very different forms: the full citation must agree instead.
    return full_biblio and scores.year is Agreement.SAME and _high(scores.title, 98)


def _citation_backs_title(
    left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig
) -> bool:
    """Same year, volume, first page and authors: a reworded or translated title still matches."""
    if scores.title is None or left.title_words < config.generic_title_words:
        return False
    if not _high(scores.authors, 90):
        return False
    if _high(scores.title, config.title_maybe) or left.translated or right.translated:
        return True  # a "[translated title]" against the original-language one
    if title_extends(left, right):
        return True  # a subtitle dropped by one database
    # Otherwise only a long identical abstract can vouch for a different title.
    return _high(scores.abstract, 98) and len(left.abstract) >= config.abstract_chars // 2


def decide(left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig) -> Verdict:
    """Certain needs agreeing identifiers, or titles plus corroboration, and no conflict."""
    blocker = conflict(left, right)
    if blocker is None and Agreement.SAME in (scores.doi, scores.pmid):
        return _same_identifier(left, right, scores, config)
    if blocker is None and _certain(left, right, scores, config):
        notes = merge_notes(left, right, scores)
        return Verdict(Decision.DUPLICATE, "; ".join([describe(scores), *notes]))
    if blocker in _IDENTIFIER_CONFLICTS:
        # Two registered identifiers: worth a person's look only if all else says "same".
        worth_a_look = _certain(left, right, scores, config)
    elif blocker in _CITATION_CONFLICTS and not _high(scores.title, config.title_conflict_maybe):
        worth_a_look = False  # another year or page and a different title: another item
    else:
        worth_a_look = _possible(scores, config)
    if worth_a_look:
        prefix = f"{blocker}: " if blocker else ""
        return Verdict(Decision.MAYBE, prefix + describe(scores))
    return Verdict(Decision.DISTINCT, describe(scores))


_IDENTIFIER_CONFLICTS = frozenset({"different DOIs", "different PMIDs"})
_CITATION_CONFLICTS = frozenset(
    {"years differ", "pages differ", "volumes differ", "numbers in titles differ"}
)


def _possible(scores: FieldScores, config: DedupConfig) -> bool:
    """Worth a person's look: similar titles with some support, or one record lacks a title."""
    if scores.doi is Agreement.SAME or scores.pmid is Agreement.SAME:
        return True
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
