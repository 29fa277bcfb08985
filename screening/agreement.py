"""Inter-rater agreement: percent agreement, Cohen's and Fleiss' kappa, PABAK (DOMAIN.md §3.4).

Computed from first independent votes only; resolutions never change these figures.
Exact rational arithmetic, so a degenerate table gives None with a reason, never a division error.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import combinations

from screening.decisions import first_votes, group_by_record
from screening.model import DecisionEvent, RecordId, ReviewerId, Stage, Vote

VotePair = tuple[Vote, Vote]
ReviewerPair = tuple[ReviewerId, ReviewerId]
BINARY = (Vote.INCLUDE, Vote.EXCLUDE)
THREE_WAY = (Vote.INCLUDE, Vote.MAYBE, Vote.EXCLUDE)


@dataclass(frozen=True, slots=True)
class AgreementStats:
    """Two raters. ``kappa`` is None when undefined; ``kappa_note`` then says why."""

    n: int
    percent_agreement: float | None
    kappa: float | None
    pabak: float | None
    kappa_note: str = ""
    kappa_se: float | None = None  # approximate (Cohen 1960)
    kappa_ci95: tuple[float, float] | None = None
    conflicts: int = 0
    prevalence_index: float | None = None  # binary tables only, absolute value
    bias_index: float | None = None
    gwet_ac1: float | None = None  # binary tables only


@dataclass(frozen=True, slots=True)
class FleissStats:
    n_items: int
    raters_per_item: int
    kappa: float | None
    p_bar: float | None
    pe_bar: float | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class PairAgreement:
    reviewers: tuple[ReviewerId, ReviewerId]
    stats: AgreementStats


@dataclass(frozen=True, slots=True)
class StageAgreement:
    """``overall`` pairs each record's first two voters, the one with the lower id as rater 1
    (Cohen's kappa needs the same rater in the same row: taking them in voting order mixed the
    two reviewers' marginals, so overall and pair kappa differed on the same records; with one
    pair of reviewers they are now the same table). ``pairs`` is per reviewer pair."""

    stage: Stage
    maybe_as_include: bool
    overall: AgreementStats
    pairs: tuple[PairAgreement, ...]
    fleiss: FleissStats | None


def cohen_kappa(table: Sequence[Sequence[int]]) -> AgreementStats:
    """Agreement of two raters from a k x k contingency table (rows rater 1, columns rater 2)."""
    k = len(table)
    if k < 2 or any(len(row) != k for row in table):
        raise ValueError("the contingency table must be square with at least two categories")
    if any(cell < 0 for row in table for cell in row):
        raise ValueError("contingency counts cannot be negative")
    n = sum(sum(row) for row in table)
    conflicts = n - sum(table[i][i] for i in range(k))
    if n == 0:
        return AgreementStats(0, None, None, None, kappa_note="no records rated by both")
    po = Fraction(n - conflicts, n)
    rows = [sum(row) for row in table]
    cols = [sum(table[i][j] for i in range(k)) for j in range(k)]
    pe = sum(Fraction(rows[i] * cols[i], n * n) for i in range(k))
    stats = AgreementStats(n, float(po), None, float((k * po - 1) / (k - 1)), conflicts=conflicts)
    if k == 2:
        stats = _with_binary_extras(stats, table, po, rows[0], cols[0])
    if pe == 1:
        note = "undefined: both raters used one and the same category for every record"
        return replace(stats, kappa_note=note)
    kappa = float((po - pe) / (1 - pe))
    se = math.sqrt(po * (1 - po) / (n * (1 - pe) ** 2))
    return replace(
        stats, kappa=kappa, kappa_se=se, kappa_ci95=(kappa - 1.96 * se, kappa + 1.96 * se)
    )


def _with_binary_extras(
    stats: AgreementStats, table: Sequence[Sequence[int]], po: Fraction, row0: int, col0: int
) -> AgreementStats:
    """Prevalence and bias indices (absolute) and Gwet's AC1, defined for two categories."""
    n = stats.n
    pi = Fraction(row0 + col0, 2 * n)
    pe_gwet = 2 * pi * (1 - pi)  # at most 1/2, so AC1 is always defined
    return replace(
        stats,
        prevalence_index=float(abs(Fraction(table[0][0] - table[1][1], n))),
        bias_index=float(abs(Fraction(table[0][1] - table[1][0], n))),
        gwet_ac1=float((po - pe_gwet) / (1 - pe_gwet)),
    )


def agreement_band(kappa: float | None) -> str:
    """Landis & Koch (1977) label for a kappa: poor, slight, fair, moderate, substantial..."""
    if kappa is None:
        return "undefined"
    bands = (
        (0.0, "poor"),
        (0.21, "slight"),
        (0.41, "fair"),
        (0.61, "moderate"),
        (0.81, "substantial"),
    )
    label = "almost perfect"
    for upper, name in bands:
        if kappa < upper:
            label = name
            break
    return label


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> FleissStats:
    """Fleiss' kappa from per-item category counts; every item needs the same number of raters."""
    if not counts:
        return FleissStats(0, 0, None, None, None, note="no items")
    raters = sum(counts[0])
    if any(sum(row) != raters for row in counts) or any(c < 0 for r in counts for c in r):
        raise ValueError("every item needs the same number of raters and non-negative counts")
    if raters < 2:
        return FleissStats(len(counts), raters, None, None, None, note="fewer than two raters")
    n_items, k = len(counts), len(counts[0])
    p_j = [Fraction(sum(row[j] for row in counts), n_items * raters) for j in range(k)]
    p_i = [Fraction(sum(c * c for c in row) - raters, raters * (raters - 1)) for row in counts]
    p_bar = sum(p_i, Fraction(0)) / n_items
    pe_bar = sum((p * p for p in p_j), Fraction(0))
    if pe_bar == 1:
        note = "undefined: every rating fell in one category"
        return FleissStats(n_items, raters, None, float(p_bar), float(pe_bar), note=note)
    kappa = (p_bar - pe_bar) / (1 - pe_bar)
    return FleissStats(n_items, raters, float(kappa), float(p_bar), float(pe_bar))


def category_of(vote: Vote, maybe_as_include: bool) -> Vote:
    """Covidence's IRR rule maps *maybe* to include; otherwise *maybe* is its own category."""
    return Vote.INCLUDE if maybe_as_include and vote is Vote.MAYBE else vote


def pair_table(
    pairs: Iterable[tuple[Vote, Vote]], maybe_as_include: bool = True
) -> list[list[int]]:
    """Contingency table of (rater 1, rater 2) votes in include/exclude or include/maybe/exclude."""
    return counted_pair_table(Counter(pairs), maybe_as_include)


def counted_pair_table(
    counts: Mapping[VotePair, int], maybe_as_include: bool = True
) -> list[list[int]]:
    """`pair_table` from how often each (rater 1, rater 2) pair of votes occurred."""
    categories = BINARY if maybe_as_include else THREE_WAY
    index = {vote: i for i, vote in enumerate(categories)}
    table = [[0] * len(categories) for _ in categories]
    for (first, second), n in counts.items():
        row = index[category_of(first, maybe_as_include)]
        table[row][index[category_of(second, maybe_as_include)]] += n
    return table


@dataclass(frozen=True, slots=True)
class FirstVoteTally:
    """Everything agreement reads from first votes, as counts.

    ``overall`` counts each record's first two votes (the lower reviewer id as rater 1, see
    `StageAgreement`); ``pairs`` counts, per pair of reviewers (lower id first), their two
    votes on the records both rated;
    ``most_rated`` holds the votes on the records rated by the most reviewers (Fleiss' kappa),
    and ``raters`` that number. Tallies of disjoint sets of records add up with `combined`.
    """

    overall: Mapping[VotePair, int] = field(default_factory=dict)
    pairs: Mapping[ReviewerPair, Mapping[VotePair, int]] = field(default_factory=dict)
    raters: int = 0
    most_rated: tuple[tuple[Vote, ...], ...] = ()

    def combined(self, other: FirstVoteTally) -> FirstVoteTally:
        overall = Counter(self.overall)
        overall.update(other.overall)
        pairs: dict[ReviewerPair, Counter[VotePair]] = defaultdict(Counter)
        for source in (self.pairs, other.pairs):
            for key, counts in source.items():
                pairs[key].update(counts)
        if self.raters == other.raters:
            raters, most_rated = self.raters, self.most_rated + other.most_rated
        else:
            raters, most_rated = max(
                (self.raters, self.most_rated), (other.raters, other.most_rated)
            )
        return FirstVoteTally(dict(overall), dict(pairs), raters, most_rated)


def tally_first_votes(by_record: Mapping[RecordId, Sequence[DecisionEvent]]) -> FirstVoteTally:
    """The tally of each record's first votes (one per reviewer, oldest first)."""
    overall: Counter[VotePair] = Counter()
    pairs: dict[ReviewerPair, Counter[VotePair]] = defaultdict(Counter)
    for votes in by_record.values():
        if len(votes) > 1:
            overall[rater_order(votes[0], votes[1])] += 1
        ordered = sorted(votes, key=lambda e: e.reviewer_id)
        for one, two in combinations(ordered, 2):
            pairs[(one.reviewer_id, two.reviewer_id)][(one.vote, two.vote)] += 1
    raters = max((len(votes) for votes in by_record.values()), default=0)
    most_rated = tuple(
        tuple(e.vote for e in votes) for votes in by_record.values() if len(votes) == raters
    )
    return FirstVoteTally(dict(overall), dict(pairs), raters, most_rated)


def stage_agreement(
    log: Iterable[DecisionEvent],
    stage: Stage,
    *,
    records: Collection[RecordId] | None = None,
    maybe_as_include: bool = True,
) -> StageAgreement:
    """Agreement at a stage from first votes, optionally limited to ``records`` (rapid dual set)."""
    tally = tally_log(log, stage, records=records)
    return agreement_from_tally(tally, stage, maybe_as_include=maybe_as_include)


def tally_log(
    log: Iterable[DecisionEvent], stage: Stage, *, records: Collection[RecordId] | None = None
) -> FirstVoteTally:
    """The first votes of a log (optionally of ``records`` only), counted."""
    return tally_first_votes(_first_votes_by_record(log, stage, records))


def agreement_from_tally(
    tally: FirstVoteTally, stage: Stage, *, maybe_as_include: bool = True
) -> StageAgreement:
    """Agreement from first votes already counted (e.g. by the database)."""
    return StageAgreement(
        stage=stage,
        maybe_as_include=maybe_as_include,
        overall=cohen_kappa(counted_pair_table(tally.overall, maybe_as_include)),
        pairs=tuple(
            PairAgreement(key, cohen_kappa(counted_pair_table(tally.pairs[key], maybe_as_include)))
            for key in sorted(tally.pairs)
        ),
        fleiss=_fleiss_for(tally, maybe_as_include),
    )


def rater_order(one: DecisionEvent, two: DecisionEvent) -> tuple[Vote, Vote]:
    """Two reviewers' votes on a record, the lower reviewer id first (always the same rows)."""
    return (one.vote, two.vote) if one.reviewer_id < two.reviewer_id else (two.vote, one.vote)


def _first_votes_by_record(
    log: Iterable[DecisionEvent], stage: Stage, records: Collection[RecordId] | None
) -> dict[RecordId, list[DecisionEvent]]:
    return group_by_record(first_votes(log, stage), records=records)


def _fleiss_for(tally: FirstVoteTally, maybe_as_include: bool) -> FleissStats | None:
    """Fleiss' kappa over the records rated by the largest number (> 2) of reviewers."""
    if tally.raters <= 2:
        return None
    categories = BINARY if maybe_as_include else THREE_WAY
    rows = []
    for votes in tally.most_rated:
        seen = [category_of(vote, maybe_as_include) for vote in votes]
        rows.append([seen.count(c) for c in categories])
    return fleiss_kappa(rows)
