"""Rank a stage's unscreened records by predicted relevance, learnt from the review's decisions.

The one ranking Winnow has: the service's background worker and `winnow simulate` both build a
`Ranker` from the records' `record_text` and call `rank` with the decisions so far, on the
retraining schedule of `screening.schedule`. Pure: text in, index order out; no storage, no clock.

Fields read: title and abstract, nothing else. They are what every labelled screening set carries,
so they are what the model was chosen and measured on; keywords and journal names are absent
from those sets, and a field whose effect cannot be measured is not read.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped, unused-ignore]
from sklearn.feature_extraction.text import (  # type: ignore[import-untyped, unused-ignore]
    TfidfVectorizer,
)
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped, unused-ignore]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped, unused-ignore]

RecordIndex = int
Classifier = Literal["svm", "logistic"]
MAX_DOCUMENT_FRACTION = 0.95  # a term in nearly every record separates nothing
# liblinear seeds C's process-wide rand() and draws from it with the GIL released, and warning
# filters are process-wide too: two fits at once would disturb each other's results.
_FIT_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class RankingModel:
    """Features and classifier of a ranking. `SERVED_MODEL` is the one reviewers get.

    Features: TF-IDF of words and word pairs (sublinear term frequency, L2-normalised rows) over
    `record_text`, the vocabulary fitted on every record of the stage, labels unseen.
    Classifier: a linear model on those features, the inclusions weighted up so that together
    they count `inclusion_balance_ratio` times all exclusions (weights rescaled to average 1, so
    `c` means the same whatever the number of decisions), as ASReview's "balanced" weighting.
    """

    classifier: Classifier = "svm"
    c: float = 0.11
    inclusion_balance_ratio: float = 9.8
    min_document_frequency: int = 2

    def describe(self) -> str:
        return (
            f"{self.classifier} C={self.c:g} balance={self.inclusion_balance_ratio:g} "
            f"min_df={self.min_document_frequency}"
        )


# Chosen by the mean WSS@95 over the ten development screening sets, with leave-one-set-out
# reported (benchmarks/prioritize.py; docs/DECISIONS.md). ASReview's ELAS u4 (C, balance) with one
# property of bibliographic text: a term must occur in at least two records, since a term met in
# one record only cannot carry what a decision taught to any other record.
SERVED_MODEL = RankingModel()


def record_text(title: str, abstract: str, keywords: Sequence[str] = (), journal: str = "") -> str:
    """The text the ranking reads for one record: its title and abstract, missing parts absent.

    `keywords` and `journal` are accepted for the service's current call and deliberately not
    read (see the module docstring); callers should pass only title and abstract.
    """
    del keywords, journal  # unmeasured fields: the served ranking must be the measured one
    return " ".join(part.strip() for part in (title, abstract) if part and part.strip())


def visible_decisions(
    settled: Mapping[RecordIndex, bool], own_votes: Mapping[RecordIndex, bool]
) -> dict[RecordIndex, bool]:
    """What one reviewer's queue may learn from in dual mode: settled decisions plus own votes.

    Other reviewers' unsettled votes are never an input (blinding). A settled decision overrides
    the reviewer's own earlier vote on the same record.
    """
    return {**own_votes, **settled}


class Ranker:
    """Built once per review stage from its record texts; `rank` retrains on the decisions given.

    The TF-IDF vocabulary is fitted once here (over all texts, labels unseen), so retraining only
    refits the classifier. Instances are read-only after construction and safe to share across
    threads.
    """

    __slots__ = ("_features", "_model", "_n_records")

    def __init__(self, texts: Sequence[str], model: RankingModel = SERVED_MODEL) -> None:
        self._n_records = len(texts)
        self._model = model
        self._features = _vectorise(texts, model.min_document_frequency)

    @property
    def n_records(self) -> int:
        return self._n_records

    @property
    def model(self) -> RankingModel:
        return self._model

    def rank(self, labelled: Mapping[RecordIndex, bool], *, seed: int = 0) -> NDArray[np.intp]:
        """Indices of the records not in `labelled`, most likely relevant first.

        `labelled` maps record index (position in the texts given to the constructor) to
        included (True) or excluded (False). The model trains on exactly these decisions and
        nothing else, so in dual-screening mode the caller passes only settled decisions plus the
        requesting reviewer's own votes (blinding). Until `labelled` holds at least one inclusion
        and one exclusion (cold start) the order is the default file order. `seed` fixes the
        solver's shuffling and breaks exact score ties: a given seed always gives the same order.
        """
        unlabelled = self._unlabelled(labelled)
        labels = np.fromiter(labelled.values(), dtype=bool, count=len(labelled))
        if self._features is None or labels.all() or not labels.any():
            return unlabelled
        indices = np.fromiter(labelled.keys(), dtype=np.intp, count=len(labelled))
        scores = self._fit_and_score(indices, labels, unlabelled, seed)
        tie_break = np.random.default_rng(seed).permutation(len(unlabelled))
        return unlabelled[np.lexsort((tie_break, -scores))]

    def _unlabelled(self, labelled: Mapping[RecordIndex, bool]) -> NDArray[np.intp]:
        indices = np.fromiter(labelled.keys(), dtype=np.intp, count=len(labelled))
        outside = indices[(indices < 0) | (indices >= self._n_records)]
        if len(outside):
            raise IndexError(f"record index {outside[0]} outside 0..{self._n_records - 1}")
        mask = np.ones(self._n_records, dtype=bool)
        mask[indices] = False
        return np.flatnonzero(mask)

    def _fit_and_score(
        self,
        indices: NDArray[np.intp],
        labels: NDArray[np.bool_],
        candidates: NDArray[np.intp],
        seed: int,
    ) -> NDArray[np.float64]:
        if len(candidates) == 0:
            return np.zeros(0)
        classifier = _classifier(self._model, seed)
        with _FIT_LOCK, warnings.catch_warnings():
            # An unconverged fit still ranks sensibly; a warning would only alarm the caller.
            warnings.simplefilter("ignore", ConvergenceWarning)
            classifier.fit(
                self._features[indices],
                labels,
                sample_weight=balanced_weights(labels, self._model.inclusion_balance_ratio),
            )
        return np.asarray(classifier.decision_function(self._features[candidates]), np.float64)


def _classifier(model: RankingModel, seed: int) -> Any:
    # Both solvers are liblinear's dual coordinate descent, which shuffles with `seed`: fast when
    # there are far fewer decisions than terms, as in screening.
    if model.classifier == "logistic":
        return LogisticRegression(C=model.c, solver="liblinear", dual=True, random_state=seed)
    return LinearSVC(C=model.c, random_state=seed)


def balanced_weights(labels: NDArray[np.bool_], ratio: float) -> NDArray[np.float64]:
    """Inclusions together weigh `ratio` times all exclusions; the mean weight is 1."""
    n_included = int(labels.sum())
    exclusion_weight = n_included / (ratio * (len(labels) - n_included))
    weights = np.where(labels, 1.0, exclusion_weight)
    return np.asarray(weights * (len(weights) / weights.sum()), dtype=np.float64)


def _vectorise(texts: Sequence[str], min_document_frequency: int) -> Any:  # CSR matrix or None
    """TF-IDF matrix (CSR), or None when the texts share no usable words at all."""
    for min_df in (min_document_frequency, 1):  # tiny reviews may have no term in two records
        vectoriser = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=min_df, max_df=MAX_DOCUMENT_FRACTION
        )
        try:
            return vectoriser.fit_transform(texts).tocsr()
        except ValueError:  # empty vocabulary, or max_df leaves fewer documents than min_df
            continue
    return None
