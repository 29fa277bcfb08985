"""Agreement statistics against DOMAIN.md §2.6 and §3.5 worked numbers, plus invariants."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from screening.agreement import (
    agreement_band,
    cohen_kappa,
    fleiss_kappa,
    pair_table,
    stage_agreement,
)
from screening.model import Stage, Vote
from tests.screening.log_builders import EXAMPLE_1, EXAMPLE_2, RAPID_DUAL, Log, table_pairs


def _log_of(table: dict[tuple[str, str], int]) -> Log:
    log = Log()
    log.pairs(table_pairs(table))
    return log


def test_example_1_two_by_two_matches_domain_numbers():
    stats = cohen_kappa([[20, 5], [10, 165]])
    assert stats.n == 200
    assert stats.percent_agreement == pytest.approx(0.925)
    assert stats.kappa == pytest.approx(13 / 19)
    assert round(stats.kappa or 0, 3) == 0.684
    assert stats.pabak == pytest.approx(0.85)
    assert stats.conflicts == 15
    assert stats.kappa_se == pytest.approx(0.07842, abs=1e-5)
    assert stats.kappa_ci95 == pytest.approx((0.5305, 0.8379), abs=1e-4)
    assert stats.prevalence_index == pytest.approx(0.725)
    assert stats.bias_index == pytest.approx(0.025)
    assert stats.gwet_ac1 == pytest.approx(0.90168, abs=1e-5)
    assert agreement_band(stats.kappa) == "substantial"


def test_example_1_from_the_event_log():
    overall = stage_agreement(_log_of(EXAMPLE_1).events, Stage.TITLE_ABSTRACT).overall
    assert overall.kappa == pytest.approx(0.684211, abs=1e-6)
    assert overall.pabak == pytest.approx(0.85)


def test_example_2_three_categories_and_covidence_collapse():
    events = _log_of(EXAMPLE_2).events
    three = stage_agreement(events, Stage.TITLE_ABSTRACT, maybe_as_include=False).overall
    assert three.percent_agreement == pytest.approx(0.905)
    assert three.kappa == pytest.approx(8050 / 11850)
    assert three.pabak == pytest.approx(0.8575)
    assert three.prevalence_index is None  # only defined for two categories
    two = stage_agreement(events, Stage.TITLE_ABSTRACT, maybe_as_include=True).overall
    assert two.percent_agreement == pytest.approx(0.94)
    assert two.kappa == pytest.approx(0.787423, abs=1e-6)
    assert two.pabak == pytest.approx(0.88)
    assert pair_table([(Vote.MAYBE, Vote.EXCLUDE)]) == [[0, 1], [0, 0]]


def test_rapid_example_kappa():
    stats = cohen_kappa([[30, 8], [12, 320]])
    assert round(stats.kappa or 0, 4) == 0.7198
    assert stats.kappa == pytest.approx(19008 / 26408)
    assert stats.pabak == pytest.approx(0.8919, abs=1e-4)
    assert stats.conflicts == 20
    overall = stage_agreement(_log_of(RAPID_DUAL).events, Stage.TITLE_ABSTRACT).overall
    assert overall.kappa == pytest.approx(stats.kappa)


def test_fleiss_three_reviewers_example_3():
    stats = fleiss_kappa([[3, 0], [2, 1], [0, 3], [1, 2], [2, 1], [0, 3]])
    assert stats.p_bar == pytest.approx(4 / 6)
    assert stats.pe_bar == pytest.approx(164 / 324)
    assert stats.kappa == pytest.approx(0.325)


def test_fleiss_classic_data():
    rows = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    stats = fleiss_kappa(rows)
    assert stats.raters_per_item == 14
    assert stats.p_bar == pytest.approx(0.378022, abs=1e-6)
    assert stats.pe_bar == pytest.approx(0.212755, abs=1e-6)
    assert round(stats.kappa or 0, 4) == 0.2099


def test_fleiss_from_log_uses_records_rated_by_three():
    log = Log()
    counts = [(3, 0), (2, 1), (0, 3), (1, 2), (2, 1), (0, 3)]
    for record_id, (includes, _) in enumerate(counts, start=1):
        for reviewer in (1, 2, 3):
            log.vote(record_id, reviewer, "include" if reviewer <= includes else "exclude")
    log.vote(7, 1, "include")  # a record with two raters does not enter Fleiss
    log.vote(7, 2, "exclude")
    result = stage_agreement(log.events, Stage.TITLE_ABSTRACT)
    assert result.fleiss is not None
    assert result.fleiss.n_items == 6
    assert result.fleiss.kappa == pytest.approx(0.325)
    assert [p.reviewers for p in result.pairs] == [(1, 2), (1, 3), (2, 3)]
    assert result.pairs[0].stats.n == 7


def test_no_fleiss_with_two_reviewers():
    assert stage_agreement(_log_of(EXAMPLE_1).events, Stage.TITLE_ABSTRACT).fleiss is None


@pytest.mark.parametrize(
    ("table", "po", "pabak"),
    [
        ([[0, 0], [0, 12]], 1.0, 1.0),  # everyone excluded everything
        ([[7, 0], [0, 0]], 1.0, 1.0),
        ([[0, 0, 0], [0, 4, 0], [0, 0, 0]], 1.0, 1.0),
    ],
)
def test_kappa_undefined_when_one_identical_category(table, po, pabak):
    stats = cohen_kappa(table)
    assert stats.kappa is None
    assert "undefined" in stats.kappa_note
    assert stats.percent_agreement == po
    assert stats.pabak == pabak
    assert stats.kappa_ci95 is None


def test_kappa_defined_when_one_rater_is_constant_but_other_is_not():
    stats = cohen_kappa([[0, 0], [3, 9]])  # rater 1 always excludes; Pe < 1
    assert stats.kappa == pytest.approx(0.0)


def test_empty_table_and_empty_fleiss():
    assert cohen_kappa([[0, 0], [0, 0]]).percent_agreement is None
    assert cohen_kappa([[0, 0], [0, 0]]).kappa_note == "no records rated by both"
    assert fleiss_kappa([]).kappa is None
    assert fleiss_kappa([[2, 0], [2, 0]]).note.startswith("undefined")
    assert fleiss_kappa([[1, 0]]).note == "fewer than two raters"


@pytest.mark.parametrize("table", [[[1]], [[1, 2], [3]], [[1, -1], [0, 2]]])
def test_malformed_tables_are_rejected(table):
    with pytest.raises(ValueError, match="contingency"):
        cohen_kappa(table)


def test_fleiss_rejects_uneven_raters():
    with pytest.raises(ValueError, match="same number of raters"):
        fleiss_kappa([[2, 1], [1, 1]])


def test_only_first_votes_count_and_resolution_style_changes_do_not():
    log = _log_of(EXAMPLE_1)
    before = stage_agreement(log.events, Stage.TITLE_ABSTRACT).overall
    # After the conflict both reviewers change their votes to agree: agreement must not move.
    for record_id in range(21, 36):
        log.vote(record_id, 1, "exclude")
        log.vote(record_id, 2, "exclude")
    after = stage_agreement(log.events, Stage.TITLE_ABSTRACT).overall
    assert after == before


def test_records_filter_limits_to_the_dual_set():
    log = _log_of(EXAMPLE_1)
    subset = stage_agreement(log.events, Stage.TITLE_ABSTRACT, records=set(range(1, 21)))
    assert subset.overall.n == 20
    assert subset.overall.kappa is None  # 20 records both included


def test_stage_is_respected():
    log = _log_of(EXAMPLE_1)
    assert stage_agreement(log.events, Stage.FULL_TEXT).overall.n == 0


cells = st.integers(min_value=0, max_value=60)


@given(st.lists(cells, min_size=4, max_size=4))
def test_two_by_two_statistics_stay_in_range(counts):
    a, b, c, d = counts
    stats = cohen_kappa([[a, b], [c, d]])
    assume(stats.n > 0)
    assert 0 <= (stats.percent_agreement or 0) <= 1
    assert -1 <= (stats.pabak or 0) <= 1
    assert stats.conflicts == b + c
    if stats.kappa is not None:
        assert -1 - 1e-12 <= stats.kappa <= 1 + 1e-12
    transposed = cohen_kappa([[a, c], [b, d]])
    assert transposed.kappa == stats.kappa  # kappa does not depend on who is rater 1


@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=3, max_size=3))
def test_three_category_kappa_in_range(table):
    stats = cohen_kappa(table)
    if stats.kappa is not None:
        assert -1 - 1e-12 <= stats.kappa <= 1 + 1e-12
    if stats.n:
        assert -0.5 - 1e-12 <= (stats.pabak or 0) <= 1


@given(st.lists(st.integers(0, 5), min_size=1, max_size=30), st.integers(2, 6))
def test_fleiss_kappa_at_most_one(includes, raters):
    rows = [[min(i, raters), raters - min(i, raters)] for i in includes]
    stats = fleiss_kappa(rows)
    if stats.kappa is not None:
        assert stats.kappa <= 1 + 1e-12
        assert stats.kappa >= -1 / (raters - 1) - 1e-12  # Fleiss' lower bound


@pytest.mark.parametrize(
    ("kappa", "band"),
    [
        (None, "undefined"),
        (-0.1, "poor"),
        (0.0, "slight"),
        (0.2, "slight"),
        (0.21, "fair"),
        (0.4, "fair"),
        (0.41, "moderate"),
        (0.6, "moderate"),
        (0.61, "substantial"),
        (0.7198, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_landis_koch_bands(kappa, band):
    assert agreement_band(kappa) == band


def test_gwet_ac1_only_for_two_categories_and_defined_when_kappa_is_not():
    assert cohen_kappa([[0, 0], [0, 12]]).gwet_ac1 == pytest.approx(1.0)
    assert cohen_kappa([[1, 0, 0], [0, 1, 0], [0, 0, 1]]).gwet_ac1 is None
