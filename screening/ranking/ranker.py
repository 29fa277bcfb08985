"""Rank a stage's unscreened records by predicted relevance, learnt from the review's decisions.

The one ranking Winnow has: the service's background worker and `winnow simulate` both build a
`Ranker` from the records' `record_text` and call `rank` with the decisions so far, on the
retraining schedule of `screening.ranking.schedule`. Pure: text in, index order out; no storage,
no clock.

Fields read: title and abstract, nothing else. They are what every labelled screening set carries,
so they are what the model was chosen and measured on; keywords and journal names are absent
from those sets, and a field whose effect cannot be measured is not read.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import scipy.sparse as sparse  # type: ignore[import-untyped, unused-ignore]
from numpy.typing import NDArray
from sklearn import config_context  # type: ignore[import-untyped, unused-ignore]
from sklearn.decomposition import TruncatedSVD  # type: ignore[import-untyped, unused-ignore]
from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped, unused-ignore]
from sklearn.feature_extraction.text import (  # type: ignore[import-untyped, unused-ignore]
    TfidfVectorizer,
)
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped, unused-ignore]
from sklearn.naive_bayes import MultinomialNB  # type: ignore[import-untyped, unused-ignore]
from sklearn.preprocessing import normalize  # type: ignore[import-untyped, unused-ignore]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped, unused-ignore]
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped, unused-ignore]

RecordIndex = int
Classifier = Literal["svm", "logistic", "naive_bayes"]
MAX_DOCUMENT_FRACTION = 0.95  # a term in nearly every record separates nothing
# liblinear seeds C's process-wide rand() and draws from it with the GIL released, and warning
# filters are process-wide too: two fits at once would disturb each other's results.
_FIT_LOCK = threading.Lock()
# BLAS thread limits are process-wide too: one topic decomposition at a time sets and restores them.
_TOPICS_LOCK = threading.Lock()
# scikit-learn's per-call checks, skipped for inputs built here (see `_scores`).
_TRUSTED_INPUT = {"assume_finite": True, "skip_parameter_validation": True}
# Each classifier at its published default: ASReview's ELAS u4 SVM (C 0.11), scikit-learn's
# logistic regression (C 1), ASReview's former naive Bayes smoothing (alpha 3.822).
SVM_C = 0.11
LOGISTIC_C = 1.0
NAIVE_BAYES_ALPHA = 3.822


class RankingText(NamedTuple):
    """What the ranking reads of one record (see `record_text`)."""

    title: str
    abstract: str

    @property
    def full(self) -> str:
        return " ".join(part for part in self if part)


@dataclass(frozen=True, slots=True)
class RankingModel:
    """Features and classifier(s) of a ranking. `SERVED_MODEL` is the one reviewers get.

    Features, all fitted on every record of the stage with labels unseen:
    - TF-IDF of words and word pairs (sublinear term frequency, L2-normalised rows) over title and
      abstract, a term kept when it occurs in at least `min_document_frequency` records;
    - `title_weight` > 0: the title's words again, in a space of their own, scaled by that weight.
      A title states a record's topic in a dozen words; the same word deep in an abstract says
      less, and a decision on a record is first of all a decision on its title;
    - `topic_dimensions` > 0: that many latent topics of the TF-IDF matrix (truncated SVD, as in
      latent semantic analysis; rows L2-normalised, scaled by `topic_weight`). Words that occur
      together across a search's records (synonyms, drugs of one class, designs of one kind)
      load on the same topics, so a decision also reaches records that use related words
      rather than the same ones.
    Classifiers: each a linear model weighting the inclusions up so that together they count
    `inclusion_balance_ratio` times all exclusions (weights averaging 1), as ASReview's
    "balanced" weighting; several are combined by the mean of their standardised scores.
    """

    classifiers: tuple[Classifier, ...] = ("svm",)
    inclusion_balance_ratio: float = 9.8
    min_document_frequency: int = 2
    title_weight: float = 0.0
    topic_dimensions: int = 0
    topic_weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.classifiers:
            raise ValueError("a ranking model needs at least one classifier")
        if "naive_bayes" in self.classifiers and self.topic_dimensions:
            raise ValueError("naive Bayes needs non-negative features: no topic dimensions")

    def describe(self) -> str:
        parts = [
            "+".join(self.classifiers),
            f"balance={self.inclusion_balance_ratio:g}",
            f"min_df={self.min_document_frequency}",
        ]
        if self.title_weight:
            parts.append(f"title={self.title_weight:g}")
        if self.topic_dimensions:
            parts.append(f"topics={self.topic_dimensions}x{self.topic_weight:g}")
        return " ".join(parts)


# Fifty topics: the records of one review's search answer one question, so what varies among
# them is a few dozen themes (the interventions of one class, the populations, the designs, the
# outcomes). Fifty dimensions hold them while each topic stays shared by many records, so a
# decision reaches the records of its theme; more dimensions split a theme into topics that a
# handful of records hold. Chosen from the served family with 50, 100 and 200 topics
# by the rule of benchmarks/prioritize_select.py, on the ten development sets and in every
# leave-one-set-out fold (docs/DECISIONS.md 59).
SERVED_MODEL = RankingModel(title_weight=0.5, topic_dimensions=50, topic_weight=0.5)


def record_text(
    title: str, abstract: str, keywords: Sequence[str] = (), journal: str = ""
) -> RankingText:
    """What the ranking reads for one record: its title and abstract, stripped.

    `keywords` and `journal` are accepted for the service's current call and deliberately not
    read (see the module docstring); callers should pass only title and abstract.
    """
    del keywords, journal  # unmeasured fields: the served ranking must be the measured one
    return RankingText((title or "").strip(), (abstract or "").strip())


def visible_decisions(
    settled: Mapping[RecordIndex, bool], own_votes: Mapping[RecordIndex, bool]
) -> dict[RecordIndex, bool]:
    """What one reviewer's queue may learn from in dual mode: settled decisions plus own votes.

    Other reviewers' unsettled votes are never an input (blinding). A settled decision overrides
    the reviewer's own earlier vote on the same record.
    """
    return {**own_votes, **settled}


class Ranker:
    """Built once per review stage from its records' `record_text`; `rank` retrains on the
    decisions given.

    The features are fitted once here (over all records, labels unseen), so retraining only
    refits the classifiers. Instances are read-only after construction and safe to share across
    threads.
    """

    __slots__ = ("_features", "_model", "_n_records")

    def __init__(self, texts: Sequence[RankingText], model: RankingModel = SERVED_MODEL) -> None:
        self._n_records = len(texts)
        self._model = model
        self._features = _features(texts, model)

    @property
    def n_records(self) -> int:
        return self._n_records

    @property
    def model(self) -> RankingModel:
        return self._model

    def rank(
        self,
        labelled: Mapping[RecordIndex, bool],
        *,
        seed: int = 0,
        skip: Collection[RecordIndex] = (),
    ) -> NDArray[np.intp]:
        """Indices of the records neither in `labelled` nor in `skip`, most likely relevant
        first.

        `labelled` maps record index (position in the texts given to the constructor) to
        included (True) or excluded (False). The model trains on exactly these decisions and
        nothing else, so in dual-screening mode the caller passes only settled decisions plus the
        requesting reviewer's own votes (blinding). Until `labelled` holds at least one inclusion
        and one exclusion (cold start) the order is the default file order. `seed` fixes the
        solver's shuffling and breaks exact score ties: a given seed always gives the same order.
        `skip`: records whose text stays in the features but that are not to be screened (a
        merged duplicate, a removed record), so that such a change does not oblige to fit the
        features again.
        """
        unlabelled = self._unlabelled(labelled, skip)
        labels = np.fromiter(labelled.values(), dtype=bool, count=len(labelled))
        if self._features is None or labels.all() or not labels.any():
            return unlabelled
        indices = np.fromiter(labelled.keys(), dtype=np.intp, count=len(labelled))
        scores = self._fit_and_score(indices, labels, unlabelled, seed)
        tie_break = np.random.default_rng(seed).permutation(len(unlabelled))
        return unlabelled[np.lexsort((tie_break, -scores))]

    def _unlabelled(
        self, labelled: Mapping[RecordIndex, bool], skip: Collection[RecordIndex]
    ) -> NDArray[np.intp]:
        indices = np.fromiter(labelled.keys(), dtype=np.intp, count=len(labelled))
        skipped = np.fromiter(skip, dtype=np.intp, count=len(skip))
        for given in (indices, skipped):
            outside = given[(given < 0) | (given >= self._n_records)]
            if len(outside):
                raise IndexError(f"record index {outside[0]} outside 0..{self._n_records - 1}")
        mask = np.ones(self._n_records, dtype=bool)
        mask[indices] = False
        mask[skipped] = False
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
        weights = balanced_weights(labels, self._model.inclusion_balance_ratio)
        train = self._features[indices]
        scores = [
            _scores(name, train, labels, weights, self._features, candidates, seed)
            for name in self._model.classifiers
        ]
        if len(scores) == 1:
            return scores[0]
        return np.asarray(np.mean([_standardised(score) for score in scores], axis=0))


def _scores(
    name: Classifier,
    train: Any,
    labels: NDArray[np.bool_],
    weights: NDArray[np.float64],
    features: Any,
    candidates: NDArray[np.intp],
    seed: int,
) -> NDArray[np.float64]:
    """One classifier fitted on `train`, scoring the `candidates` rows of `features` (higher:
    more likely relevant)."""
    classifier = _classifier(name, seed)
    # The features are finite by construction and the classifiers' parameters are constants, so
    # scikit-learn's per-call input checks (a sizeable share of a fit on few decisions) are
    # skipped; they do not change the fit.
    with _FIT_LOCK, warnings.catch_warnings(), config_context(**_TRUSTED_INPUT):
        # An unconverged fit still ranks sensibly; a warning would only alarm the caller.
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(train, labels, sample_weight=weights)
    if name == "naive_bayes":
        return _log_odds(classifier, features[candidates])
    # A linear model's decision function. While most rows are candidates, one product over every
    # row is cheaper than copying the candidates' rows first; each row's sum is the same sum
    # either way, so the scores are the same numbers.
    coefficients = np.asarray(classifier.coef_, np.float64).ravel()
    intercept = float(classifier.intercept_[0])
    if 2 * len(candidates) < features.shape[0]:
        return np.asarray(features[candidates] @ coefficients + intercept, np.float64)
    return np.asarray((features @ coefficients + intercept)[candidates], np.float64)


def _log_odds(classifier: Any, candidates: Any) -> NDArray[np.float64]:
    log_probabilities = classifier.predict_log_proba(candidates)
    return np.asarray(log_probabilities[:, 1] - log_probabilities[:, 0], np.float64)


def _standardised(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    spread = float(scores.std())
    return np.asarray((scores - scores.mean()) / (spread if spread > 0 else 1.0), np.float64)


def _classifier(name: Classifier, seed: int) -> Any:
    # SVM and logistic regression are liblinear's dual coordinate descent, which shuffles with
    # `seed`: fast when there are far fewer decisions than terms, as in screening.
    if name == "logistic":
        return LogisticRegression(C=LOGISTIC_C, solver="liblinear", dual=True, random_state=seed)
    if name == "naive_bayes":
        return MultinomialNB(alpha=NAIVE_BAYES_ALPHA)
    return LinearSVC(C=SVM_C, random_state=seed)


def balanced_weights(labels: NDArray[np.bool_], ratio: float) -> NDArray[np.float64]:
    """Inclusions together weigh `ratio` times all exclusions; the mean weight is 1."""
    n_included = int(labels.sum())
    exclusion_weight = n_included / (ratio * (len(labels) - n_included))
    weights = np.where(labels, 1.0, exclusion_weight)
    return np.asarray(weights * (len(weights) / weights.sum()), dtype=np.float64)


def _features(texts: Sequence[RankingText], model: RankingModel) -> Any:  # CSR matrix or None
    """The model's feature matrix (CSR), or None when the texts share no usable words at all."""
    words = _tfidf([text.full for text in texts], model.min_document_frequency, (1, 2))
    if words is None:
        return None
    blocks = [words]
    if model.title_weight:
        titles = _tfidf([text.title for text in texts], model.min_document_frequency, (1, 1))
        if titles is not None:
            blocks.append(model.title_weight * titles)
    dimensions = min(model.topic_dimensions, words.shape[0] - 1, words.shape[1] - 1)
    if dimensions > 0:
        blocks.append(model.topic_weight * sparse.csr_matrix(normalize(_topics(words, dimensions))))
    return sparse.hstack(blocks).tocsr()


def _topics(words: Any, dimensions: int) -> NDArray[np.float64]:
    """`dimensions` latent topics of the TF-IDF matrix `words`: each record's coordinates.

    Computed in single precision, with one BLAS thread. The randomized decomposition is an
    approximation to begin with: in single precision the topics' cosines move by less than 1e-4
    and every WSS@95 and recall@10% of the ten development sets is unchanged, at half the time.
    A second BLAS thread mostly waits on products this small (on a busy 2-core machine it
    doubled the CPU time for the same result), and with one thread the topics are the same on
    every machine whatever its number of cores.
    """
    with _TOPICS_LOCK, threadpool_limits(limits=1, user_api="blas"):
        topics = TruncatedSVD(dimensions, random_state=0).fit_transform(words.astype(np.float32))
    return np.asarray(topics, np.float64)


def _tfidf(texts: Sequence[str], min_document_frequency: int, ngrams: tuple[int, int]) -> Any:
    """TF-IDF matrix (CSR) of `texts`, or None when they have no usable term."""
    for min_df in (min_document_frequency, 1):  # tiny reviews may have no term in two records
        vectoriser = TfidfVectorizer(
            ngram_range=ngrams, sublinear_tf=True, min_df=min_df, max_df=MAX_DOCUMENT_FRACTION
        )
        try:
            return vectoriser.fit_transform(texts).tocsr()
        except ValueError:  # empty vocabulary, or max_df leaves fewer documents than min_df
            continue
    return None
