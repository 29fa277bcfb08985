"""Rank a stage's unscreened records by predicted relevance, learnt from the review's decisions.

Pure: text in, index order out. No storage, no clock; the caller decides when to retrain (e.g. in a
background thread after each batch of decisions) and which decisions the model may see.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped, unused-ignore]
from sklearn.feature_extraction.text import (  # type: ignore[import-untyped, unused-ignore]
    TfidfVectorizer,
)
from sklearn.svm import LinearSVC  # type: ignore[import-untyped, unused-ignore]

# Model: TF-IDF of words and word pairs + linear SVM with up-weighted inclusions, the family of
# ASReview's default "ELAS u4" (C and the balance ratio are its published values). One change:
# a term must occur in at least two records (min_df=2); one-off words and pairs cannot generalise
# to another record and only add noise and cost. Fixed for every review: no per-set tuning.
SVM_C = 0.11
INCLUSION_BALANCE_RATIO = 9.8
MIN_DOCUMENT_FREQUENCY = 2
MAX_DOCUMENT_FRACTION = 0.95

RecordIndex = int


def record_text(title: str, abstract: str, keywords: Sequence[str] = (), journal: str = "") -> str:
    """The text the model reads for one record; missing parts are simply absent."""
    parts = [title, abstract, " ".join(keywords), journal]
    return " ".join(part.strip() for part in parts if part and part.strip())


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

    __slots__ = ("_features", "_n_records")

    def __init__(self, texts: Sequence[str]) -> None:
        self._n_records = len(texts)
        self._features = _vectorise(texts)

    @property
    def n_records(self) -> int:
        return self._n_records

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
        n_included = int(labels.sum())
        n_excluded = len(labels) - n_included
        # Inclusions are rare; weigh exclusions down so the classes count about 9.8 : 1.
        exclusion_weight = n_included / (INCLUSION_BALANCE_RATIO * n_excluded)
        weights = np.where(labels, 1.0, exclusion_weight)
        model = LinearSVC(C=SVM_C, random_state=seed)  # liblinear shuffles its updates
        with warnings.catch_warnings():
            # An unconverged fit still ranks sensibly; a warning would only alarm the caller.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(self._features[indices], labels, sample_weight=weights)
        if len(candidates) == 0:
            return np.zeros(0)
        return np.asarray(model.decision_function(self._features[candidates]), dtype=np.float64)


def _vectorise(texts: Sequence[str]) -> Any:  # scipy CSR matrix or None
    """TF-IDF matrix (CSR), or None when the texts share no usable words at all."""
    for min_df in (MIN_DOCUMENT_FREQUENCY, 1):  # tiny reviews may have no term in two records
        vectoriser = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=min_df, max_df=MAX_DOCUMENT_FRACTION
        )
        try:
            return vectoriser.fit_transform(texts).tocsr()
        except ValueError:  # empty vocabulary, or max_df leaves fewer documents than min_df
            continue
    return None
