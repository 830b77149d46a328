"""How much a kab/kota's category and rank depend on the variable weights.

The 2025 weights are provisional (no official weights are published), so a rank or a category may hinge on
them. Following the uncertainty and sensitivity analysis of composite indicators (the JRC's COINr), the
IHaI is recomputed under a set of plausible weightings — Dirichlet draws around the framework's weights and
the named alternatives its `[sensitivity]` table lists (equal weights, other dimension weights) — and each
kab/kota gets:
- `category_stability`: the share of weightings under which it keeps its reported category;
- `rank_low`, `rank_high`: the 5th and 95th percentiles of its national rank over the weightings (the
  lower percentile taken downwards and the upper upwards, so at least 90% of the weightings rank it inside).

The IHaI is linear in the variable estimates (IHaI = Σ w_v × variable_v), so every weighting's scores are
one matrix product of the kab/kota × variables table with the weightings × variables matrix; categories come
from one `searchsorted` and ranks from one `argsort` per column: 1,000 weightings × 353 kab/kota take a few
tens of milliseconds (bench/scoring.py). Only publishable kab/kota are ranked, as for `rank_national`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.methodology import Alternative, Methodology


@dataclass(frozen=True)
class Weightings:
    """Weightings × variables (rows sum to 1, variables in methodology order) and a name per row."""

    matrix: np.ndarray
    names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.names)

    def summary(self, methodology: Methodology) -> dict:
        """What the manifest records about the weightings."""
        settings = methodology.sensitivity
        draws = sum(name == DIRICHLET_NAME for name in self.names)
        return {
            "weightings": len(self),
            "dirichlet_draws": draws,
            "concentration": settings.concentration,
            "seed": settings.seed,
            "alternatives": [name for name in self.names if name != DIRICHLET_NAME],
            "quantiles": [LOW_QUANTILE, HIGH_QUANTILE],
        }


DIRICHLET_NAME = "dirichlet"
LOW_QUANTILE, HIGH_QUANTILE = 0.05, 0.95


def plausible_weightings(methodology: Methodology, draws: int | None = None) -> Weightings:
    """The framework's set of plausible weightings: `draws` Dirichlet draws (default: the framework's own
    number) with α = concentration × weight, then the named alternatives."""
    settings = methodology.sensitivity
    count = settings.draws if draws is None else draws
    base = methodology.weights
    rng = np.random.default_rng(settings.seed)
    drawn = rng.dirichlet(settings.concentration * base, size=count) if count else np.empty((0, len(base)))
    rows, names = [drawn], [DIRICHLET_NAME] * count
    for alternative in settings.alternatives:
        rows.append(alternative_weights(alternative, methodology)[None, :])
        names.append(alternative.name)
    return Weightings(np.concatenate(rows, axis=0), tuple(names))


def alternative_weights(alternative: Alternative, methodology: Methodology) -> np.ndarray:
    """A named alternative as variable weights summing to 1. Dimension weights are split over a dimension's
    variables in proportion to the framework's own weights within it."""
    base = methodology.weights
    if alternative.equal_variables:
        return np.full(len(base), 1.0 / len(base))
    dimensions = alternative.dimensions or {}
    weights = np.empty(len(base))
    for dimension in methodology.dimension_keys:
        members = [index for index, variable in enumerate(methodology.variables) if variable.dimension == dimension]
        within = base[members] / base[members].sum()
        weights[members] = dimensions[dimension] * within
    return weights / weights.sum()


@dataclass(frozen=True)
class Sensitivity:
    """Per kab/kota (in the order given): stability of the category and the rank interval; NaN where the
    kab/kota is not ranked."""

    category_stability: np.ndarray
    rank_low: np.ndarray
    rank_high: np.ndarray


def descending_min_ranks(scores: np.ndarray) -> np.ndarray:
    """Rank of each row within each column: 1 = highest, ties share the lowest rank (pandas' "min").

    Sorted column by column as contiguous rows of the transpose, which is several times faster than
    sorting down the columns in place."""
    columns = np.ascontiguousarray(scores.T)
    n = columns.shape[1]
    order = np.argsort(-columns, axis=1, kind="stable")
    ordered = np.take_along_axis(columns, order, axis=1)
    starts = np.ones_like(ordered, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    # Each position takes the place of the first of its run of equal values.
    places = np.maximum.accumulate(np.where(starts, np.arange(n)[None, :], 0), axis=1) + 1
    ranks = np.empty_like(places)
    np.put_along_axis(ranks, order, places, axis=1)
    return ranks.T


def weight_sensitivity(
    variables: np.ndarray, ihai: np.ndarray, weightings: Weightings, methodology: Methodology
) -> Sensitivity:
    """`variables` (kab/kota × variables) and `ihai` of the kab/kota; rows with a NaN IHaI (not publishable)
    get NaN and take no place in the ranks."""
    m = len(ihai)
    stability, low, high = (np.full(m, np.nan) for _ in range(3))
    ranked = ~np.isnan(ihai)
    if not ranked.any() or not len(weightings):
        return Sensitivity(stability, low, high)
    scores = variables[ranked] @ weightings.matrix.T  # kab/kota × weightings
    edges = methodology.band_edges
    reported = np.searchsorted(edges, ihai[ranked], side="right")
    stability[ranked] = (np.searchsorted(edges, scores, side="right") == reported[:, None]).mean(axis=1)
    ranks = descending_min_ranks(scores)
    low[ranked] = np.quantile(ranks, LOW_QUANTILE, axis=1, method="lower")
    high[ranked] = np.quantile(ranks, HIGH_QUANTILE, axis=1, method="higher")
    return Sensitivity(stability, low, high)
