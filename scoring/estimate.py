"""Kab/kota estimates from accepted respondents: IHaI with its standard error, dimensions, variables, aspects.

Scoring rules (all constants come from the methodology):
- item score = (answer − min) / (max − min) × score_max; a reverse item scores (max − answer) instead of
  (answer − min);
- a respondent's variable score is the mean of the variable's answered items;
- a kab/kota's variable estimate is the weighted mean of its respondents' variable scores;
- IHaI = Σ w_v × variable estimate = the weighted mean of each respondent's composite Σ w_v × score_v;
- a dimension is the weight-averaged mean of its variables, i.e. the weighted mean of each respondent's
  dimension score (the weight-averaged mean of the respondent's variable scores in it), whose Taylor SE is
  computed like the IHaI's;
- an aspect is the variable-weighted mean of that aspect's item means, each item mean taken over the
  respondents who answered the item.

Design: each kab/kota is a stratum with respondents independent within it. The SE of the IHaI is the
Taylor-linearised SE of a weighted mean, sqrt(n/(n−1) · Σ wᵢ²(yᵢ − ȳ)²) / Σ wᵢ, the figure samplics'
`TaylorEstimator(PopParam.mean)` returns with stratum = domain = kab/kota. With population weighting
(`scoring.weighting`) the scores are first centred within the calibration cells, as R's survey and svy do.

Everything runs on items × respondents matrices with whole-array operations and per-group sums
(`np.bincount`), never a loop over respondents: 340,000 respondents take well under a tenth of a second.
Respondents are taken in blocks, so a survey of millions needs no more working memory than one block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from core.constants import KABKOTA
from scoring.methodology import Methodology
from scoring.results import aspect_column, dimension_column, dimension_se_column

WEIGHT = "weight"


class EstimationError(ValueError):
    """Input that breaks the accepted-respondents contract (scoring/quality.py guarantees it holds)."""


def estimate_columns(methodology: Methodology) -> list[str]:
    """Columns of `estimate_kabkota`'s frame, in order."""
    return (
        [KABKOTA, "n_respondents", "sum_weights", "ihai", "ihai_se", "ihai_ci_low", "ihai_ci_high"]
        + [dimension_column(key) for key in methodology.dimension_keys]
        + [dimension_se_column(key) for key in methodology.dimension_keys]
        + methodology.variable_keys
        + [aspect_column(key) for key in methodology.aspect_keys]
    )


def item_scores(answers: np.ndarray, methodology: Methodology) -> np.ndarray:
    """Answers (items × respondents, NaN = blank) on the 0..score_max scale, in place; blanks stay NaN."""
    scale = methodology.scale
    per_point = scale.score_max / (scale.max - scale.min)
    reverse = np.array([item.reverse for item in methodology.items])
    # (answer − min)·p forward and (answer − max)·(−p) = (max − answer)·p reversed: one expression for both.
    origin = np.where(reverse, scale.max, scale.min).astype(np.float64)
    slope = np.where(reverse, -per_point, per_point)
    answers -= origin[:, None]
    answers *= slope[:, None]
    return answers


def aspect_weights(methodology: Methodology) -> np.ndarray:
    """Items × aspects matrix holding each item's variable weight in its aspect's column."""
    aspect_index = {key: index for index, key in enumerate(methodology.aspect_keys)}
    columns = [aspect_index[item.aspect] for variable in methodology.variables for item in variable.items]
    weights = [variable.weight for variable in methodology.variables for _ in variable.items]
    matrix = np.zeros((len(columns), len(methodology.aspects)))
    matrix[np.arange(len(columns)), columns] = weights
    return matrix


def dimension_weights(methodology: Methodology) -> np.ndarray:
    """Variables × dimensions matrix of variable weights normalised to sum to 1 within each dimension."""
    dimension_index = {key: index for index, key in enumerate(methodology.dimension_keys)}
    matrix = np.zeros((len(methodology.variables), len(methodology.dimensions)))
    for row, variable in enumerate(methodology.variables):
        matrix[row, dimension_index[variable.dimension]] = variable.weight
    return matrix / matrix.sum(axis=0)


def variable_scores(filled: np.ndarray, blank: np.ndarray, n_variables: int) -> np.ndarray:
    """Variables × respondents: the mean of each variable's answered items.

    `filled` holds item scores with blanks as 0 and `blank` marks the blanks (both items × respondents).
    Items come variable by variable and every variable has exactly one item per aspect (`load_methodology`
    refuses anything else), so the item rows reshape into a variables × aspects block.
    """
    shape = (n_variables, -1, filled.shape[1])
    sums = filled.reshape(shape).sum(axis=1)
    counts = filled.shape[0] // n_variables - blank.reshape(shape).sum(axis=1)
    if (counts == 0).any():
        # scoring/quality.py quarantines such rows ("variabel_kosong"); a score of 0 or NaN would be a guess.
        blank_respondents = int((counts == 0).any(axis=0).sum())
        raise EstimationError(f"{blank_respondents} responden tidak menjawab satu pun butir suatu variabel")
    return sums / counts


def weighted_group_sums(
    groups: np.ndarray, w: np.ndarray, rows: Iterable[np.ndarray], n_groups: int
) -> np.ndarray:
    """Σ wᵢ·xᵢ per group for each row x of `rows` (one value per respondent), as a groups × rows matrix.

    One row at a time, so the weighted copies never exist all at once.
    """
    return np.column_stack([np.bincount(groups, weights=row * w, minlength=n_groups) for row in rows])


def weighted_mean_se(
    groups: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    mean: np.ndarray,
    total: np.ndarray,
    n: np.ndarray,
    centre: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Taylor SE of each group's weighted mean: sqrt(n/(n−1) · Σ (zᵢ − z̄)²) / Σ wᵢ with zᵢ = wᵢ(yᵢ − ȳ);
    NaN when n = 1.

    `mean`, `total` (Σ wᵢ) and `n` are per group; `groups`, `y`, `w` per respondent. Without calibration
    z̄ = 0 and this is sqrt(n/(n−1) · Σ wᵢ²(yᵢ − ȳ)²) / Σ wᵢ. With calibrated weights, `centre`
    (`scoring.weighting.Calibration.centre`) centres the scores within the calibration cells first.

    Residuals are taken from the group mean (two passes) rather than expanded into sums of squares,
    which would lose digits when the spread is small next to the level.
    """
    z = w * (y - mean[groups])
    if centre is not None:
        z = centre(z)
    z -= (np.bincount(groups, weights=z, minlength=len(mean)) / n)[groups]
    squares = np.bincount(groups, weights=z * z, minlength=len(mean))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 1, np.sqrt(n / (n - 1) * squares) / total, np.nan)


def _nan_weighted_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """values (groups × k) @ weights (k × m), renormalised over the non-NaN entries of each row."""
    present = ~np.isnan(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.where(present, values, 0.0) @ weights) / (present.astype(np.float64) @ weights)


def _group_ids(codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    ids, uniques = pd.factorize(codes, sort=True)
    if (ids < 0).any():
        raise EstimationError("ada responden tanpa kode kab/kota")
    return ids, np.asarray(uniques, dtype=object)


# Respondents per block: the items × block score matrices then stay near 100 MB whatever the export's size.
BLOCK_ROWS = 1 << 19


def estimate_kabkota(
    accepted: pd.DataFrame, methodology: Methodology, centre: Callable[[np.ndarray], np.ndarray] | None = None
) -> pd.DataFrame:
    """One row per kab/kota with at least one accepted respondent, sorted by code; see the module doc.

    With population weighting, `accepted["weight"]` holds the calibrated weights and `centre` credits the
    calibration in the standard error (see `weighted_mean_se`).

    Respondents are scored block by block and their contributions summed per kab/kota, so the work
    matrices never hold more than BLOCK_ROWS respondents; only each respondent's composite is kept whole,
    for the second pass of the standard error.
    """
    columns = estimate_columns(methodology)
    if accepted.empty:
        return _empty_frame(columns)

    groups, codes = _group_ids(accepted[KABKOTA])
    n_groups = len(codes)
    w = accepted[WEIGHT].to_numpy(dtype=np.float64)
    if not (w > 0).all():
        raise EstimationError("bobot responden harus bilangan positif")

    n_variables, n_items = len(methodology.variables), len(methodology.items)
    n = np.bincount(groups, minlength=n_groups)
    sums = np.zeros((n_groups, 2 + n_variables + n_items))
    blank_weights = np.zeros((n_groups, n_items))
    blank_counts = np.zeros((n_groups, n_items), dtype=np.int64)
    composite = np.empty(len(accepted))
    by_dimension = dimension_weights(methodology)
    dimension_scores = np.empty((by_dimension.shape[1], len(accepted)))
    for start in range(0, len(accepted), BLOCK_ROWS):
        block = slice(start, start + BLOCK_ROWS)
        g, wb = groups[block], w[block]
        # Quantities × respondents throughout: each quantity is then one contiguous row for np.bincount.
        # Each item column is cast straight into its row: one float64 matrix, no transposed copy.
        answers = np.empty((n_items, len(g)))
        for row, key in enumerate(methodology.item_keys):
            answers[row] = accepted[key].to_numpy()[block]
        filled = item_scores(answers, methodology)
        blank = np.isnan(filled)
        np.copyto(filled, 0.0, where=blank)  # blanks then add nothing to any sum; `blank` remembers them
        per_variable = variable_scores(filled, blank, n_variables)
        composite[block] = methodology.weights @ per_variable
        dimension_scores[:, block] = by_dimension.T @ per_variable
        sums += weighted_group_sums(g, wb, [np.ones_like(wb), composite[block], *per_variable, *filled], n_groups)
        for item, row in enumerate(blank):
            missing = np.flatnonzero(row)
            blank_weights[:, item] += np.bincount(g[missing], weights=wb[missing], minlength=n_groups)
            blank_counts[:, item] += np.bincount(g[missing], minlength=n_groups)

    total, ihai = sums[:, 0], sums[:, 1] / sums[:, 0]
    variables = sums[:, 2 : 2 + n_variables] / total[:, None]
    # Σ wᵢ over the respondents who answered each item, as the total minus the blanks' weight (blanks are
    # few); exactly 0 where nobody did, where the subtraction might leave rounding dust.
    answered = np.where(blank_counts == n[:, None], 0.0, total[:, None] - blank_weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        item_means = sums[:, 2 + n_variables :] / answered  # NaN for an item nobody in the kab/kota answered
    se = weighted_mean_se(groups, composite, w, ihai, total, n, centre)
    margin = methodology.z * se
    dimensions = variables @ by_dimension
    dimensions_se = [
        weighted_mean_se(groups, scores, w, dimensions[:, index], total, n, centre)
        for index, scores in enumerate(dimension_scores)
    ]

    frame = pd.DataFrame(
        np.column_stack(
            [
                total,
                ihai,
                se,
                ihai - margin,
                ihai + margin,
                dimensions,
                *dimensions_se,
                variables,
                _nan_weighted_mean(item_means, aspect_weights(methodology)),
            ]
        ),
        columns=columns[2:],
    )
    frame.insert(0, "n_respondents", n.astype(np.int64))
    frame.insert(0, KABKOTA, pd.array(codes, dtype="str"))
    return frame


def _empty_frame(columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype=np.float64) for column in columns})
    return frame.astype({KABKOTA: "str", "n_respondents": np.int64})
