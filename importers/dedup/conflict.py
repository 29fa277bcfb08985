"""Conflicts: why two records can never be merged automatically.

Checked for every scored pair, and again by clustering for every pair a merge would join: two
identifiers, two kinds, titles that disagree, two citations. People may still merge them.
"""

from __future__ import annotations

from importers.dedup.compare import Agreement, journal_similarity, page_agreement, title_similarity
from importers.dedup.config import DedupConfig
from importers.dedup.evidence import one_number_mistyped, same_text, title_extends
from importers.dedup.keys import MatchKeys
from importers.dedup.kind import Kind

DIFFERENT_DOIS = "different DOIs"
DIFFERENT_PMIDS = "different PMIDs"
TITLES_DISAGREE = "titles disagree"
IDENTIFIER_CONFLICTS = frozenset({DIFFERENT_DOIS, DIFFERENT_PMIDS})
CITATION_CONFLICTS = frozenset(
    {"years differ", "pages differ", "volumes differ", "issues differ", "numbers in titles differ"}
)


def titles_disagree(left: MatchKeys, right: MatchKeys, config: DedupConfig) -> bool:
    """Both titles are there, in one language, and unlike: the strongest evidence of two items.

    A title that is the other plus a subtitle agrees; a translated title is not compared with
    one that may be in the original language.
    """
    if not (left.title and right.title) or left.translated or right.translated:
        return False
    if title_similarity(left.title, right.title, config) >= config.title_veto:
        return False
    return not title_extends(left, right, config)


def conflict(left: MatchKeys, right: MatchKeys, config: DedupConfig) -> str | None:
    """Why two records can never be merged automatically, or ``None``.

    Used for scored pairs and again by clustering for every pair a merge would join. A generic
    title names a recurring item, so there the issue must not differ either.
    """
    if left.doi and right.doi and left.doi != right.doi:
        return DIFFERENT_DOIS
    if left.kind != right.kind and _kinds_known(left, right):
        return f"{left.kind} vs {right.kind}"
    if left.pmid and right.pmid and left.pmid != right.pmid:
        return DIFFERENT_PMIDS
    if titles_disagree(left, right, config):
        return TITLES_DISAGREE
    if _digits_differ(left, right) and not same_citation(left, right):
        return "numbers in titles differ"
    if left.doi and left.doi == right.doi:
        return None
    return _citation_conflict(left, right, config)


def _citation_conflict(left: MatchKeys, right: MatchKeys, config: DedupConfig) -> str | None:
    if left.year and right.year and abs(left.year - right.year) > _year_slack(left, right):
        return "years differ"
    pages_differ = page_agreement(left, right) is Agreement.DIFFERENT
    volumes_differ = bool(left.volume and right.volume and left.volume != right.volume)
    mistyped = one_number_mistyped(left, right, pages_differ, volumes_differ)
    if mistyped and same_text(left, right, config):
        return None
    if pages_differ:
        return "pages differ"
    if volumes_differ:
        return "volumes differ"
    generic = left.generic or right.generic
    issues_differ = bool(left.issue and right.issue and left.issue != right.issue)
    if generic and issues_differ and page_agreement(left, right) is not Agreement.SAME:
        return "issues differ"
    return None


def _year_slack(left: MatchKeys, right: MatchKeys) -> int:
    """A journal article may carry its online year, one before print; a meeting's records
    carry the meeting's year, so two of them a year apart are two meetings."""
    return 0 if left.kind is right.kind is Kind.ABSTRACT else 1


def _digits_differ(left: MatchKeys, right: MatchKeys) -> bool:
    """Part 1 vs part 2, 2019 vs 2020 guidelines; a typo is excused by the same citation."""
    return bool(
        left.title_digits and right.title_digits and left.title_digits != right.title_digits
    )


def same_citation(left: MatchKeys, right: MatchKeys) -> bool:
    return bool(
        left.year
        and left.volume
        and left.first_page
        and (left.year, left.volume, left.first_page)
        == (right.year, right.volume, right.first_page)
    )


def _kinds_known(left: MatchKeys, right: MatchKeys) -> bool:
    """Whether differing kinds really mean two items (a meeting abstract and the article)."""
    kinds = {left.kind, right.kind}
    if kinds != {Kind.ABSTRACT, Kind.ARTICLE}:
        return True
    article = left if left.kind is Kind.ARTICLE else right
    # One DOI, one printed citation, or an unpaginated record in the meeting's journal:
    # both records are the abstract.
    same_doi = bool(left.doi) and left.doi == right.doi
    if same_doi or same_citation(left, right):
        return False
    meeting = right if article is left else left
    if _printed_as_abstract(article, meeting):
        return False
    return bool(left.journal and right.journal and article.first_page)


def _printed_as_abstract(article: MatchKeys, meeting: MatchKeys) -> bool:
    """Printed in the very journal the meeting record names, in a supplement or on a single
    numbered page (where a journal prints meeting abstracts; article numbers such as ``e123``
    have letters and do not count)."""
    if journal_similarity(article.journal, meeting.journal) != 100:
        return False
    return article.supplement or (article.page_single and not article.page_weak)
