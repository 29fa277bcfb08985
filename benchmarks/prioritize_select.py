"""The rule that picks the served ranking model from the grid, on any group of labelled sets.

Rule, in words: among the models whose mean WSS@95 is within the measurement's noise of the best
mean, serve the one that falls behind the peer by the fewest points in sum over the sets (ties:
the higher mean, then the earlier model of the grid). The noise is measured, not chosen: the
standard deviation, over solver seeds, of one fixed model's mean WSS@95 on the same sets (the
benchmark's NOISE_MODEL, the published model the grid starts from); two means closer than that
are not told apart by these sets. Within that band, what predicts a review no
one has seen is how badly a model can lose on a review, not a difference of means the sets
cannot resolve. The same function chooses on all ten sets and inside every leave-one-set-out
fold (on the nine, the tenth unseen).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from screening.ranking.ranker import RankingModel


@dataclass(frozen=True)
class SetScores:
    """One labelled set: every grid model's WSS@95 (the benchmark's seed), the peer's, and the
    noise model's WSS@95 under each solver seed."""

    name: str
    wss: dict[RankingModel, float]
    peer: float
    seed_wss: tuple[float, ...]


@dataclass(frozen=True)
class Choice:
    model: RankingModel
    noise: float  # standard deviation of the mean WSS@95 over seeds
    best_mean: float
    band: tuple[RankingModel, ...]  # models within `noise` of the best mean, in grid order


def shortfall(model: RankingModel, sets: Sequence[SetScores]) -> float:
    """Points behind the peer, summed over the sets where the model is behind."""
    return sum(max(0.0, s.peer - s.wss[model]) for s in sets)


def mean_wss(model: RankingModel, sets: Sequence[SetScores]) -> float:
    return statistics.mean(s.wss[model] for s in sets)


def seed_noise(sets: Sequence[SetScores]) -> float:
    """Standard deviation over seeds of the noise model's mean WSS@95 on `sets`."""
    seeds = len(sets[0].seed_wss)
    means = [statistics.mean(s.seed_wss[k] for s in sets) for k in range(seeds)]
    return statistics.stdev(means) if seeds > 1 else 0.0


def choose(grid: Sequence[RankingModel], sets: Sequence[SetScores]) -> Choice:
    """The rule of the module docstring, applied to `sets` only."""
    noise = seed_noise(sets)
    means = {model: mean_wss(model, sets) for model in grid}
    best = max(means.values())
    band = tuple(model for model in grid if means[model] >= best - noise)
    chosen = min(band, key=lambda m: (shortfall(m, sets), -means[m], grid.index(m)))
    return Choice(chosen, noise, best, band)
