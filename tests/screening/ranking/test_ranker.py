"""Ranker: relevance learnt from the decisions given, cold start, determinism, edge cases."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from screening.ranking.ranker import (
    SERVED_MODEL,
    Ranker,
    RankingModel,
    RankingText,
    balanced_weights,
    record_text,
    visible_decisions,
)

STATIN = "statin randomised controlled trial cardiovascular events"
TITLES = [
    "bus timetable commuters waiting city",
    "soil nitrogen winter wheat fertiliser",
    f"{STATIN} placebo",
    "finch song dialects island archipelago",
    "glacier retreat satellite imagery alpine",
    f"{STATIN} older adults mortality",
    "bus rapid transit commuter survey city",
    "wheat yield drought soil moisture",
    f"high-intensity {STATIN} prevention",
    "finch beak size drought island",
    f"{STATIN} diabetes placebo",
    "medieval trade routes hanseatic league",
]
TEXTS = [record_text(title, "") for title in TITLES]
RELEVANT = {2, 5, 8, 10}


def _titles(*titles: str) -> list[RankingText]:
    return [record_text(title, "") for title in titles]


def test_obviously_relevant_texts_are_ranked_first() -> None:
    ranker = Ranker(TEXTS)
    order = ranker.rank({2: True, 0: False, 1: False})
    assert set(order[:3].tolist()) == RELEVANT - {2}


def test_ranking_covers_exactly_the_unlabelled_records() -> None:
    order = Ranker(TEXTS).rank({2: True, 0: False})
    assert sorted(order.tolist()) == [i for i in range(len(TEXTS)) if i not in {0, 2}]


@pytest.mark.parametrize(
    "labelled",
    [{}, {0: False, 1: False}, {2: True}, {2: True, 5: True}],
    ids=["nothing", "only-exclusions", "one-inclusion", "only-inclusions"],
)
def test_cold_start_keeps_file_order_until_one_of_each(labelled: dict[int, bool]) -> None:
    order = Ranker(TEXTS).rank(labelled)
    assert order.tolist() == [i for i in range(len(TEXTS)) if i not in labelled]


def test_same_seed_gives_same_order_and_seed_only_breaks_ties() -> None:
    texts = _titles("cardiac statin trial", "garden birds", *["identical filler text"] * 30)
    ranker = Ranker(texts)
    labelled = {0: True, 1: False}
    first = ranker.rank(labelled, seed=7)
    assert np.array_equal(first, ranker.rank(labelled, seed=7))
    orders = {tuple(ranker.rank(labelled, seed=seed).tolist()) for seed in range(5)}
    assert len(orders) > 1  # identical texts tie; different seeds order them differently
    assert all(sorted(order) == list(range(2, 32)) for order in orders)


def test_trains_on_exactly_what_it_is_given_and_keeps_no_memory() -> None:
    ranker = Ranker(TEXTS)
    fresh = Ranker(TEXTS).rank({2: True, 0: False})
    ranker.rank({0: True, 2: False, 5: False})  # another reviewer's unsettled votes, say
    assert np.array_equal(ranker.rank({2: True, 0: False}), fresh)


def test_other_decisions_change_the_ranking() -> None:
    ranker = Ranker(TEXTS)
    statin_first = ranker.rank({2: True, 0: False})
    bus_first = ranker.rank({0: True, 2: False})
    assert statin_first[0] in RELEVANT
    assert bus_first[0] == 6  # the other bus/commuter record


def test_titles_without_abstracts_still_rank() -> None:
    titles = _titles(*(title.split()[0] + " " + title.split()[-1] for title in TITLES))
    order = Ranker(titles).rank({2: True, 0: False})
    assert sorted(order.tolist()) == [i for i in range(len(TEXTS)) if i not in {0, 2}]


@pytest.mark.parametrize(
    "texts", [["", "", "", ""], ["a", "b", "", "c"]], ids=["empty", "no-words"]
)
def test_texts_without_usable_words_fall_back_to_file_order(texts: list[str]) -> None:
    assert Ranker(_titles(*texts)).rank({0: True, 1: False}).tolist() == [2, 3]


def test_everything_labelled_leaves_nothing_to_rank() -> None:
    labelled = {i: i in RELEVANT for i in range(len(TEXTS))}
    assert Ranker(TEXTS).rank(labelled).tolist() == []


def test_skipped_records_are_not_ranked_and_the_others_keep_their_order() -> None:
    """A merged duplicate or a removed record stays in the features (no refit) but is not
    offered: the rest come in the order they had with it offered."""
    ranker = Ranker(TEXTS)
    labelled = {2: True, 0: False, 1: False}
    everything = ranker.rank(labelled).tolist()
    skipped = {5, 6}
    order = ranker.rank(labelled, skip=skipped).tolist()
    assert order == [i for i in everything if i not in skipped]
    assert set(order[:2]) == RELEVANT - {2, 5}


def test_unknown_record_index_is_refused() -> None:
    with pytest.raises(IndexError, match="outside"):
        Ranker(TEXTS).rank({len(TEXTS): True})
    with pytest.raises(IndexError, match="outside"):
        Ranker(TEXTS).rank({2: True, 0: False}, skip=[len(TEXTS)])


def test_record_text_is_title_and_abstract_only() -> None:
    assert record_text(" Title ", " Abstract ") == RankingText("Title", "Abstract")
    assert record_text(" Title ", " Abstract ").full == "Title Abstract"
    assert record_text(" Title ", "").full == "Title"
    assert record_text("", " Abstract").full == "Abstract"
    assert record_text("", "").full == ""
    # Keywords and journal are not read: the served text is the one measured on labelled sets.
    assert record_text("Title", "Abstract", ["k1", "k2"], "J Med") == ("Title", "Abstract")


@pytest.mark.parametrize(
    "model",
    [
        SERVED_MODEL,
        RankingModel(("svm",), 9.8, 1),
        RankingModel(("logistic",), 1.0, 2),
        RankingModel(("naive_bayes",), 9.8, 2),
        RankingModel(("svm",), 9.8, 2, title_weight=0.5),
        RankingModel(("svm",), 9.8, 2, topic_dimensions=5),
        RankingModel(("svm", "logistic"), 9.8, 2, 0.5, 5, 0.5),
    ],
    ids=lambda model: model.describe(),
)
def test_every_model_ranks_the_obviously_relevant_texts_first(model: RankingModel) -> None:
    order = Ranker(TEXTS, model).rank({2: True, 0: False, 1: False})
    assert set(order[:3].tolist()) == RELEVANT - {2}


def test_a_word_found_in_one_record_only_does_not_move_the_ranking() -> None:
    labelled = {2: True, 0: False, 1: False}
    with_hapax = list(TEXTS)
    with_hapax[2] = record_text(TITLES[2] + " zyzzyva", "")  # in no other record: it links none
    assert np.array_equal(Ranker(with_hapax).rank(labelled), Ranker(TEXTS).rank(labelled))


@pytest.mark.parametrize(("included", "excluded"), [(1, 9), (3, 3), (5, 1)])
def test_inclusions_weigh_the_balance_ratio_times_the_exclusions(
    included: int, excluded: int
) -> None:
    labels = np.array([True] * included + [False] * excluded)
    weights = balanced_weights(labels, 9.8)
    assert weights[labels].sum() == pytest.approx(9.8 * weights[~labels].sum())
    assert weights.mean() == pytest.approx(1.0)
    assert len(set(weights[labels].tolist())) == 1  # one weight per class
    assert len(set(weights[~labels].tolist())) == 1


def test_dual_mode_queue_learns_from_settled_decisions_and_own_votes_only() -> None:
    settled = {0: False, 2: True}
    own_votes = {5: True, 2: False}  # a settled decision overrides the reviewer's own vote
    assert visible_decisions(settled, own_votes) == {5: True, 0: False, 2: True}
    order = Ranker(TEXTS).rank(visible_decisions(settled, own_votes))
    assert 5 not in order  # already voted by this reviewer
    assert set(order[:2].tolist()) == {8, 10}


def test_one_ranker_serves_concurrent_retrains_like_sequential_ones() -> None:
    ranker = Ranker(TEXTS)
    requests = [{2: True, 0: False}, {0: True, 2: False}, {5: True, 1: False, 3: False}] * 4
    sequential = [ranker.rank(labelled).tolist() for labelled in requests]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = [order.tolist() for order in pool.map(ranker.rank, requests)]
    assert concurrent == sequential


def _order_by_seed(texts: list[RankingText], model: RankingModel) -> set[tuple[int, ...]]:
    ranker = Ranker(texts, model)
    return {tuple(ranker.rank({0: True, 1: False}, seed=seed).tolist()) for seed in range(8)}


def test_title_words_count_more_than_the_same_words_in_an_abstract() -> None:
    # Records 2 and 3 read the same words (pairs all occur once, so none is kept); "statin", the
    # inclusion's title word, is in 2's title and in 3's abstract.
    texts = [
        record_text("statin therapy", "outcomes cohort"),
        record_text("bus routes", "city outcomes"),
        record_text("statin dosing", "hospital cohort"),
        record_text("hospital dosing", "statin cohort"),
        record_text("river fishing", "city boats"),
        record_text("river boats", "fishing bus routes"),
    ]
    plain = _order_by_seed(texts, RankingModel(("svm",), 9.8, 2))
    assert {order.index(2) < order.index(3) for order in plain} == {True, False}  # a tie
    for order in _order_by_seed(texts, RankingModel(("svm",), 9.8, 2, title_weight=0.5)):
        assert order.index(2) < order.index(3)


def test_topics_reach_records_that_share_related_words_but_no_word_with_the_decisions() -> None:
    # 2 shares no word with the labelled 0 and 1, nor does 3; but 2's words occur with 0's
    # (records 4 and 5) and 3's with 1's (records 6 and 7).
    texts = _titles(
        "statin cholesterol",
        "bus city",
        "atorvastatin lipids",
        "river fishing",
        "statin atorvastatin",
        "cholesterol lipids",
        "bus river",
        "city fishing",
    )
    plain = _order_by_seed(texts, RankingModel(("svm",), 9.8, 2))
    assert {order.index(2) < order.index(3) for order in plain} == {True, False}  # a tie
    for order in _order_by_seed(texts, RankingModel(("svm",), 9.8, 2, topic_dimensions=2)):
        assert order.index(2) < order.index(3)


def test_an_ensemble_of_one_classifier_twice_ranks_as_that_classifier() -> None:
    # Scores are standardised before they are averaged: combining must not reorder them.
    labelled = {2: True, 0: False, 5: True, 6: False}
    for seed in range(3):
        alone = Ranker(TEXTS, RankingModel(("svm",))).rank(labelled, seed=seed)
        twice = Ranker(TEXTS, RankingModel(("svm", "svm"))).rank(labelled, seed=seed)
        assert np.array_equal(alone, twice)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"classifiers": ()}, "at least one classifier"),
        ({"classifiers": ("naive_bayes",), "topic_dimensions": 10}, "non-negative"),
    ],
    ids=["no-classifier", "naive-bayes-with-topics"],
)
def test_impossible_models_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RankingModel(**fields)  # type: ignore[arg-type]
